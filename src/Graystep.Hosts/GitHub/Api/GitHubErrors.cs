using System.Globalization;
using System.Net;

namespace Graystep.Hosts.GitHub.Api;

/// <summary>Turns an unexpected GitHub answer into an error that names the cause and the fix.</summary>
internal static class GitHubErrors
{
    private const string TokenSources = "GITHUB_TOKEN (or GH_TOKEN, or --github-token)";

    public static GitHubApiException NoToken() => new(
        "no GitHub token: set GITHUB_TOKEN (or GH_TOKEN), or pass --github-token",
        null,
        "In GitHub Actions add `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` to the step and grant the job "
        + "`contents: write`, `pull-requests: write` and `statuses: write`.");

    public static GitHubApiException From(GitHubCall call, GitHubResponse response, GitHubRepository repository)
    {
        var body = GitHubErrorBody.Parse(response.Body);
        var code = response.Code.ToString(CultureInfo.InvariantCulture);
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new GitHubApiException(
                $"GitHub rejected the token ({code} {body.Message ?? "Bad credentials"}): the token is missing, expired or revoked; "
                + $"set {TokenSources} to a valid token",
                response.StatusCode,
                "In GitHub Actions pass `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}`; a personal access token may have expired "
                + "or been revoked, so create a new one."),
            HttpStatusCode.Forbidden => Forbidden(call, response, body, repository, code),
            HttpStatusCode.NotFound => new GitHubApiException(
                $"GitHub answered {code} ({body.Message ?? "Not Found"}) to {call.Operation}: repository {repository} not found "
                + "or the token cannot see it"
                + (call.Subject is null ? string.Empty : $", or {call.Subject} does not exist"),
                response.StatusCode,
                $"Check the remote URL names {repository} and that the token can access it: GitHub answers 404, not 403, when a "
                + $"token cannot see a private repository. To {call.Operation} the token needs {NeededPermission(call, response)}."),
            HttpStatusCode.UnprocessableEntity => new GitHubApiException(
                $"GitHub rejected the request to {call.Operation} in {repository} ({code} {body.Summary("Validation Failed")})",
                response.StatusCode),
            _ => new GitHubApiException(
                $"GitHub answered {code} {body.Message ?? response.ReasonPhrase} to {call.Operation} in {repository}",
                response.StatusCode,
                response.Code >= 500 ? "GitHub had a server error; run again in a few minutes (https://www.githubstatus.com)." : null),
        };
    }

    public static GitHubApiException RateLimited(GitHubCall call, RateLimitAnswer answer, DateTimeOffset now, TimeSpan cap, bool retriesExhausted)
    {
        var kind = answer.Primary ? "GitHub API rate limit exhausted" : "GitHub secondary rate limit hit";
        var when = answer.Primary
            ? $"it resets at {RateLimits.FormatTime(answer.Until)}, in {RateLimits.FormatDuration(answer.Until - now)}"
            : $"GitHub asks to wait {RateLimits.FormatDuration(answer.Wait)}, until {RateLimits.FormatTime(answer.Until)}";
        var why = retriesExhausted
            ? "and the retries are used up"
            : $"longer than the {RateLimits.FormatDuration(cap)} Graystep waits";
        return new GitHubApiException(
            $"{kind} while trying to {call.Operation}: {when}, {why}",
            null,
            "Run again after that time; the rollout resumes from Git. A GitHub App or personal access token has a higher "
            + "limit than GITHUB_TOKEN (--github-token sets it).");
    }

    private static GitHubApiException Forbidden(GitHubCall call, GitHubResponse response, GitHubErrorBody body, GitHubRepository repository, string code)
    {
        if (body.Mentions("not permitted to create or approve pull requests"))
        {
            return new GitHubApiException(
                $"GitHub Actions is not permitted to create or approve pull requests in {repository} ({code} {body.Message}): "
                + "GITHUB_TOKEN cannot open the step's pull request",
                response.StatusCode,
                "Enable \"Allow GitHub Actions to create and approve pull requests\" in the repository's Settings > Actions > "
                + "General > Workflow permissions (an organization or enterprise may lock it; enable it there), or pass a "
                + "GitHub App installation token or a personal access token with `pull-requests: write` as GITHUB_TOKEN or --github-token.");
        }

        if (response.Header("x-github-sso") is { } sso)
        {
            var url = sso.Split("url=", 2) is [_, var u] ? u.Trim() : null;
            return new GitHubApiException(
                $"GitHub refused to {call.Operation} in {repository} ({code} {body.Message}): the organization requires SAML "
                + "single sign-on and the token is not authorized for it",
                response.StatusCode,
                url is null ? "Authorize the token for the organization's SSO in your GitHub token settings." : $"Authorize the token for SSO: {url}");
        }

        var permission = NeededPermission(call, response);
        return new GitHubApiException(
            $"GitHub refused to {call.Operation} in {repository} ({code} {body.Message ?? "Forbidden"}): the token lacks {permission}",
            response.StatusCode,
            $"Grant {permission}: in a workflow, add it under `permissions:` for the job; for a fine-grained token or a "
            + "GitHub App, give it that repository permission; a classic token needs the `repo` scope.");
    }

    /// <summary>
    /// The permission to name: GitHub's own <c>x-accepted-github-permissions</c> when it sent one (sets separated by
    /// ';', permissions within a set by ','), else what Graystep knows the call needs.
    /// </summary>
    internal static string NeededPermission(GitHubCall call, GitHubResponse response)
    {
        var header = response.Header("x-accepted-github-permissions");
        if (string.IsNullOrWhiteSpace(header))
        {
            return call.Permission.ToString();
        }

        var sets = header.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(set => string.Join(" and ", set.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(Permission)))
            .Where(set => set.Length > 0)
            .ToList();
        return sets.Count == 0 ? call.Permission.ToString() : string.Join(" or ", sets);
    }

    private static string Permission(string pair)
    {
        var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
        var name = parts[0].Replace('_', '-');
        return parts.Length == 2 ? new GitHubPermission(name, parts[1]).ToString() : $"`{name}`";
    }
}
