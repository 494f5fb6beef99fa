using Graystep.Core.Hosts;

namespace Graystep.Git;

/// <summary>
/// Plain git: Graystep commits straight to the branch and pushes, with no pull requests. It supports any remote,
/// so it is registered last, as the fallback.
/// </summary>
public sealed class LocalGitHost : IGitHost
{
    public const string HostId = "local";

    public string Id => HostId;

    public bool IsSupported(string remoteUrl) => true;
}
