using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.Hosts;
using Graystep.Core.Secrets;
using Graystep.Core.Spec;
using Graystep.Hosts.AzureRepos.Api;

namespace Graystep.Hosts.AzureRepos;

/// <summary>
/// One repository on Azure Repos: a pull request per step, approvals from reviewer votes, completion guarded by
/// <c>lastMergeSourceCommit</c>, a pull-request status (genre <c>graystep</c>) per gate, comment threads, and
/// abandoning with the step branch. HTTP only, through the injected handler, api-version 7.1.
/// </summary>
public sealed class AzureReposPullRequests : IPullRequestHost
{
    /// <summary>Azure Repos' limit on a pull request's description.</summary>
    public const int MaxDescription = 4000;

    /// <summary>The status genre Graystep's gates are posted under: a branch policy can require <c>graystep/&lt;name&gt;</c>.</summary>
    public const string Genre = "graystep";

    private const string ZeroId = "0000000000000000000000000000000000000000";
    private static readonly TimeSpan CompletionPoll = TimeSpan.FromSeconds(1);

    private readonly AzureReposHostOptions _options;
    private readonly IEnvironment _environment;
    private readonly HttpMessageHandler _handler;
    private readonly TimeProvider _time;
    private readonly Lazy<AzureReposApiClient> _client;

    // The pull request each head commit belongs to, as last read: a status is posted on the pull request.
    private readonly Dictionary<string, int> _pullByHead = new(StringComparer.OrdinalIgnoreCase);

    public AzureReposPullRequests(AzureReposHostOptions options, IEnvironment environment, HttpMessageHandler handler, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _environment = environment;
        _handler = handler;
        _time = time;
        _client = new Lazy<AzureReposApiClient>(CreateClient);
    }

    public string HostId => AzureReposHost.HostId;

    /// <summary>The repository the remote URL names; throws a usage error when it names none.</summary>
    public AzureReposRepository Repository =>
        AzureReposRepository.TryParse(_options.RemoteUrl, _options.CollectionUrl, out var repository)
            ? repository
            : throw new GraystepException(
                $"cannot read an Azure Repos organization/project/repository from the remote URL {UrlCredentials.Redact(_options.RemoteUrl)}",
                ExitCodes.Usage,
                "Use a URL such as https://dev.azure.com/ORG/PROJECT/_git/REPO (--repo); on Azure DevOps Server pass the collection URL as --azure-url.");

