using Graystep.Core.Errors;
using Graystep.Core.Providers;
using Graystep.Core.Secrets;

namespace Graystep.Core.Hosts;

/// <summary>
/// The git hosts, in an explicit order (GCM's provider registry). <c>--git-host</c> forces one by id; otherwise the
/// host whose cheap <see cref="IProvider{TInput}.IsSupported"/> accepts the remote URL wins, and two hosts at the
/// same priority that both accept it are an error rather than a silent pick: a wrong guess would send a token to
/// the wrong API.
/// </summary>
public sealed class GitHostRegistry() : ProviderRegistry<IGitHost, string>("git host", "auto")
{
    private readonly List<string> _planned = [];

    /// <summary>
    /// What <c>--git-host</c> accepts: auto, the registered hosts, then the ids DESIGN.md reserves for hosts that are
    /// planned (azure, gitlab), which are refused with their own clear error until they land.
    /// </summary>
    public override IReadOnlyList<string> KnownIds => [.. base.KnownIds, .. _planned];

    /// <summary>Reserves the id of a host that is planned but not built: choosing it is a usage error that says so.</summary>
    public void Plan(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (Find(id) is not null || _planned.Contains(id, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"The git host id '{id}' is already known.", nameof(id));
        }

        _planned.Add(id);
    }

    protected override string Show(string input) => UrlCredentials.Redact(input);

    protected override GraystepException UnknownProvider(string id) =>
        _planned.Contains(id, StringComparer.OrdinalIgnoreCase)
            ? new($"--git-host {id}: pull requests on this host are not implemented yet", ExitCodes.Usage,
                "use --git-host local (commit and push directly) until the host lands")
            : new($"--git-host {id}: unknown git host", ExitCodes.Usage, "use one of: " + string.Join(", ", KnownIds));

    protected override GraystepException NoProvider(string input) => new(
        $"no git host supports '{Show(input)}'; known hosts: {string.Join(", ", KnownIds)}",
        ExitCodes.Usage,
        "pass --git-host to choose one");

    protected override GraystepException AmbiguousProviders(string input, IReadOnlyList<IGitHost> candidates) => new(
        $"more than one git host accepts '{Show(input)}': {string.Join(", ", candidates.Select(h => h.Id))}",
        ExitCodes.Usage,
        "pass --git-host to choose one");
}
