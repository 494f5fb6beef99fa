using Graystep.Core.Analysis;

namespace Graystep.Core.Alerts;

/// <summary>Flagger's alert severities, least severe first (<c>alerts[].severity</c>; the default is info).</summary>
public enum AlertSeverity
{
    Info,
    Warn,
    Error,
}

/// <summary>
/// A Flagger <c>AlertProvider</c> (<c>flagger.app/v1beta1</c>) read from the repository: where alerts go and how.
/// </summary>
public sealed record AlertProviderSpec
{
    /// <summary>Flagger's defaults for a provider that names no channel or user; the user is ours, not Flagger's.</summary>
    public const string DefaultChannel = "general";

    public const string DefaultUsername = "graystep";

    /// <summary>The Secret key Flagger reads the address from.</summary>
    public const string AddressKey = "address";

    /// <summary>The file it was read from, for messages.</summary>
    public required string File { get; init; }

    public required string Name { get; init; }

    public required string Namespace { get; init; }

    /// <summary>slack, msteams, discord, rocket, gchat or generic: an id of the alert sender registry.</summary>
    public required string Type { get; init; }

    public string Channel { get; init; } = DefaultChannel;

    public string Username { get; init; } = DefaultUsername;

    /// <summary>The webhook URL as written; null when it comes from <see cref="SecretName"/>. A secret either way.</summary>
    public string? Address { get; init; }

    /// <summary>An HTTP proxy for this provider only.</summary>
    public Uri? Proxy { get; init; }

    /// <summary><c>secretRef.name</c>: the address is then read from <see cref="AddressVariable"/>.</summary>
    public string? SecretName { get; init; }

    /// <summary>The environment variable the pipeline sets to the Secret's address (the runner cannot read cluster Secrets).</summary>
    public string? AddressVariable => SecretName is null ? null : MetricConnection.SecretVariable(SecretName, AddressKey);

    /// <summary><c>namespace/name</c>, as messages name it.</summary>
    public string Id => Namespace + "/" + Name;
}

/// <summary>One entry of <c>spec.analysis.alerts</c>, with the provider it names once the references are resolved.</summary>
public sealed record AlertSpec
{
    public required string Name { get; init; }

    /// <summary>The least severe event this alert receives.</summary>
    public AlertSeverity Severity { get; init; } = AlertSeverity.Info;

    public required string ProviderName { get; init; }

    /// <summary><c>providerRef.namespace</c>; null means the rollout's namespace.</summary>
    public string? ProviderNamespace { get; init; }

    /// <summary>The AlertProvider the reference names; set by validation, which refuses a reference to nothing.</summary>
    public AlertProviderSpec? Provider { get; init; }
}