    public async Task<PullRequestInfo> OpenOrReuseAsync(PullRequestRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var existing = (await SearchAsync(request.HeadBranch, request.BaseBranch, "active", cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        if (existing is not null)
        {
            return Info(existing);
        }

        var client = _client.Value;
        var call = new AzureCall(
            HttpMethod.Post,
            "pullrequests",
            $"open a pull request from {request.HeadBranch} into {request.BaseBranch}",
            AzureReposApiClient.Serialize(
                new CreatePullRequestBody(Ref(request.HeadBranch), Ref(request.BaseBranch), request.Title, Truncate(request.Body, MaxDescription)),
                AzureJson.Default.CreatePullRequestBody));
        var response = await client.SendAsync(call, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
        {
            return Info(client.Parse(call, response, AzureJson.Default.AzurePullRequest));
        }

        // TF401179: another run opened it between our look-up and our create: reuse it.
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            existing = (await SearchAsync(request.HeadBranch, request.BaseBranch, "active", cancellationToken).ConfigureAwait(false)).FirstOrDefault();
            if (existing is not null)
            {
                return Info(existing);
            }
        }

        if (response.StatusCode == HttpStatusCode.NotFound && response.Error.Message is { } missing && missing.Contains("TF401398", StringComparison.Ordinal))
        {
            throw new AzureReposApiException(
                $"Azure Repos cannot open a pull request from {request.HeadBranch} in {Repository}: the branch does not exist there ({missing})",
                response.StatusCode,
                "Push the head branch to the repository first.");
        }

        throw AzureReposErrors.From(call, response, Repository);
    }

    public async Task<PullRequestInfo> GetAsync(int number, CancellationToken cancellationToken) =>
        Info(await ReadAsync(number, cancellationToken).ConfigureAwait(false));

    public async Task<IReadOnlyList<PullRequestInfo>> FindAsync(string headBranch, string baseBranch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(headBranch);
        var pulls = await SearchAsync(headBranch, baseBranch, "all", cancellationToken).ConfigureAwait(false);
        return [.. pulls.OrderByDescending(p => p.PullRequestId).Select(Info)];
    }

    public async Task<IReadOnlyList<PullRequestInfo>> ListOpenAsync(string headPrefix, string baseBranch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(headPrefix);
        var client = _client.Value;

        // Azure Repos filters by exact source only; the prefix is matched here, over the active pull requests into the base.
        var pulls = await client.ReadAllAsync(
            new AzureCall(HttpMethod.Get, $"pullrequests?searchCriteria.status=active&searchCriteria.targetRefName={Q(Ref(baseBranch))}", $"list the active pull requests into {baseBranch}"),
            AzureJson.Default.AzureListAzurePullRequest,
            cancellationToken).ConfigureAwait(false);
        return [.. pulls
            .Where(p => Branch(p.SourceRefName).StartsWith(headPrefix, StringComparison.Ordinal) && Branch(p.TargetRefName) == baseBranch)
            .OrderByDescending(p => p.PullRequestId)
            .Select(Info)];
    }

    public async Task<MergeOutcome> MergeAsync(int number, string expectedHeadSha, MergeMethod method, string commitTitle, string commitMessage, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expectedHeadSha);
        var pull = await ReadAsync(number, cancellationToken).ConfigureAwait(false);
        switch (pull.Status)
        {
            case "completed":
                // Idempotent re-run: a killed job may have completed this very head already.
                return SameCommit(pull.LastMergeSourceCommit, expectedHeadSha) && pull.LastMergeCommit?.CommitId is { Length: > 0 } done
                    ? new MergeOutcome.Merged(done)
                    : new MergeOutcome.NotMergeable($"pull request {Num(number)} was completed with another head");
            case "abandoned":
                return new MergeOutcome.NotMergeable($"pull request {Num(number)} is abandoned");
        }

        if (!SameCommit(pull.LastMergeSourceCommit, expectedHeadSha))
        {
            return new MergeOutcome.HeadMoved($"the source branch is at {Short(pull.LastMergeSourceCommit?.CommitId)}, not {Short(expectedHeadSha)}");
        }

        var client = _client.Value;
        var message = string.IsNullOrEmpty(commitMessage) ? commitTitle : commitTitle + "\n\n" + commitMessage;
        var call = new AzureCall(
            HttpMethod.Patch,
            $"pullrequests/{Num(number)}",
            $"complete pull request {Num(number)}",
            AzureReposApiClient.Serialize(
                new CompletePullRequestBody("completed", new AzureCommitRef(expectedHeadSha), new CompletionOptions(MergeStrategy(method), true, message, false)),
                AzureJson.Default.CompletePullRequestBody),
            $"pull request {Num(number)}");
        var response = await client.SendAsync(call, cancellationToken).ConfigureAwait(false);
        switch (response.Code)
        {
            case 200:
                return await AwaitCompletionAsync(client.Parse(call, response, AzureJson.Default.AzurePullRequest), expectedHeadSha, cancellationToken).ConfigureAwait(false);

            case 409:
                // The source moved after we read it: never complete a head we did not judge.
                return new MergeOutcome.HeadMoved(response.Error.Message ?? "the source branch was updated");

            case 400 or 403 when IsPolicyRefusal(response.Error):
                // Branch policies (required reviewers, builds, statuses) block completion: GitHub's 405, a wait.
                return new MergeOutcome.NotMergeable(response.Error.Message ?? "branch policies block completion");

            case 400 when response.Error.Message is { } bad && bad.Contains("LastMergeSourceCommit", StringComparison.OrdinalIgnoreCase):
                return new MergeOutcome.HeadMoved(bad);

            default:
                throw AzureReposErrors.From(call, response, Repository);
        }
    }

    public async Task DeleteBranchAsync(string branch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(branch);
        var client = _client.Value;

        // On GitHub, deleting the head branch closes its pull request; on Azure Repos the pull request stays active, so
        // Graystep abandons it first, exactly as a person would before deleting the branch.
        var base_ = await ActiveFromAsync(branch, cancellationToken).ConfigureAwait(false);
        foreach (var active in base_)
        {
            var abandon = new AzureCall(
                HttpMethod.Patch,
                $"pullrequests/{Num(active.PullRequestId)}",
                $"abandon pull request {Num(active.PullRequestId)}",
                AzureReposApiClient.Serialize(new AbandonPullRequestBody("abandoned"), AzureJson.Default.AbandonPullRequestBody),
                $"pull request {Num(active.PullRequestId)}");
            var answer = await client.SendAsync(abandon, cancellationToken).ConfigureAwait(false);
            if (answer.StatusCode != HttpStatusCode.OK)
            {
                throw AzureReposErrors.From(abandon, answer, Repository);
            }
        }

        var refs = await client.ReadAsync(
            new AzureCall(HttpMethod.Get, $"refs?filter={Q("heads/" + branch)}", $"read branch {branch}"),
            AzureJson.Default.AzureListAzureRef,
            cancellationToken).ConfigureAwait(false);
        var current = refs.Value.FirstOrDefault(r => r.Name == Ref(branch));
        if (current is null)
        {
            // Already gone (completion deletes the source branch): deleting is idempotent.
            return;
        }

        var call = new AzureCall(
            HttpMethod.Post,
            "refs",
            $"delete branch {branch}",
            AzureReposApiClient.Serialize(new List<RefUpdateBody> { new(Ref(branch), current.ObjectId, ZeroId) }, AzureJson.Default.ListRefUpdateBody));
        var response = await client.SendAsync(call, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw AzureReposErrors.From(call, response, Repository);
        }

        var result = client.Parse(call, response, AzureJson.Default.AzureListAzureRefUpdateResult).Value.FirstOrDefault();
        if (result is { Success: false })
        {
            throw new AzureReposApiException(
                $"Azure Repos did not delete branch {branch} in {Repository}: {result.UpdateStatus} {result.CustomMessage}".TrimEnd(),
                response.StatusCode,
                "The identity needs \"Contribute\" (and \"Force push\" where a branch policy protects graystep/* branches) on the repository.");
        }
    }

    public async Task SetStatusAsync(string sha, string context, GateState state, string description, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sha);
        var number = await PullForHeadAsync(sha, cancellationToken).ConfigureAwait(false);
        var client = _client.Value;
        var body = AzureReposApiClient.Serialize(
            new StatusBody(StateName(state), Truncate(description, 4000), new StatusContext(context, Genre), RunUrl()),
            AzureJson.Default.StatusBody);
        var call = number is { } pull
            ? new AzureCall(HttpMethod.Post, $"pullRequests/{Num(pull)}/statuses", $"post status {Genre}/{context} on pull request {Num(pull)}", body, $"pull request {Num(pull)}")
            : new AzureCall(HttpMethod.Post, $"commits/{Uri.EscapeDataString(sha)}/statuses", $"post status {Genre}/{context} on commit {Short(sha)}", body);
        var response = await client.SendAsync(call, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Created))
        {
            throw AzureReposErrors.From(call, response, Repository);
        }
    }

    public async Task CommentAsync(int number, string body, CancellationToken cancellationToken)
    {
        var client = _client.Value;
        var call = new AzureCall(
            HttpMethod.Post,
            $"pullRequests/{Num(number)}/threads",
            $"comment on pull request {Num(number)}",
            AzureReposApiClient.Serialize(new ThreadBody([new CommentBody(0, Truncate(body, 150_000), "text")], "closed"), AzureJson.Default.ThreadBody),
            $"pull request {Num(number)}");
        var response = await client.SendAsync(call, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Created))
        {
            throw AzureReposErrors.From(call, response, Repository);
        }
    }

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    /// <summary><c>git.mergeMethod</c> as Azure Repos' <c>completionOptions.mergeStrategy</c>.</summary>
    internal static string MergeStrategy(MergeMethod method) => method switch
    {
        MergeMethod.Merge => "noFastForward",
        MergeMethod.Squash => "squash",
        MergeMethod.Rebase => "rebase",
        MergeMethod.RebaseMerge => "rebaseMerge",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    /// <summary>The Authorization header: a PAT as Basic with an empty user; an OAuth token (JWT) and SYSTEM_ACCESSTOKEN as Bearer.</summary>
    internal static AuthenticationHeaderValue Authorization(string? token, string? accessToken)
    {
        if (!string.IsNullOrWhiteSpace(token))
        {
            var value = token.Trim();
            return LooksLikeJwt(value)
                ? new AuthenticationHeaderValue("Bearer", value)
                : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + value)));
        }

        return new AuthenticationHeaderValue("Bearer", accessToken!.Trim());
    }

    internal static string Truncate(string text, int max) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    private static bool LooksLikeJwt(string value) =>
        value.StartsWith("eyJ", StringComparison.Ordinal) && value.Count(c => c == '.') == 2;

    private async Task<MergeOutcome> AwaitCompletionAsync(AzurePullRequest pull, string expectedHeadSha, CancellationToken cancellationToken)
    {
        // Completion is asynchronous on Azure Repos: the answer may say "active" with a queued merge. Watch it briefly.
        var deadline = _time.GetUtcNow() + _options.CompletionWait;
        while (true)
        {
            if (pull.Status == "completed" && pull.LastMergeCommit?.CommitId is { Length: > 0 } merged)
            {
                return SameCommit(pull.LastMergeSourceCommit, expectedHeadSha)
                    ? new MergeOutcome.Merged(merged)
                    : new MergeOutcome.HeadMoved("completed with another source commit");
            }

            if (pull.Status == "abandoned")
            {
                return new MergeOutcome.NotMergeable($"pull request {Num(pull.PullRequestId)} was abandoned");
            }

            if (pull.MergeStatus is "conflicts" or "failure" or "rejectedByPolicy")
            {
                return new MergeOutcome.NotMergeable(pull.MergeFailureMessage ?? $"merge status {pull.MergeStatus}");
            }

            if (_time.GetUtcNow() >= deadline)
            {
                return new MergeOutcome.NotMergeable($"completion of pull request {Num(pull.PullRequestId)} is still queued (merge status {pull.MergeStatus ?? "unknown"})");
            }

            await Task.Delay(CompletionPoll, _time, cancellationToken).ConfigureAwait(false);
            pull = await ReadAsync(pull.PullRequestId, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsPolicyRefusal(AzureError error) =>
        (error.TypeKey?.Contains("Policy", StringComparison.OrdinalIgnoreCase) ?? false)
        || (error.Message?.Contains("polic", StringComparison.OrdinalIgnoreCase) ?? false);

    private async Task<AzurePullRequest> ReadAsync(int number, CancellationToken cancellationToken)
    {
        var pull = await _client.Value.ReadAsync(
            new AzureCall(HttpMethod.Get, $"pullrequests/{Num(number)}", $"read pull request {Num(number)}", Subject: $"pull request {Num(number)}"),
            AzureJson.Default.AzurePullRequest,
            cancellationToken).ConfigureAwait(false);
        Remember(pull);
        return pull;
    }

    private async Task<List<AzurePullRequest>> SearchAsync(string head, string baseBranch, string status, CancellationToken cancellationToken)
    {
        var pulls = await _client.Value.ReadAllAsync(
            new AzureCall(
                HttpMethod.Get,
                $"pullrequests?searchCriteria.sourceRefName={Q(Ref(head))}&searchCriteria.targetRefName={Q(Ref(baseBranch))}&searchCriteria.status={status}",
                $"list the pull requests from {head}"),
            AzureJson.Default.AzureListAzurePullRequest,
            cancellationToken).ConfigureAwait(false);

        // Only ours counts, whatever the server's filter did.
        var ours = pulls.Where(p => p.SourceRefName == Ref(head) && p.TargetRefName == Ref(baseBranch)).ToList();
        ours.ForEach(Remember);
        return ours;
    }

    private async Task<List<AzurePullRequest>> ActiveFromAsync(string head, CancellationToken cancellationToken)
    {
        var pulls = await _client.Value.ReadAllAsync(
            new AzureCall(HttpMethod.Get, $"pullrequests?searchCriteria.sourceRefName={Q(Ref(head))}&searchCriteria.status=active", $"list the active pull requests from {head}"),
            AzureJson.Default.AzureListAzurePullRequest,
            cancellationToken).ConfigureAwait(false);
        return [.. pulls.Where(p => p.SourceRefName == Ref(head))];
    }

    /// <summary>The active pull request whose source is at <paramref name="sha"/>: the one Graystep read last, else looked up.</summary>
    private async Task<int?> PullForHeadAsync(string sha, CancellationToken cancellationToken)
    {
        if (_pullByHead.TryGetValue(sha, out var known))
        {
            return known;
        }

        var active = await _client.Value.ReadAllAsync(
            new AzureCall(HttpMethod.Get, "pullrequests?searchCriteria.status=active", "list the active pull requests"),
            AzureJson.Default.AzureListAzurePullRequest,
            cancellationToken).ConfigureAwait(false);
        return active.Where(p => SameCommit(p.LastMergeSourceCommit, sha)).Select(p => (int?)p.PullRequestId).Max();
    }

    private void Remember(AzurePullRequest pull)
    {
        if (pull.Status == "active" && pull.LastMergeSourceCommit?.CommitId is { Length: > 0 } head)
        {
            _pullByHead[head] = pull.PullRequestId;
        }
    }

    private PullRequestInfo Info(AzurePullRequest pull)
    {
        var lifecycle = pull.Status switch
        {
            "completed" => PullRequestLifecycle.Merged,
            "abandoned" => PullRequestLifecycle.ClosedUnmerged,
            _ => PullRequestLifecycle.Open,
        };

        // Votes matter only while a pull request can still be completed.
        var review = lifecycle == PullRequestLifecycle.Open ? ReviewerVotes.Decide(pull.Reviewers) : ReviewDecision.Pending;
        return new PullRequestInfo(
            pull.PullRequestId,
            WebUrl(pull),
            Branch(pull.SourceRefName),
            pull.LastMergeSourceCommit?.CommitId ?? string.Empty,
            lifecycle,
            review,
            lifecycle == PullRequestLifecycle.Merged ? pull.LastMergeCommit?.CommitId : null,
            DateTimeOffset.TryParse(pull.CreationDate, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var opened) ? opened : null);
    }

    /// <summary>The pull request's page: <c>{collection}/{project}/_git/{repo}/pullrequest/{id}</c>.</summary>
    private string WebUrl(AzurePullRequest pull)
    {
        var repository = Repository;
        return new Uri(repository.CollectionUrl, $"{Uri.EscapeDataString(repository.Project)}/_git/{Uri.EscapeDataString(repository.Name)}/pullrequest/{Num(pull.PullRequestId)}").AbsoluteUri;
    }

    private AzureReposApiClient CreateClient()
    {
        var repository = Repository;
        if (string.IsNullOrWhiteSpace(_options.Token) && string.IsNullOrWhiteSpace(_options.AccessToken))
        {
            throw AzureReposErrors.NoToken(repository);
        }

        return new AzureReposApiClient(repository, Authorization(_options.Token, _options.AccessToken), _handler, _time, _options.MaxThrottleWait, _options.MaxThrottleRetries);
    }

    /// <summary>In Azure Pipelines, a status links to the run that posted it.</summary>
    private string? RunUrl() =>
        Variable("SYSTEM_COLLECTIONURI") is { } collection && Variable("SYSTEM_TEAMPROJECT") is { } project && Variable("BUILD_BUILDID") is { } build
            ? $"{collection.TrimEnd('/')}/{Uri.EscapeDataString(project)}/_build/results?buildId={Uri.EscapeDataString(build)}"
            : null;

    private string? Variable(string name) => _environment.GetVariable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static bool SameCommit(AzureCommitRef? commit, string sha) =>
        string.Equals(commit?.CommitId, sha, StringComparison.OrdinalIgnoreCase);

    private static string StateName(GateState state) => state switch
    {
        GateState.Pending => "pending",
        GateState.Success => "succeeded",
        GateState.Failure => "failed",
        GateState.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    private static string Ref(string branch) => branch.StartsWith("refs/", StringComparison.Ordinal) ? branch : "refs/heads/" + branch;

    private static string Branch(string? reference) =>
        reference is null ? string.Empty : reference.StartsWith("refs/heads/", StringComparison.Ordinal) ? reference["refs/heads/".Length..] : reference;

    private static string Q(string value) => Uri.EscapeDataString(value);

    private static string Num(int number) => number.ToString(CultureInfo.InvariantCulture);

    private static string Short(string? sha) => sha is null ? "(unknown)" : sha.Length > 7 ? sha[..7] : sha;
}
