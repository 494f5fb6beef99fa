using Graystep.Core.Hosts;

namespace Graystep.Hosts.Local;

/// <summary>
/// Plain git: Graystep commits straight to the branch and pushes, with no pull requests. It supports any remote,
/// so it is registered last, as the fallback.
/// </summary>
public sealed class LocalGitHost : IGitHost
{
    public const string HostId = "local";

    public string Id => HostId;

    public string Name => "plain git";

    public bool HasPullRequests => false;

    public bool IsSupported(string input) => true;

    public IPullRequestHost? PullRequests(string remoteUrl) => null;
}
