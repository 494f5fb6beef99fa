namespace Graystep.Core.Providers;

/// <summary>
/// One provider of a family: a traffic router, a metric provider, a git host, a sync gate, a webhook caller or a
/// CI agent. Every family has the same shape (git-credential-manager's HostProvider): a stable <see cref="Id"/> the
/// user can force, and one cheap <see cref="IsSupported"/> check that a registry asks before anything else.
/// </summary>
/// <typeparam name="TInput">What the check looks at: a spec name, a remote URL, a webhook URL, the environment.</typeparam>
public interface IProvider<in TInput>
{
    /// <summary>Stable, lower-case; what users write in specs, options and environment variables.</summary>
    string Id { get; }

    /// <summary>Whether <paramref name="input"/> is this provider's. MUST be cheap: no network, no process, no file.</summary>
    bool IsSupported(TInput input);
}

/// <summary>
/// Where a provider stands when a registry detects one: higher first, then in registration order. Two providers of
/// the same priority that both accept an input are an error, never a silent pick. <see cref="Fallback"/> is for the
/// one generic provider of a family that accepts everything and is used only when nothing more specific does.
/// </summary>
public enum ProviderPriority
{
    Fallback = 0,
    Low = 1,
    Normal = 2,
    High = 3,
    Highest = 4,
}
