namespace Graystep.Core.Providers;

/// <summary>
/// A secret a provider reads, declared with the provider so that the command line, the settings and the secret mask
/// all come from what is registered: an option (or none), environment variables tried in order, and what it is for.
/// </summary>
/// <param name="Option">The command-line option, e.g. <c>--github-token</c>; null when only the environment sets it.</param>
/// <param name="Variables">Environment variables, first non-empty wins, e.g. GRAYSTEP_GITHUB_TOKEN, GITHUB_TOKEN.</param>
public sealed record SecretSetting(string? Option, IReadOnlyList<string> Variables, string Description)
{
    /// <summary>The option's help: the description and where else the value may come from.</summary>
    public string Help => Variables.Count == 0
        ? Description
        : $"{Description} [{Variables[0]}{(Variables.Count > 1 ? ", else " + string.Join(", ", Variables.Skip(1)) : string.Empty)}]";
}

/// <summary>A provider that reads secrets (an optional capability, found by the composition root).</summary>
public interface IReadsSecrets
{
    IReadOnlyList<SecretSetting> Secrets { get; }
}

/// <summary>Where providers read their secrets from once the settings are known; never printed.</summary>
public interface ISecretSource
{
    /// <summary>The value of <paramref name="setting"/>: its option, else its first non-empty variable; null when unset.</summary>
    string? Get(SecretSetting setting);
}
