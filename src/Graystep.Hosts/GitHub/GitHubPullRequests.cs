using System.Globalization;
using System.Net;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.Hosts;
using Graystep.Core.Secrets;
using Graystep.Core.Spec;
using Graystep.Hosts.GitHub.Api;

namespace Graystep.Hosts.GitHub;

/// <summary>
/// One repository on GitHub or GitHub Enterprise Server: a pull request per step, approvals from reviews, a
/// head-SHA guarded merge, commit statuses for gates and a comment with the analysis table. HTTP only, through the
/// injected handler; <see cref="GitHubHost"/> opens it for a remote.
/// </summary>
public sealed class GitHubPullRequests : IPullRequestHost
{
    /// <summary>GitHub's limit on a commit status description.</summary>
    public const int MaxStatusDescription = 140;

    /// <summary>GitHub's limit on a comment body.</summary>
    public const int MaxCommentLength = 65536;

    private const string GitHubDotCom = "github.com";
    private const string ContextPrefix = "graystep/";

    private readonly GitHubHostOptions _options;
    private readonly IEnvironment _environment;
    private readonly HttpMessageHandler _handler;
    private readonly TimeProvider _time;
    private readonly Lazy<GitHubApiClient> _client;

    public GitHubPullRequests(GitHubHostOptions options, IEnvironment environment, HttpMessageHandler handler, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _environment = environment;
        _handler = handler;
        _time = time;
        _client = new Lazy<GitHubApiClient>(CreateClient);
    }

    public string HostId => GitHubHost.HostId;

    /// <summary>The repository named by the remote URL; throws a user error when the URL names none.</summary>
    public GitHubRepository Repository =>
        GitHubRepository.TryParse(_options.RemoteUrl, out var repository)
            ? repository
            : throw new GraystepException(
                $"cannot read a GitHub owner/repository from the remote URL {UrlCredentials.Redact(_options.RemoteUrl)}",
                ExitCodes.Usage,
                "Use a URL such as https://github.com/OWNER/REPO.git or git@github.com:OWNER/REPO.git (--repo).");

    /// <summary>
    /// <c>GITHUB_API_URL</c>; else <c>GITHUB_SERVER_URL</c>/api/v3 on a GitHub Enterprise Server; else
    /// https://HOST/api/v3 when the remote is not github.com; else https://api.github.com.
    /// </summary>
    public Uri ApiBaseUrl
    {
        get
        {
            if (Variable("GITHUB_API_URL") is { } api)
            {
                return Absolute(api, "GITHUB_API_URL");
            }

            if (Variable("GITHUB_SERVER_URL") is { } server && !IsDotCom(Absolute(server, "GITHUB_SERVER_URL").Host))
            {
                return new Uri(server.TrimEnd('/') + "/api/v3");
            }

            if (GitHubRepository.TryParse(_options.RemoteUrl, out var repository) && !IsDotCom(repository.Host))
            {
                return new Uri($"https://{repository.Host}/api/v3");
            }

            return new Uri("https://api.github.com");
        }
    }

    public async Task<PullRequestInfo> OpenOrReuseAsync(PullRequestRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var existing = await FindOpenAsync(request.HeadBranch, request.BaseBranch, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return await DescribeAsync(existing, cancellationToken).ConfigureAwait(false);
        }

        var client = _client.Value;
        var call = new GitHubCall(
            HttpMethod.Post,
            client.RepoPath + "pulls",
            $"open a pull request from {request.HeadBranch} into {request.BaseBranch}",
            GitHubPermission.PullRequestsWrite,
            GitHubApiClient.Serialize(
                new CreatePullRequestBody(request.Title, request.HeadBranch, request.BaseBranch, request.Body),
                GitHubJson.Default.CreatePullRequestBody));
        var response = await client.SendAsync(call, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            // A new pull request has no reviews yet.
            return Info(client.Parse(call, response, GitHubJson.Default.PullRequestDto), ReviewDecision.Pending);
        }

        var error = GitHubErrorBody.Parse(response.Body);
        if (response.StatusCode == HttpStatusCode.UnprocessableEntity && error.Mentions("A pull request already exists"))
        {
            // Another run opened it between our look-up and our create: reuse it.
            existing = await FindOpenAsync(request.HeadBranch, request.BaseBranch, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                return await DescribeAsync(existing, cancellationToken).ConfigureAwait(false);
            }
        }

        if (response.StatusCode == HttpStatusCode.UnprocessableEntity && error.Mentions("No commits between"))
        {
            throw new GitHubApiException(
                $"GitHub cannot open a pull request from {request.HeadBranch} into {request.BaseBranch} in {Repository}: "
                + $"the branch has no commits that {request.BaseBranch} lacks ({error.Summary("Validation Failed")})",
                response.StatusCode,
                "Push the step's commit to the head branch before opening the pull request.");
        }

        if (response.StatusCode == HttpStatusCode.UnprocessableEntity
            && error.Details.Any(d => d.Contains("head", StringComparison.OrdinalIgnoreCase) && d.Contains("invalid", StringComparison.OrdinalIgnoreCase)))
        {
            throw new GitHubApiException(
                $"GitHub cannot open a pull request from {request.HeadBranch} in {Repository}: the branch does not exist there "
                + $"({error.Summary("Validation Failed")})",
                response.StatusCode,
                "Push the head branch to the repository first.");
        }

        throw GitHubErrors.From(call, response, Repository);
    }

