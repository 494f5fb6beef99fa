using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Graystep.GitHubStandIn;

// The REST surface: routing, authentication, permissions, faults, and one handler per call.
public sealed partial class GitHubStandIn
{
    private const string SupportedApiVersion = "2022-11-28";

    private sealed record Call(string Method, string Repo, string[] Segments, IQueryCollection Query, string Body, StandInToken Token);

    private async Task HandleAsync(HttpContext context)
    {
        if (await TryServeGitAsync(context).ConfigureAwait(false))
        {
            return;
        }

        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        var path = context.Request.Path.Value ?? "/";
        Answer answer;
        await _gate.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            answer = await DispatchAsync(context.Request, path, body).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        var headers = StandardHeaders();
        foreach (var (name, value) in answer.Headers ?? [])
        {
            headers[name] = value;
        }

        var text = answer.Body?.ToJsonString() ?? string.Empty;
        lock (_exchanges)
        {
            var relative = path.StartsWith(_options.PathBase, StringComparison.Ordinal) ? path[_options.PathBase.TrimEnd('/').Length..] : path;
            _exchanges.Add(new StandInExchange(context.Request.Method, relative, context.Request.QueryString.Value ?? string.Empty, body, answer.Status, text, headers));
        }

        context.Response.StatusCode = answer.Status;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        if (answer.Status != StatusCodes.Status204NoContent)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private Dictionary<string, string> StandardHeaders()
    {
        var used = Interlocked.Increment(ref _requests);
        var reset = _options.Time.GetUtcNow().AddHours(1).ToUnixTimeSeconds();
        return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["x-github-api-version-selected"] = SupportedApiVersion,
            ["x-github-media-type"] = "github.v3; format=json",
            ["x-github-request-id"] = used.ToString("X8", CultureInfo.InvariantCulture),
            ["x-ratelimit-limit"] = "5000",
            ["x-ratelimit-remaining"] = Math.Max(0, 5000 - used).ToString(CultureInfo.InvariantCulture),
            ["x-ratelimit-used"] = used.ToString(CultureInfo.InvariantCulture),
            ["x-ratelimit-reset"] = reset.ToString(CultureInfo.InvariantCulture),
            ["x-ratelimit-resource"] = "core",
        };
    }

    private async Task<Answer> DispatchAsync(HttpRequest request, string path, string body)
    {
        // GitHub refuses requests without a User-Agent before anything else.
        if (string.IsNullOrWhiteSpace(request.Headers.UserAgent))
        {
            return Answer.Error(403, "Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). Check https://developer.github.com for other possible causes.");
        }

        var version = request.Headers["X-GitHub-Api-Version"].ToString();
        if (version.Length > 0 && version != SupportedApiVersion)
        {
            return Answer.Error(400, $"API version {version} is not supported.");
        }

        var pathBase = _options.PathBase.TrimEnd('/');
        if (!path.StartsWith(pathBase + "/", StringComparison.Ordinal))
        {
            return Answer.Error(404, "Not Found");
        }

        var relative = path[pathBase.Length..];
        for (var i = 0; i < _faults.Count; i++)
        {
            var (fault, left) = _faults[i];
            if ((fault.Method is null || string.Equals(fault.Method, request.Method, StringComparison.OrdinalIgnoreCase))
                && (fault.PathContains is null || relative.Contains(fault.PathContains, StringComparison.Ordinal)))
            {
                if (left <= 1)
                {
                    _faults.RemoveAt(i);
                }
                else
                {
                    _faults[i] = (fault, left - 1);
                }

                return new Answer(fault.Status, JsonNode.Parse(fault.Body), new Dictionary<string, string>(fault.Headers));
            }
        }

        var authorization = request.Headers.Authorization.ToString();
        var presented = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim()
            : authorization.StartsWith("token ", StringComparison.OrdinalIgnoreCase) ? authorization[6..].Trim()
            : null;
        if (presented is null || !_tokens.TryGetValue(presented, out var token))
        {
            var unauthorized = StandInJson.Error("Bad credentials");
            unauthorized["status"] = "401";
            return new Answer(401, unauthorized);
        }

        var segments = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is not ["repos", var owner, var name, .. var rest] || rest.Length == 0)
        {
            return Answer.Error(404, "Not Found");
        }

        if (!_repositories.TryGetValue($"{owner}/{name}", out var repository))
        {
            return Answer.Error(404, "Not Found");
        }

