using Graystep.Core.Abstractions;
using Graystep.Core.Hosts;
using Graystep.Core.Providers;

namespace Graystep.Hosts.GitHub;

/// <summary>
/// GitHub and GitHub Enterprise Server as a git host: detected from the remote URL (github.com, or the server that
/// <c>GITHUB_SERVER_URL</c>/<c>GITHUB_API_URL</c> name), with pull requests (<see cref="GitHubPullRequests"/>). The
/// token is <c>--github-token</c>, else <c>GRAYSTEP_GITHUB_TOKEN</c>, <c>GITHUB_TOKEN</c>, <c>GH_TOKEN</c>.
/// </summary>
public sealed class GitHubHost(ISecretSource secrets, IEnvironment environment, Func<HttpMessageHandler> handler, TimeProvider time) : IGitHost, IReadsSecrets
{
    public const string HostId = "github";

    public static SecretSetting Token { get; } = new(
        "--github-token",
        ["GRAYSTEP_GITHUB_TOKEN", "GITHUB_TOKEN", "GH_TOKEN"],
        "Token for the GitHub API when git.pullRequests is true; never printed");

    public string Id => HostId;

    public string Name => "GitHub";

    public bool HasPullRequests => true;

    public IReadOnlyList<SecretSetting> Secrets => [Token];

    public bool IsSupported(string input) => Supports(input, environment);

    public IPullRequestHost PullRequests(string remoteUrl) =>
        new GitHubPullRequests(new GitHubHostOptions { RemoteUrl = remoteUrl, Token = secrets.Get(Token) }, environment, handler(), time);

    /// <summary>
    /// github.com remotes (https, ssh, scp-like; ssh.github.com too), and the GitHub Enterprise Server named by
    /// <c>GITHUB_SERVER_URL</c> or <c>GITHUB_API_URL</c>. Reads only the URL and the environment.
    /// </summary>
    public static bool Supports(string remoteUrl, IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!GitHubRepository.TryParse(remoteUrl, out var repository))
        {
            return false;
        }

        if (GitHubPullRequests.IsDotCom(repository.Host))
        {
            return true;
        }

        foreach (var name in new[] { "GITHUB_SERVER_URL", "GITHUB_API_URL" })
        {
            if (environment.GetVariable(name) is { Length: > 0 } value
                && Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
                && GitHubPullRequests.HostMatches(uri.Host, repository.Host))
            {
                return true;
            }
        }

        return false;
    }
}
