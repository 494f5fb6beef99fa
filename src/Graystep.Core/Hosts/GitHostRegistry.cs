using Graystep.Core.Errors;

namespace Graystep.Core.Hosts;

/// <summary>
/// Where a host stands when <c>--git-host auto</c> picks one: higher first. <see cref="Fallback"/> is for the one
/// generic host (local) that supports every remote and is used only when nothing more specific does.
/// </summary>
public enum GitHostPriority
{
    Fallback = 0,
    Low = 1,
    Normal = 2,
    High = 3,
}

/// <summary>
/// The git hosts Graystep knows, in an explicit order (GCM's provider registry). The user may force one by id;
/// otherwise the first host whose cheap <see cref="IGitHost.IsSupported"/> accepts the remote wins, and two hosts
/// at the same priority that both accept it are an error rather than a silent pick.
/// </summary>
public sealed class GitHostRegistry
{
    public const string Auto = "auto";

    private readonly List<(IGitHost Host, GitHostPriority Priority, int Order)> _hosts = [];

    public GitHostRegistry Register(IGitHost host, GitHostPriority priority)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (string.Equals(host.Id, Auto, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{Auto}' is reserved and cannot be a host id.", nameof(host));
        }

        if (_hosts.Any(h => string.Equals(h.Host.Id, host.Id, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"A git host with id '{host.Id}' is already registered.", nameof(host));
        }

        if (priority == GitHostPriority.Fallback && _hosts.Any(h => h.Priority == GitHostPriority.Fallback))
        {
            throw new ArgumentException("Only one fallback git host can be registered.", nameof(priority));
        }

        _hosts.Add((host, priority, _hosts.Count));
        return this;
    }

    /// <summary>The ids a user can pass to <c>--git-host</c>, <c>auto</c> first, then in the order auto tries them.</summary>
    public IReadOnlyList<string> KnownIds => [Auto, .. Ordered().Select(h => h.Host.Id)];

    /// <summary>
    /// The host for <paramref name="remoteUrl"/>: the one named by <paramref name="hostId"/> (null or empty means
    /// <c>auto</c>), or the detected one.
    /// </summary>
    public IGitHost Resolve(string? hostId, string remoteUrl)
    {
        ArgumentNullException.ThrowIfNull(remoteUrl);
        var id = string.IsNullOrWhiteSpace(hostId) ? Auto : hostId.Trim();
        if (!string.Equals(id, Auto, StringComparison.OrdinalIgnoreCase))
        {
            // A forced host is used even when its detection says no: that is how GitHub Enterprise or a
            // self-hosted GitLab on a custom domain is reached.
            return _hosts.FirstOrDefault(h => string.Equals(h.Host.Id, id, StringComparison.OrdinalIgnoreCase)).Host
                ?? throw new GraystepException(
                    $"unknown git host '{id}'; known hosts: {string.Join(", ", KnownIds)}",
                    ExitCodes.Usage,
                    "pass --git-host (or GRAYSTEP_GIT_HOST) with one of the known hosts");
        }

        foreach (var group in Ordered().GroupBy(h => h.Priority))
        {
            var supported = group.Where(h => h.Host.IsSupported(remoteUrl)).ToList();
            if (supported.Count == 1)
            {
                return supported[0].Host;
            }

            if (supported.Count > 1)
            {
                throw new GraystepException(
                    $"more than one git host accepts '{RemoteUrl.Redact(remoteUrl)}': {string.Join(", ", supported.Select(h => h.Host.Id))}",
                    ExitCodes.Usage,
                    "pass --git-host to choose one");
            }
        }

        throw new GraystepException(
            $"no git host supports '{RemoteUrl.Redact(remoteUrl)}'; known hosts: {string.Join(", ", KnownIds)}",
            ExitCodes.Usage,
            "pass --git-host to choose one");
    }

    private IEnumerable<(IGitHost Host, GitHostPriority Priority, int Order)> Ordered() =>
        _hosts.OrderByDescending(h => h.Priority).ThenBy(h => h.Order);
}