        var call = new Call(request.Method.ToUpperInvariant(), $"{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(name)}", rest, request.Query, body, token);
        return (call.Method, rest) switch
        {
            ("GET", ["pulls"]) => await ListPullsAsync(repository, call).ConfigureAwait(false),
            ("POST", ["pulls"]) => Permit(call, StandInPermissions.PullRequestsWrite, "pull_requests=write")
                ?? await CreatePullAsync(repository, call).ConfigureAwait(false),
            ("GET", ["pulls", var n]) => WithPull(repository, n, out var pull) ? await GetPullAsync(repository, pull).ConfigureAwait(false) : NotFound(),
            ("GET", ["pulls", var n, "reviews"]) => WithPull(repository, n, out var pull) ? ListReviews(repository, pull, call) : NotFound(),
            ("PUT", ["pulls", var n, "merge"]) => Permit(call, StandInPermissions.ContentsWrite, "contents=write")
                ?? (WithPull(repository, n, out var pull) ? await MergeAsync(repository, pull, call).ConfigureAwait(false) : NotFound()),
            ("DELETE", ["git", "refs", .. var refParts]) when refParts.Length > 0 => Permit(call, StandInPermissions.ContentsWrite, "contents=write")
                ?? await DeleteRefAsync(repository, string.Join('/', refParts)).ConfigureAwait(false),
            ("POST", ["statuses", var sha]) => Permit(call, StandInPermissions.StatusesWrite, "statuses=write")
                ?? await CreateStatusAsync(repository, sha, call).ConfigureAwait(false),
            ("POST", ["issues", var n, "comments"]) => Permit(call, StandInPermissions.IssuesWrite | StandInPermissions.PullRequestsWrite, "issues=write; pull_requests=write")
                ?? (WithPull(repository, n, out var pull) ? CreateComment(repository, pull, call) : NotFound()),
            _ => NotFound(),
        };
    }

    /// <summary>Null when the token holds one of <paramref name="anyOf"/>; else GitHub's 403 with the accepted permissions.</summary>
    private static Answer? Permit(Call call, StandInPermissions anyOf, string accepted)
    {
        if ((call.Token.Permissions & anyOf) != 0)
        {
            return null;
        }

        var error = StandInJson.Error(
            call.Token.IsActionsToken ? "Resource not accessible by integration" : "Resource not accessible by personal access token");
        error["status"] = "403";
        return new Answer(403, error, new Dictionary<string, string> { ["x-accepted-github-permissions"] = accepted });
    }

    private static Answer NotFound() => Answer.Error(404, "Not Found");

    private static bool WithPull(StandInRepository repository, string number, out StandInPullRequest pull)
    {
        pull = null!;
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }

        pull = repository.PullRequests.FirstOrDefault(p => p.Number == n)!;
        return pull is not null;
    }

    private async Task<Answer> ListPullsAsync(StandInRepository repository, Call call)
    {
        var state = call.Query["state"].ToString() is { Length: > 0 } s ? s : "open";
        if (state is not ("open" or "closed" or "all"))
        {
            return Answer.Json(422, StandInJson.ValidationError(new JsonObject { ["resource"] = "Search", ["field"] = "state", ["code"] = "invalid" }));
        }

        var head = call.Query["head"].ToString();
        var headOwner = head.Contains(':', StringComparison.Ordinal) ? head[..head.IndexOf(':', StringComparison.Ordinal)] : repository.Owner;
        var headBranch = head.Contains(':', StringComparison.Ordinal) ? head[(head.IndexOf(':', StringComparison.Ordinal) + 1)..] : head;
        var baseBranch = call.Query["base"].ToString();
        var matches = repository.PullRequests
            .Where(p => state == "all" || (state == "open") == p.Open)
            .Where(p => head.Length == 0 || (string.Equals(headOwner, repository.Owner, StringComparison.OrdinalIgnoreCase) && p.Head == headBranch))
            .Where(p => baseBranch.Length == 0 || p.Base == baseBranch)
            .OrderByDescending(p => p.Number)
            .ToList();

        var (page, links) = Page(matches, call);
        var now = _options.Time.GetUtcNow();
        var items = new JsonArray();
        foreach (var pull in page)
        {
            await RefreshHeadAsync(repository, pull).ConfigureAwait(false);
            items.Add(_json.PullRequest(repository, pull, now, stats: null));
        }

        return new Answer(200, items, links);
    }

    private async Task<Answer> CreatePullAsync(StandInRepository repository, Call call)
    {
        if (call.Token.IsActionsToken && !repository.AllowActionsToCreatePullRequests)
        {
            return Answer.Error(403, "GitHub Actions is not permitted to create or approve pull requests.");
        }

        if (!TryParseObject(call.Body, out var input))
        {
            return Answer.Error(400, "Problems parsing JSON");
        }

        var title = (string?)input["title"];
        var head = (string?)input["head"];
        var baseBranch = (string?)input["base"];
        var missing = new[] { ("title", title), ("head", head), ("base", baseBranch) }.Where(f => string.IsNullOrEmpty(f.Item2)).ToList();
        if (missing.Count > 0)
        {
            return Answer.Json(422, StandInJson.ValidationError(missing
                .Select(f => new JsonObject { ["resource"] = "PullRequest", ["field"] = f.Item1, ["code"] = "missing_field" })
                .ToArray()));
        }

        if (head!.Contains(':', StringComparison.Ordinal))
        {
            var owner = head[..head.IndexOf(':', StringComparison.Ordinal)];
            head = string.Equals(owner, repository.Owner, StringComparison.OrdinalIgnoreCase) ? head[(owner.Length + 1)..] : "\0";
        }

        var headSha = await _git.ResolveAsync(repository.BarePath, $"refs/heads/{head}").ConfigureAwait(false);
        var baseSha = await _git.ResolveAsync(repository.BarePath, $"refs/heads/{baseBranch}").ConfigureAwait(false);
        var invalid = new List<JsonObject>();
        if (headSha is null)
        {
            invalid.Add(new JsonObject { ["resource"] = "PullRequest", ["field"] = "head", ["code"] = "invalid" });
        }

        if (baseSha is null)
        {
            invalid.Add(new JsonObject { ["resource"] = "PullRequest", ["field"] = "base", ["code"] = "invalid" });
        }

        if (invalid.Count > 0)
        {
            return Answer.Json(422, StandInJson.ValidationError([.. invalid]));
        }

        if (repository.PullRequests.Any(p => p.Open && p.Head == head && p.Base == baseBranch))
        {
            return Answer.Json(422, StandInJson.ValidationError(new JsonObject
            {
                ["resource"] = "PullRequest",
                ["code"] = "custom",
                ["message"] = $"A pull request already exists for {repository.Owner}:{head}.",
            }));
        }

        var ahead = await _git.RunCheckedAsync(repository.BarePath, "rev-list", "--count", $"{baseSha}..{headSha}").ConfigureAwait(false);
        if (ahead == "0")
        {
            return Answer.Json(422, StandInJson.ValidationError(new JsonObject
            {
                ["resource"] = "PullRequest",
                ["code"] = "custom",
                ["message"] = $"No commits between {baseBranch} and {head}",
            }));
        }

        var now = _options.Time.GetUtcNow();
        var pull = new StandInPullRequest(NextId(), repository.NextNumber++, title!, (string?)input["body"], head, baseBranch!, call.Token.Login, headSha!, baseSha!, now);
        repository.PullRequests.Add(pull);
        var json = _json.PullRequest(repository, pull, now, await StatsAsync(repository, pull).ConfigureAwait(false));
        return new Answer(201, json, new Dictionary<string, string> { ["location"] = (string)json["url"]! });
    }

    private async Task<Answer> GetPullAsync(StandInRepository repository, StandInPullRequest pull)
    {
        var stats = await StatsAsync(repository, pull).ConfigureAwait(false);
        return Answer.Json(200, _json.PullRequest(repository, pull, _options.Time.GetUtcNow(), stats));
    }

    private Answer ListReviews(StandInRepository repository, StandInPullRequest pull, Call call)
    {
        var (page, links) = Page(pull.ReviewList, call);
        return new Answer(200, new JsonArray(page.Select(r => (JsonNode)_json.Review(repository, pull, r)).ToArray()), links);
    }

    private async Task<Answer> MergeAsync(StandInRepository repository, StandInPullRequest pull, Call call)
    {
        JsonObject input = [];
        if (call.Body.Length > 0 && !TryParseObject(call.Body, out input))
        {
            return Answer.Error(400, "Problems parsing JSON");
        }

        var method = (string?)input["merge_method"] ?? "merge";
        if (method is not ("merge" or "squash" or "rebase"))
        {
            return Answer.Json(422, StandInJson.ValidationError(new JsonObject { ["resource"] = "PullRequest", ["field"] = "merge_method", ["code"] = "invalid" }));
        }

        if (!pull.Open)
        {
            return Answer.Error(405, "Pull Request is not mergeable");
        }

        var headSha = await _git.ResolveAsync(repository.BarePath, $"refs/heads/{pull.Head}").ConfigureAwait(false);
        if (headSha is null)
        {
            return Answer.Error(405, "Pull Request is not mergeable");
        }

        pull.HeadSha = headSha;
        if ((string?)input["sha"] is { Length: > 0 } expected && !string.Equals(expected, headSha, StringComparison.OrdinalIgnoreCase))
        {
            return Answer.Error(409, "Head branch was modified. Review and try the merge again.");
        }

        var approvals = pull.ReviewList.GroupBy(r => r.User, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.LastOrDefault(r => r.State != StandInReviewState.Commented))
            .Count(r => r?.State == StandInReviewState.Approved);
        if (approvals < repository.RequiredApprovingReviews)
        {
            return Answer.Error(405, string.Create(CultureInfo.InvariantCulture,
                $"At least {repository.RequiredApprovingReviews} approving review is required by reviewers with write access."));
        }

        var stats = await StatsAsync(repository, pull).ConfigureAwait(false);
        var merged = await MergeWithGitAsync(repository, pull, method, (string?)input["commit_title"], (string?)input["commit_message"], call.Token.Login)
            .ConfigureAwait(false);
        if (merged is null)
        {
            return Answer.Error(405, "Pull Request is not mergeable");
        }

        var now = _options.Time.GetUtcNow();
        pull.FrozenStats = stats with { Mergeable = null, MergeableState = "unknown" };
        pull.Open = false;
        pull.Merged = true;
        pull.MergeMethod = method;
        pull.MergeCommitSha = merged;
        pull.MergedBy = call.Token.Login;
        pull.MergedAt = now;
        pull.ClosedAt = now;
        pull.UpdatedAt = now;
        pull.BaseSha = merged;
        return Answer.Json(200, new JsonObject { ["sha"] = merged, ["merged"] = true, ["message"] = "Pull Request successfully merged" });
    }

    /// <summary>Merges the way GitHub's three buttons do, in a scratch clone; null on a conflict.</summary>
    private async Task<string?> MergeWithGitAsync(StandInRepository repository, StandInPullRequest pull, string method, string? title, string? message, string login)
    {
        var scratch = Scratch();
        try
        {
            await _git.RunCheckedAsync(scratch, "clone", "--quiet", "--no-tags", "--branch", pull.Base, repository.BarePath, ".").ConfigureAwait(false);
            var who = As(login);
            var number = pull.Number.ToString(CultureInfo.InvariantCulture);
            switch (method)
            {
                case "merge":
                    var mergeTitle = title ?? $"Merge pull request #{number} from {repository.Owner}/{pull.Head}";
                    var merge = await _git.RunAsync(scratch, [.. who, "merge", "--quiet", "--no-ff", "-m", mergeTitle, "-m", message ?? pull.Title, pull.HeadSha]).ConfigureAwait(false);
                    if (!merge.Ok)
                    {
                        return null;
                    }

                    break;

                case "squash":
                    var squash = await _git.RunAsync(scratch, [.. who, "merge", "--quiet", "--squash", pull.HeadSha]).ConfigureAwait(false);
                    if (!squash.Ok)
                    {
                        return null;
                    }

                    string[] commit = [.. who, "commit", "--quiet", "--allow-empty", "-m", title ?? $"{pull.Title} (#{number})"];
                    await _git.RunCheckedAsync(scratch, message is { Length: > 0 } ? [.. commit, "-m", message] : commit).ConfigureAwait(false);
                    break;

                default:
                    // Rebase and merge: the head's commits are replayed onto the base, which then fast-forwards.
                    await _git.RunCheckedAsync(scratch, "checkout", "--quiet", "--detach", pull.HeadSha).ConfigureAwait(false);
                    var rebase = await _git.RunAsync(scratch, [.. who, "rebase", "--quiet", "--force-rebase", $"origin/{pull.Base}"]).ConfigureAwait(false);
                    if (!rebase.Ok)
                    {
                        await _git.RunAsync(scratch, "rebase", "--abort").ConfigureAwait(false);
                        return null;
                    }

                    break;
            }

            await _git.RunCheckedAsync(scratch, "push", "--quiet", "origin", $"HEAD:refs/heads/{pull.Base}").ConfigureAwait(false);
            return await _git.RunCheckedAsync(scratch, "rev-parse", "HEAD").ConfigureAwait(false);
        }
        finally
        {
            DeleteDirectory(scratch);
        }
    }

    private async Task<Answer> DeleteRefAsync(StandInRepository repository, string reference)
    {
        var exists = await _git.RunAsync(repository.BarePath, "show-ref", "--verify", "--quiet", $"refs/{reference}").ConfigureAwait(false);
        if (!reference.StartsWith("heads/", StringComparison.Ordinal) && !reference.StartsWith("tags/", StringComparison.Ordinal) || !exists.Ok)
        {
            return Answer.Json(422, StandInJson.Error("Reference does not exist", "https://docs.github.com/rest/git/refs#delete-a-reference"));
        }

        await _git.RunCheckedAsync(repository.BarePath, "update-ref", "-d", $"refs/{reference}").ConfigureAwait(false);

        // As on GitHub, deleting an open pull request's head branch closes the pull request.
        var branch = reference["heads/".Length..];
        foreach (var pull in repository.PullRequests.Where(p => p.Open && p.Head == branch).ToList())
        {
            await CloseLockedAsync(repository, pull).ConfigureAwait(false);
        }

        return new Answer(204, null);
    }

    private async Task<Answer> CreateStatusAsync(StandInRepository repository, string sha, Call call)
    {
        if (!TryParseObject(call.Body, out var input))
        {
            return Answer.Error(400, "Problems parsing JSON");
        }

        var state = (string?)input["state"];
        if (state is not ("error" or "failure" or "pending" or "success"))
        {
            return Answer.Json(422, StandInJson.ValidationError(new JsonObject { ["resource"] = "Status", ["field"] = "state", ["code"] = state is null ? "missing_field" : "invalid" }));
        }

        var description = (string?)input["description"];
        if (description is { Length: > 140 })
        {
            return Answer.Json(422, StandInJson.ValidationError(new JsonObject
            {
                ["resource"] = "Status",
                ["field"] = "description",
                ["code"] = "custom",
                ["message"] = "description is too long (maximum is 140 characters)",
            }));
        }

        var commit = await _git.ResolveAsync(repository.BarePath, sha).ConfigureAwait(false);
        if (commit is null || !commit.StartsWith(sha, StringComparison.OrdinalIgnoreCase))
        {
            return Answer.Json(422, StandInJson.Error($"No commit found for SHA: {sha}", "https://docs.github.com/rest/commits/statuses#create-a-commit-status"));
        }

        var status = new StandInStatus(NextId(), commit, state, (string?)input["context"] ?? "default", description, (string?)input["target_url"], call.Token.Login, _options.Time.GetUtcNow());
        repository.Statuses.Add(status);
        var json = _json.Status(repository, status);
        return new Answer(201, json, new Dictionary<string, string> { ["location"] = (string)json["url"]! });
    }

    private Answer CreateComment(StandInRepository repository, StandInPullRequest pull, Call call)
    {
        if (!TryParseObject(call.Body, out var input))
        {
            return Answer.Error(400, "Problems parsing JSON");
        }

        var text = (string?)input["body"];
        if (string.IsNullOrEmpty(text))
        {
            return Answer.Json(422, StandInJson.ValidationError(new JsonObject { ["resource"] = "IssueComment", ["field"] = "body", ["code"] = "missing_field" }));
        }

        if (text.Length > 65536)
        {
            return Answer.Json(422, StandInJson.ValidationError(new JsonObject
            {
                ["resource"] = "IssueComment",
                ["field"] = "body",
                ["code"] = "custom",
                ["message"] = "Body is too long (maximum is 65536 characters)",
            }));
        }

        var comment = new StandInComment(NextId(), pull.Number, text, call.Token.Login, _options.Time.GetUtcNow());
        pull.CommentList.Add(comment);
        var json = _json.Comment(repository, comment);
        return new Answer(201, json, new Dictionary<string, string> { ["location"] = (string)json["url"]! });
    }

    /// <summary>One page of <paramref name="items"/> by per_page/page, with GitHub's Link header when there is more.</summary>
    private (List<T> Page, Dictionary<string, string> Headers) Page<T>(IReadOnlyList<T> items, Call call)
    {
        var perPage = int.TryParse(call.Query["per_page"], NumberStyles.None, CultureInfo.InvariantCulture, out var pp) ? Math.Clamp(pp, 1, 100) : 30;
        perPage = Math.Min(perPage, Math.Max(1, _options.MaxPageSize));
        var page = int.TryParse(call.Query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0 ? p : 1;
        var last = Math.Max(1, (items.Count + perPage - 1) / perPage);
        var headers = new Dictionary<string, string>();
        var links = new List<string>();
        if (page > 1)
        {
            links.Add($"<{PageUrl(call, 1)}>; rel=\"first\"");
            links.Add($"<{PageUrl(call, page - 1)}>; rel=\"prev\"");
        }

        if (page < last)
        {
            links.Add($"<{PageUrl(call, page + 1)}>; rel=\"next\"");
            links.Add($"<{PageUrl(call, last)}>; rel=\"last\"");
        }

        if (links.Count > 0)
        {
            headers["link"] = string.Join(", ", links);
        }

        return (items.Skip((page - 1) * perPage).Take(perPage).ToList(), headers);
    }

    private string PageUrl(Call call, int page)
    {
        var query = call.Query
            .Where(q => q.Key != "page")
            .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}")
            .Append(string.Create(CultureInfo.InvariantCulture, $"page={page}"));
        var path = string.Join('/', call.Segments.Select(Uri.EscapeDataString));
        return $"{ApiUrl}/repos/{call.Repo}/{path}?{string.Join('&', query)}";
    }

    private async Task RefreshHeadAsync(StandInRepository repository, StandInPullRequest pull)
    {
        if (pull.Open && await _git.ResolveAsync(repository.BarePath, $"refs/heads/{pull.Head}").ConfigureAwait(false) is { } sha)
        {
            pull.HeadSha = sha;
        }
    }

    private async Task<PullRequestStats> StatsAsync(StandInRepository repository, StandInPullRequest pull)
    {
        if (!pull.Open && pull.FrozenStats is { } frozen)
        {
            return frozen;
        }

        await RefreshHeadAsync(repository, pull).ConfigureAwait(false);
        if (await _git.ResolveAsync(repository.BarePath, $"refs/heads/{pull.Base}").ConfigureAwait(false) is { } baseSha)
        {
            pull.BaseSha = baseSha;
        }

        var mergeBase = await _git.RunAsync(repository.BarePath, "merge-base", pull.BaseSha, pull.HeadSha).ConfigureAwait(false);
        var from = mergeBase.Ok ? mergeBase.Line : pull.BaseSha;
        var commits = await _git.RunCheckedAsync(repository.BarePath, "rev-list", "--count", $"{from}..{pull.HeadSha}").ConfigureAwait(false);
        var numstat = await _git.RunCheckedAsync(repository.BarePath, "diff", "--numstat", from, pull.HeadSha).ConfigureAwait(false);
        int additions = 0, deletions = 0, files = 0;
        foreach (var line in numstat.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t');
            files++;
            additions += int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : 0;
            deletions += int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : 0;
        }

        bool? mergeable = null;
        var state = "unknown";
        if (pull.Open)
        {
            // merge-tree exits 1 when the two tips conflict: what GitHub reports as "dirty".
            var trial = await _git.RunAsync(repository.BarePath, "merge-tree", "--write-tree", pull.BaseSha, pull.HeadSha).ConfigureAwait(false);
            mergeable = trial.ExitCode == 0;
            state = mergeable == true ? "clean" : "dirty";
        }

        var stats = new PullRequestStats(int.Parse(commits, CultureInfo.InvariantCulture), additions, deletions, files, mergeable, state);
        if (!pull.Open)
        {
            pull.FrozenStats = stats;
        }

        return stats;
    }

    private async Task CloseLockedAsync(StandInRepository repository, StandInPullRequest pull)
    {
        if (!pull.Open)
        {
            return;
        }

        var stats = await StatsAsync(repository, pull).ConfigureAwait(false);
        var now = _options.Time.GetUtcNow();
        pull.FrozenStats = stats with { Mergeable = null, MergeableState = "unknown" };
        pull.Open = false;
        pull.ClosedAt = now;
        pull.UpdatedAt = now;
    }

    private static bool TryParseObject(string body, out JsonObject value)
    {
        value = [];
        try
        {
            if (JsonNode.Parse(body) is JsonObject parsed)
            {
                value = parsed;
                return true;
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }
}