    public async Task<PullRequestInfo> GetAsync(int number, CancellationToken cancellationToken)
    {
        var client = _client.Value;
        var pull = await client.ReadAsync(
            new GitHubCall(HttpMethod.Get, client.RepoPath + $"pulls/{Num(number)}", $"read pull request #{Num(number)}", GitHubPermission.PullRequestsRead, Subject: $"pull request #{Num(number)}"),
            GitHubJson.Default.PullRequestDto,
            cancellationToken).ConfigureAwait(false);
        return await DescribeAsync(pull, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PullRequestInfo>> FindAsync(string headBranch, string baseBranch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(headBranch);
        var client = _client.Value;
        var query = $"pulls?head={Uri.EscapeDataString(Repository.Owner + ":" + headBranch)}&base={Uri.EscapeDataString(baseBranch)}&state=all&per_page=100";
        var pulls = await client.ReadAllPagesAsync(
            new GitHubCall(HttpMethod.Get, client.RepoPath + query, $"list the pull requests from {headBranch}", GitHubPermission.PullRequestsRead),
            GitHubJson.Default.ListPullRequestDto,
            cancellationToken).ConfigureAwait(false);
        return await DescribeAllAsync(
            pulls.Where(p => string.Equals(p.Head.Ref, headBranch, StringComparison.Ordinal) && string.Equals(p.Base.Ref, baseBranch, StringComparison.Ordinal)),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PullRequestInfo>> ListOpenAsync(string headPrefix, string baseBranch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(headPrefix);
        var client = _client.Value;
        // GitHub filters by exact head only; the prefix is matched here, over every open pull request into the base.
        var query = $"pulls?base={Uri.EscapeDataString(baseBranch)}&state=open&per_page=100";
        var pulls = await client.ReadAllPagesAsync(
            new GitHubCall(HttpMethod.Get, client.RepoPath + query, $"list the open pull requests into {baseBranch}", GitHubPermission.PullRequestsRead),
            GitHubJson.Default.ListPullRequestDto,
            cancellationToken).ConfigureAwait(false);
        return await DescribeAllAsync(
            pulls.Where(p => p.Head.Ref.StartsWith(headPrefix, StringComparison.Ordinal) && string.Equals(p.Base.Ref, baseBranch, StringComparison.Ordinal)),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<MergeOutcome> MergeAsync(
        int number,
        string expectedHeadSha,
        MergeMethod method,
        string commitTitle,
        string commitMessage,
        CancellationToken cancellationToken)
    {
        var client = _client.Value;
        var call = new GitHubCall(
            HttpMethod.Put,
            client.RepoPath + $"pulls/{Num(number)}/merge",
            $"merge pull request #{Num(number)}",
            GitHubPermission.ContentsWrite,
            GitHubApiClient.Serialize(
                new MergeBody(commitTitle, commitMessage, MergeMethodName(method), expectedHeadSha),
                GitHubJson.Default.MergeBody),
            $"pull request #{Num(number)}");
        var response = await client.SendAsync(call, cancellationToken).ConfigureAwait(false);
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                var result = client.Parse(call, response, GitHubJson.Default.MergeResultDto);
                return result is { Merged: true, Sha: { Length: > 0 } sha }
                    ? new MergeOutcome.Merged(sha)
                    : new MergeOutcome.NotMergeable(result.Message ?? "GitHub did not merge the pull request");

            case HttpStatusCode.Conflict:
                return new MergeOutcome.HeadMoved(GitHubErrorBody.Parse(response.Body).Message ?? "Head branch was modified");

            case HttpStatusCode.MethodNotAllowed:
                // Idempotent re-run: a killed job may have merged this very head already.
                var pull = await GetAsync(number, cancellationToken).ConfigureAwait(false);
                if (pull.Lifecycle == PullRequestLifecycle.Merged
                    && string.Equals(pull.HeadSha, expectedHeadSha, StringComparison.OrdinalIgnoreCase)
                    && pull.MergeCommitSha is { Length: > 0 } merged)
                {
                    return new MergeOutcome.Merged(merged);
                }

                return new MergeOutcome.NotMergeable(GitHubErrorBody.Parse(response.Body).Message ?? "Pull Request is not mergeable");

            default:
                throw GitHubErrors.From(call, response, Repository);
        }
    }

    public async Task DeleteBranchAsync(string branch, CancellationToken cancellationToken)
    {
        var client = _client.Value;
        var refPath = string.Join('/', branch.Split('/').Select(Uri.EscapeDataString));
        var call = new GitHubCall(
            HttpMethod.Delete,
            client.RepoPath + "git/refs/heads/" + refPath,
            $"delete branch {branch}",
            GitHubPermission.ContentsWrite);
        var response = await client.SendAsync(call, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return;
        }

        // Already gone (the repository may delete head branches on merge): deleting is idempotent.
        if (response.StatusCode == HttpStatusCode.UnprocessableEntity && GitHubErrorBody.Parse(response.Body).Mentions("Reference does not exist"))
        {
            return;
        }

        throw GitHubErrors.From(call, response, Repository);
    }

    public async Task SetStatusAsync(string sha, string context, GateState state, string description, CancellationToken cancellationToken)
    {
        var client = _client.Value;
        var fullContext = StatusContext(context);
        var call = new GitHubCall(
            HttpMethod.Post,
            client.RepoPath + "statuses/" + Uri.EscapeDataString(sha),
            $"set commit status {fullContext} on {Short(sha)}",
            GitHubPermission.StatusesWrite,
            GitHubApiClient.Serialize(
                new StatusBody(StateName(state), fullContext, Truncate(description, MaxStatusDescription), RunUrl()),
                GitHubJson.Default.StatusBody));
        var response = await client.SendAsync(call, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw GitHubErrors.From(call, response, Repository);
        }
    }

    public async Task CommentAsync(int number, string body, CancellationToken cancellationToken)
    {
        var client = _client.Value;
        var call = new GitHubCall(
            HttpMethod.Post,
            client.RepoPath + $"issues/{Num(number)}/comments",
            $"comment on pull request #{Num(number)}",
            GitHubPermission.PullRequestsWrite,
            GitHubApiClient.Serialize(new CommentBody(Truncate(body, MaxCommentLength)), GitHubJson.Default.CommentBody),
            $"pull request #{Num(number)}");
        var response = await client.SendAsync(call, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw GitHubErrors.From(call, response, Repository);
        }
    }

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    /// <summary><c>graystep/&lt;name&gt;</c>, so that Graystep's statuses group together and branch protection can require them.</summary>
    internal static string StatusContext(string name) =>
        name.StartsWith(ContextPrefix, StringComparison.OrdinalIgnoreCase) ? name : ContextPrefix + name;

    internal static string Truncate(string text, int max) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    private async Task<PullRequestDto?> FindOpenAsync(string head, string baseBranch, CancellationToken cancellationToken)
    {
        var client = _client.Value;
        var query = $"pulls?head={Uri.EscapeDataString(Repository.Owner + ":" + head)}&state=open&per_page=100";
        var pulls = await client.ReadAllPagesAsync(
            new GitHubCall(HttpMethod.Get, client.RepoPath + query, $"list the open pull requests from {head}", GitHubPermission.PullRequestsRead),
            GitHubJson.Default.ListPullRequestDto,
            cancellationToken).ConfigureAwait(false);

        // One head may have pull requests into several bases; only ours counts.
        return pulls.FirstOrDefault(p => string.Equals(p.Base.Ref, baseBranch, StringComparison.Ordinal)
            && string.Equals(p.Head.Ref, head, StringComparison.Ordinal));
    }

    private async Task<IReadOnlyList<PullRequestInfo>> DescribeAllAsync(IEnumerable<PullRequestDto> pulls, CancellationToken cancellationToken)
    {
        var described = new List<PullRequestInfo>();
        foreach (var pull in pulls.OrderByDescending(p => p.Number))
        {
            // Reviews matter only while a pull request can still be merged.
            described.Add(pull.State == "open"
                ? await DescribeAsync(pull, cancellationToken).ConfigureAwait(false)
                : Info(pull, ReviewDecision.Pending));
        }

        return described;
    }

    private async Task<PullRequestInfo> DescribeAsync(PullRequestDto pull, CancellationToken cancellationToken)
    {
        var client = _client.Value;
        var number = Num(pull.Number);
        var reviews = await client.ReadAllPagesAsync(
            new GitHubCall(HttpMethod.Get, client.RepoPath + $"pulls/{number}/reviews?per_page=100", $"list the reviews of pull request #{number}", GitHubPermission.PullRequestsRead, Subject: $"pull request #{number}"),
            GitHubJson.Default.ListReviewDto,
            cancellationToken).ConfigureAwait(false);
        return Info(pull, ReviewDecisions.Decide(reviews));
    }

    private static PullRequestInfo Info(PullRequestDto pull, ReviewDecision review)
    {
        // The list endpoint has no "merged" field; merged_at says the same.
        var merged = pull.Merged ?? pull.MergedAt is not null;
        var lifecycle = pull.State == "open"
            ? PullRequestLifecycle.Open
            : merged ? PullRequestLifecycle.Merged : PullRequestLifecycle.ClosedUnmerged;
        return new PullRequestInfo(
            pull.Number,
            pull.HtmlUrl ?? string.Empty,
            pull.Head.Ref,
            pull.Head.Sha,
            lifecycle,
            review,
            merged ? pull.MergeCommitSha : null,
            DateTimeOffset.TryParse(pull.CreatedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var opened) ? opened : null);
    }

    private GitHubApiClient CreateClient()
    {
        var token = FirstNonEmpty(_options.Token, Variable("GITHUB_TOKEN"), Variable("GH_TOKEN"))
            ?? throw GitHubErrors.NoToken();
        return new GitHubApiClient(ApiBaseUrl, token, Repository, _handler, _time, _options.MaxRateLimitWait, _options.MaxRateLimitRetries);
    }

    /// <summary>In GitHub Actions, a status links to the run that set it.</summary>
    private string? RunUrl() =>
        Variable("GITHUB_SERVER_URL") is { } server && Variable("GITHUB_REPOSITORY") is { } repository && Variable("GITHUB_RUN_ID") is { } run
            ? $"{server.TrimEnd('/')}/{repository}/actions/runs/{run}"
            : null;

    private string? Variable(string name) => _environment.GetVariable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private static Uri Absolute(string value, string variable) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new GraystepException($"{variable} is not an http(s) URL: {value}", ExitCodes.Usage, $"Set {variable} to a URL such as https://github.example.com/api/v3.");

    internal static bool IsDotCom(string host) =>
        host.Equals(GitHubDotCom, StringComparison.OrdinalIgnoreCase)
        || host.Equals("www.github.com", StringComparison.OrdinalIgnoreCase)
        || host.Equals("ssh.github.com", StringComparison.OrdinalIgnoreCase)
        || host.Equals("api.github.com", StringComparison.OrdinalIgnoreCase);

    // GHE.com and some GHES set-ups serve the API on api.HOST.
    internal static bool HostMatches(string configured, string remote) =>
        configured.Equals(remote, StringComparison.OrdinalIgnoreCase)
        || configured.Equals("api." + remote, StringComparison.OrdinalIgnoreCase);

    private static string MergeMethodName(MergeMethod method) => method switch
    {
        MergeMethod.Merge => "merge",
        MergeMethod.Squash => "squash",
        MergeMethod.Rebase => "rebase",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    private static string StateName(GateState state) => state switch
    {
        GateState.Pending => "pending",
        GateState.Success => "success",
        GateState.Failure => "failure",
        GateState.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    private static string Num(int number) => number.ToString(CultureInfo.InvariantCulture);

    private static string Short(string sha) => sha.Length > 7 ? sha[..7] : sha;
}
