using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Graystep.GitHubStandIn;

// Git's smart HTTP protocol, as github.com serves it beside the API: clone, fetch and push over
// http://127.0.0.1:PORT/OWNER/NAME.git, through the real `git http-backend` (CGI). A remote URL of that shape names
// the owner and repository the way a GitHub remote does, so a client detects the host and maps the repository as
// it would on github.com. No authentication unless GitHubStandInOptions.GitBasicCredential asks for HTTP Basic.
public sealed partial class GitHubStandIn
{
    private int _gitAuthFailures;

    /// <summary>Git requests refused for a missing or wrong HTTP Basic credential.</summary>
    public int GitAuthFailures => Volatile.Read(ref _gitAuthFailures);

    /// <summary>The repository's clone URL over smart HTTP, as GitHub's <c>clone_url</c>: <c>http://127.0.0.1:PORT/OWNER/NAME.git</c>.</summary>
    public string CloneUrl(StandInRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return $"{WebUrl}/{Uri.EscapeDataString(repository.Owner)}/{Uri.EscapeDataString(repository.Name)}.git";
    }

    private async Task<bool> TryServeGitAsync(HttpContext context)
    {
        var match = GitPath().Match(context.Request.Path.Value ?? string.Empty);
        if (!match.Success)
        {
            return false;
        }

        var fullName = $"{match.Groups["owner"].Value}/{match.Groups["name"].Value}";
        var repository = WithGate(() => _repositories.GetValueOrDefault(fullName));
        if (repository is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return true;
        }

        if (_options.GitBasicCredential is { } credential
            && context.Request.Headers.Authorization.ToString() != "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credential)))
        {
            Interlocked.Increment(ref _gitAuthFailures);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"GitHub\"";
            return true;
        }

        await GitHttpBackend.ServeAsync(
            context,
            Path.GetDirectoryName(Path.GetDirectoryName(repository.BarePath))!,
            $"/{repository.Owner}/{repository.Name}.git/{match.Groups["service"].Value}",
            _git.GlobalConfig).ConfigureAwait(false);
        return true;
    }

    [GeneratedRegex(@"^/(?<owner>[^/]+)/(?<name>[^/]+?)\.git/(?<service>info/refs|git-upload-pack|git-receive-pack|HEAD)$")]
    private static partial Regex GitPath();
}
