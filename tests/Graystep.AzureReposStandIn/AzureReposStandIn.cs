using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Graystep.GitHubStandIn;
using Graystep.TestKit.Http;
using Microsoft.AspNetCore.Http;

namespace Graystep.AzureReposStandIn;

/// <summary>
/// A local stand-in for Azure Repos, for tests: Kestrel on 127.0.0.1 serving git's smart HTTP at
/// <c>/{org}/{project}/_git/{repo}</c> (the real <c>git http-backend</c> over real bare repositories) and the REST
/// calls Graystep makes under <c>/{org}/{project}/_apis/git/repositories/{repo}/</c>, with Azure DevOps' shapes
/// (git.json), api-version 7.1 required on every call. Completion merges with real git. Test controls vote, abandon,
/// set a blocking branch policy and inject faults (throttling).
/// </summary>
public sealed partial class AzureReposStandIn : IAsyncDisposable
{
    public const string ApiVersion = "7.1";
    private const string ZeroId = "0000000000000000000000000000000000000000";

    private readonly string _root;
    private readonly TimeProvider _time;
    private readonly StandInGit _git;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, AzureStandInRepository> _repositories = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private readonly List<(AzureStandInFault Fault, int Left)> _faults = [];
    private readonly List<AzureStandInExchange> _exchanges = [];
    private int _nextPull = 1;
    private int _nextStatus = 1;
    private LocalServer? _server;

    private AzureReposStandIn(string root, TimeProvider time)
    {
        _root = root;
        _time = time;
        Directory.CreateDirectory(root);
        _git = new StandInGit(root);
    }

    /// <summary><c>http://127.0.0.1:PORT</c>.</summary>
    public string WebUrl { get; private set; } = string.Empty;

    /// <summary>Every REST request answered so far, oldest first (git's smart HTTP is not recorded).</summary>
    public IReadOnlyList<AzureStandInExchange> Exchanges
    {
        get
        {
            lock (_exchanges)
            {
                return [.. _exchanges];
            }
        }
    }

    public static async Task<AzureReposStandIn> StartAsync(string rootDirectory, TimeProvider? time = null)
    {
        var standIn = new AzureReposStandIn(rootDirectory, time ?? TimeProvider.System);
        standIn._server = await LocalServer.StartAsync(standIn.HandleAsync).ConfigureAwait(false);
        standIn.WebUrl = $"http://127.0.0.1:{standIn._server.Port.ToString(CultureInfo.InvariantCulture)}";
        return standIn;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        _gate.Dispose();
    }

    /// <summary>The collection URL of an organization, as an Azure DevOps Server's <c>SYSTEM_COLLECTIONURI</c> names it.</summary>
    public string CollectionUrl(string organization) => $"{WebUrl}/{Uri.EscapeDataString(organization)}/";

    /// <summary>The repository's remote URL: <c>http://127.0.0.1:PORT/{org}/{project}/_git/{repo}</c>.</summary>
    public string RemoteUrl(AzureStandInRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return $"{WebUrl}/{Uri.EscapeDataString(repository.Organization)}/{Uri.EscapeDataString(repository.Project)}/_git/{Uri.EscapeDataString(repository.Name)}";
    }

    /// <summary>Accepts <paramref name="token"/> as Bearer, or as a PAT in Basic with any user, acting as <paramref name="user"/>.</summary>
    public void AddToken(string token, string user) => WithGate(() => _tokens[token] = user);

    public async Task<AzureStandInRepository> CreateRepositoryAsync(string organization, string project, string name, string defaultBranch = "main")
    {
        var bare = Path.Combine(_root, "repos", organization, project, name + ".git");
        Directory.CreateDirectory(bare);
        await _git.RunCheckedAsync(bare, "init", "--quiet", "--bare", "--initial-branch=" + defaultBranch).ConfigureAwait(false);
        var scratch = Scratch();
        try
        {
            await _git.RunCheckedAsync(scratch, "init", "--quiet", "--initial-branch=" + defaultBranch).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(scratch, "README.md"), $"# {name}\n").ConfigureAwait(false);
            await _git.RunCheckedAsync(scratch, "add", "--all").ConfigureAwait(false);
            await _git.RunCheckedAsync(scratch, [.. As("admin"), "commit", "--quiet", "-m", "Initial commit"]).ConfigureAwait(false);
            await _git.RunCheckedAsync(scratch, "push", "--quiet", bare, $"HEAD:refs/heads/{defaultBranch}").ConfigureAwait(false);
        }
        finally
        {
            DeleteDirectory(scratch);
        }

        var repository = new AzureStandInRepository(Guid.NewGuid().ToString(), organization, project, name, bare);
        WithGate(() => _repositories[repository.Key] = repository);
        return repository;
    }

    /// <summary>Commits <paramref name="files"/> on <paramref name="branch"/> (created from main when new) and pushes it; returns the SHA.</summary>
    public async Task<string> CommitAsync(AzureStandInRepository repository, string branch, IReadOnlyDictionary<string, string> files, string message)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(files);
        var scratch = Scratch();
        try
        {
            await _git.RunCheckedAsync(scratch, "clone", "--quiet", "--no-tags", repository.BarePath, ".").ConfigureAwait(false);
            var exists = await _git.ResolveAsync(scratch, $"refs/remotes/origin/{branch}").ConfigureAwait(false) is not null;
            await _git.RunCheckedAsync(scratch, "checkout", "--quiet", "-B", branch, exists ? $"origin/{branch}" : "origin/main").ConfigureAwait(false);
            foreach (var (path, content) in files)
            {
                var full = Path.Combine(scratch, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                await File.WriteAllTextAsync(full, content).ConfigureAwait(false);
            }

            await _git.RunCheckedAsync(scratch, "add", "--all").ConfigureAwait(false);
            await _git.RunCheckedAsync(scratch, [.. As("test"), "commit", "--quiet", "--allow-empty", "-m", message]).ConfigureAwait(false);
            await _git.RunCheckedAsync(scratch, "push", "--quiet", "origin", $"HEAD:refs/heads/{branch}").ConfigureAwait(false);
            return await _git.RunCheckedAsync(scratch, "rev-parse", "HEAD").ConfigureAwait(false);
        }
        finally
        {
            DeleteDirectory(scratch);
        }
    }

    public Task<string?> BranchShaAsync(AzureStandInRepository repository, string branch)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return _git.ResolveAsync(repository.BarePath, $"refs/heads/{branch}");
    }

    /// <summary>The subject lines on a branch, newest first.</summary>
    public async Task<IReadOnlyList<string>> LogAsync(AzureStandInRepository repository, string branch)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var log = await _git.RunCheckedAsync(repository.BarePath, "log", "--format=%s", $"refs/heads/{branch}").ConfigureAwait(false);
        return log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public async Task<string?> ReadFileAsync(AzureStandInRepository repository, string branch, string path)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var result = await _git.RunAsync(repository.BarePath, "show", $"refs/heads/{branch}:{path}").ConfigureAwait(false);
        return result.Ok ? result.Stdout : null;
    }

    /// <summary>A reviewer votes: 10 approved, 5 approved with suggestions, 0 reset, -5 waiting for author, -10 rejected.</summary>
    public void Vote(AzureStandInRepository repository, int id, string reviewer, int vote, bool? required = null) => WithGate(() =>
    {
        var pull = Pull(repository, id);
        var index = pull.Reviewers.FindIndex(r => r.Name.Equals(reviewer, StringComparison.OrdinalIgnoreCase));
        var isRequired = required ?? (index >= 0 && pull.Reviewers[index].IsRequired);
        var entry = new AzureStandInReviewer(reviewer, vote, isRequired);
        if (index >= 0)
        {
            pull.Reviewers[index] = entry;
        }
        else
        {
            pull.Reviewers.Add(entry);
        }
    });

    /// <summary>Adds a required reviewer who has not voted, as a "required reviewers" branch policy does.</summary>
    public void RequireReviewer(AzureStandInRepository repository, int id, string reviewer) => Vote(repository, id, reviewer, 0, required: true);

    /// <summary>Abandons a pull request, as a person would in the web UI.</summary>
    public void Abandon(AzureStandInRepository repository, int id) => WithGate(() =>
    {
        var pull = Pull(repository, id);
        pull.Status = "abandoned";
        pull.Closed = _time.GetUtcNow();
    });

    /// <summary>The next completion of pull request <paramref name="id"/> is refused by a branch policy with <paramref name="message"/>.</summary>
    public void RefuseNextCompletion(AzureStandInRepository repository, int id, string message) => WithGate(() => Pull(repository, id).Refusals.Enqueue(message));

    public AzureStandInPullRequest PullRequest(AzureStandInRepository repository, int id) => WithGate(() => Pull(repository, id));

    public IReadOnlyList<AzureStandInPullRequest> PullRequests(AzureStandInRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return WithGate(() => repository.PullRequests.ToList());
    }

    /// <summary>The statuses posted on the pull request whose source was at <paramref name="sha"/>, and on the commit itself.</summary>
    public IReadOnlyList<AzureStandInStatus> Statuses(AzureStandInRepository repository, string sha)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return WithGate(() => repository.PullRequests.SelectMany(p => p.Statuses).Concat(repository.CommitStatuses)
            .Where(s => s.Sha == sha).OrderBy(s => s.Id).ToList());
    }

    public void InjectFault(AzureStandInFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        WithGate(() => _faults.Add((fault, fault.Times)));
    }

    /// <summary>Throttling as Azure DevOps answers it: 429 with <c>Retry-After</c> and the <c>X-RateLimit-*</c> headers.</summary>
    public void InjectThrottling(TimeSpan retryAfter, string? pathContains = null, int times = 1) =>
        InjectFault(new AzureStandInFault(429, Error("TF400733: The request has been throttled; retry after the delay.", "RequestThrottledException"))
        {
            PathContains = pathContains,
            Times = times,
            Headers = new Dictionary<string, string>
            {
                ["Retry-After"] = ((long)retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture),
                ["X-RateLimit-Resource"] = "Core",
                ["X-RateLimit-Delay"] = "0.5",
                ["X-RateLimit-Limit"] = "200",
                ["X-RateLimit-Remaining"] = "0",
                ["X-RateLimit-Reset"] = (_time.GetUtcNow() + retryAfter).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            },
        });

    /// <summary>Azure DevOps' error body.</summary>
    public static string Error(string message, string typeKey) =>
        new JsonObject
        {
            ["$id"] = "1",
            ["innerException"] = null,
            ["message"] = message,
            ["typeName"] = $"Microsoft.TeamFoundation.Git.Server.{typeKey}, Microsoft.TeamFoundation.Git.Server",
            ["typeKey"] = typeKey,
            ["errorCode"] = 0,
            ["eventId"] = 3000,
        }.ToJsonString();

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var git = GitPath().Match(path);
        if (git.Success)
        {
            var key = $"{Uri.UnescapeDataString(git.Groups["org"].Value)}/{Uri.UnescapeDataString(git.Groups["project"].Value)}/{Uri.UnescapeDataString(git.Groups["repo"].Value)}";
            var repository = WithGate(() => _repositories.GetValueOrDefault(key));
            if (repository is null)
            {
                context.Response.StatusCode = 404;
                return;
            }

            var reposRoot = Path.Combine(_root, "repos");
            var relative = Path.GetRelativePath(reposRoot, repository.BarePath).Replace('\\', '/');
            await GitHttpBackend.ServeAsync(context, reposRoot, $"/{relative}/{git.Groups["service"].Value}", _git.GlobalConfig).ConfigureAwait(false);
            return;
        }

        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

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

        lock (_exchanges)
        {
            _exchanges.Add(new AzureStandInExchange(context.Request.Method, path, context.Request.QueryString.Value ?? string.Empty, body, answer.Status, answer.Body));
        }

        context.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers ?? [])
        {
            context.Response.Headers[name] = value;
        }

        context.Response.ContentType = answer.Status == 203 ? "text/html; charset=utf-8" : "application/json; charset=utf-8; api-version=7.1";
        await context.Response.WriteAsync(answer.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task<Answer> DispatchAsync(HttpRequest request, string path, string body)
    {
        var method = request.Method;
        for (var i = 0; i < _faults.Count; i++)
        {
            var (fault, left) = _faults[i];
            if ((fault.Method is null || fault.Method.Equals(method, StringComparison.OrdinalIgnoreCase))
                && (fault.PathContains is null || path.Contains(fault.PathContains, StringComparison.OrdinalIgnoreCase)))
            {
                if (left <= 1)
                {
                    _faults.RemoveAt(i);
                }
                else
                {
                    _faults[i] = (fault, left - 1);
                }

                return new Answer(fault.Status, fault.Body, new Dictionary<string, string>(fault.Headers));
            }
        }

        if (!Authorized(request.Headers.Authorization.ToString()))
        {
            // Azure DevOps answers an unknown PAT with its sign-in page.
            return new Answer(203, "<html><head><title>Azure DevOps Services | Sign In</title></head><body></body></html>");
        }

        if (request.Query["api-version"].ToString() != ApiVersion)
        {
            return Fail(400, $"The requested REST API version of {request.Query["api-version"]} is out of range for this server.", "VssVersionOutOfRangeException");
        }

        var api = ApiPath().Match(path);
        if (!api.Success)
        {
            return Fail(404, "The controller for path '" + path + "' was not found.", "HttpException");
        }

        var key = $"{Uri.UnescapeDataString(api.Groups["org"].Value)}/{Uri.UnescapeDataString(api.Groups["project"].Value)}/{Uri.UnescapeDataString(api.Groups["repo"].Value)}";
        if (!_repositories.TryGetValue(key, out var repository))
        {
            return Fail(404, $"TF401019: The Git repository with name or identifier {api.Groups["repo"].Value} does not exist or you do not have permissions for the operation you are attempting.", "GitRepositoryNotFoundException");
        }

        var rest = api.Groups["rest"].Value.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var query = request.Query;
        switch (method, rest.Length, rest.FirstOrDefault()?.ToLowerInvariant())
        {
            case ("GET", 1, "pullrequests"):
                return await ListAsync(repository, query).ConfigureAwait(false);
            case ("POST", 1, "pullrequests"):
                return await CreateAsync(repository, body).ConfigureAwait(false);
            case ("GET", 2, "pullrequests") when int.TryParse(rest[1], out var id):
                return FindPull(repository, id) is { } pull ? Ok(await PullJsonAsync(repository, pull).ConfigureAwait(false)) : NoPull(id);
            case ("PATCH", 2, "pullrequests") when int.TryParse(rest[1], out var id):
                return FindPull(repository, id) is { } patched ? await UpdateAsync(repository, patched, body).ConfigureAwait(false) : NoPull(id);
            case ("POST", 3, "pullrequests") when rest[2].Equals("statuses", StringComparison.OrdinalIgnoreCase) && int.TryParse(rest[1], out var id):
                return FindPull(repository, id) is { } withStatus ? await StatusAsync(repository, withStatus, null, body).ConfigureAwait(false) : NoPull(id);
            case ("POST", 3, "pullrequests") when rest[2].Equals("threads", StringComparison.OrdinalIgnoreCase) && int.TryParse(rest[1], out var id):
                return FindPull(repository, id) is { } withThread ? Thread(withThread, body) : NoPull(id);
            case ("POST", 3, "commits") when rest[2].Equals("statuses", StringComparison.OrdinalIgnoreCase):
                return await StatusAsync(repository, null, rest[1], body).ConfigureAwait(false);
            case ("GET", 1, "refs"):
                return await RefsAsync(repository, query["filter"].ToString()).ConfigureAwait(false);
            case ("POST", 1, "refs"):
                return await UpdateRefsAsync(repository, body).ConfigureAwait(false);
            default:
                return Fail(404, $"The stand-in does not serve {method} {path}.", "HttpException");
        }
    }

    private async Task<Answer> ListAsync(AzureStandInRepository repository, IQueryCollection query)
    {
        var status = query["searchCriteria.status"].ToString() is { Length: > 0 } s ? s : "active";
        var source = query["searchCriteria.sourceRefName"].ToString();
        var target = query["searchCriteria.targetRefName"].ToString();
        var top = int.TryParse(query["$top"], out var t) ? t : 101;
        var skip = int.TryParse(query["$skip"], out var k) ? k : 0;
        var pulls = repository.PullRequests
            .Where(p => status == "all" || p.Status.Equals(status, StringComparison.OrdinalIgnoreCase))
            .Where(p => source.Length == 0 || p.Source == source)
            .Where(p => target.Length == 0 || p.Target == target)
            .OrderByDescending(p => p.Id)
            .Skip(skip)
            .Take(top)
            .ToList();
        var value = new JsonArray();
        foreach (var pull in pulls)
        {
            value.Add(await PullJsonAsync(repository, pull).ConfigureAwait(false));
        }

        return Ok(new JsonObject { ["value"] = value, ["count"] = value.Count });
    }

    private async Task<Answer> CreateAsync(AzureStandInRepository repository, string body)
    {
        if (Parse(body) is not { } input)
        {
            return Fail(400, "Value cannot be null.\r\nParameter name: gitPullRequestToCreate", "ArgumentNullException");
        }

        var source = (string?)input["sourceRefName"] ?? string.Empty;
        var target = (string?)input["targetRefName"] ?? string.Empty;
        if (await _git.ResolveAsync(repository.BarePath, source).ConfigureAwait(false) is not { } sha)
        {
            return Fail(404, $"TF401398: The pull request cannot be activated because the source and/or the target branch no longer exists, or the requested refs are not branches", "GitPullRequestRefsNotFoundException");
        }

        if (repository.PullRequests.Any(p => p.Status == "active" && p.Source == source && p.Target == target))
        {
            return Fail(409, "TF401179: An active pull request for the source and target branch already exists.", "GitPullRequestExistsException");
        }

        var pull = new AzureStandInPullRequest
        {
            Id = _nextPull++,
            Title = (string?)input["title"] ?? string.Empty,
            Description = (string?)input["description"] ?? string.Empty,
            Source = source,
            Target = target,
            Created = _time.GetUtcNow(),
            SourceSha = sha,
        };
        if (pull.Description.Length > 4000)
        {
            return Fail(400, "TF401210: The pull request description is too long (more than 4000 characters).", "InvalidArgumentValueException");
        }

        repository.PullRequests.Add(pull);
        return new Answer(201, (await PullJsonAsync(repository, pull).ConfigureAwait(false)).ToJsonString());
    }

    private async Task<Answer> UpdateAsync(AzureStandInRepository repository, AzureStandInPullRequest pull, string body)
    {
        if (Parse(body) is not { } input)
        {
            return Fail(400, "Value cannot be null.", "ArgumentNullException");
        }

        var status = (string?)input["status"];
        if (status == "abandoned")
        {
            if (pull.Status == "completed")
            {
                return Fail(400, "TF401181: The pull request cannot be edited due to its state.", "InvalidArgumentValueException");
            }

            pull.Status = "abandoned";
            pull.Closed = _time.GetUtcNow();
            return Ok(await PullJsonAsync(repository, pull).ConfigureAwait(false));
        }

        if (status != "completed")
        {
            pull.Title = (string?)input["title"] ?? pull.Title;
            pull.Description = (string?)input["description"] ?? pull.Description;
            return Ok(await PullJsonAsync(repository, pull).ConfigureAwait(false));
        }

        if (pull.Status != "active")
        {
            return Fail(400, "TF401181: The pull request cannot be edited due to its state.", "InvalidArgumentValueException");
        }

        var expected = (string?)input["lastMergeSourceCommit"]?["commitId"];
        if (string.IsNullOrEmpty(expected))
        {
            return Fail(400, "Invalid argument value.\r\nParameter name: You must specify a valid LastMergeSourceCommit to perform this operation.", "InvalidArgumentValueException");
        }

        var head = await _git.ResolveAsync(repository.BarePath, pull.Source).ConfigureAwait(false);
        if (head is null || !head.Equals(expected, StringComparison.OrdinalIgnoreCase))
        {
            return Fail(409, "TF401192: The pull request's source branch was updated since it was read; review the new changes and complete again.", "GitPullRequestStaleException");
        }

        if (pull.Refusals.TryDequeue(out var refusal))
        {
            return Fail(400, refusal, "GitPullRequestPolicyNotMetException");
        }

        if (repository.BlockingPolicy is { } policy && pull.Source.Contains(policy.SourceContains, StringComparison.Ordinal))
        {
            return Fail(400, policy.Message, "GitPullRequestPolicyNotMetException");
        }

        if (pull.Reviewers.Any(r => r.Vote == -10) || pull.Reviewers.Any(r => r.IsRequired && r.Vote < 5))
        {
            return Fail(400, "This pull request requires an explicit override to bypass policies that aren't currently passing: a required reviewer has not approved, or a reviewer rejected it.", "GitPullRequestPolicyNotMetException");
        }

        var options = input["completionOptions"];
        var strategy = (string?)options?["mergeStrategy"] ?? "noFastForward";
        var message = (string?)options?["mergeCommitMessage"] ?? $"Merged PR {pull.Id}: {pull.Title}";
        var merged = await MergeWithGitAsync(repository, pull, strategy, message).ConfigureAwait(false);
        if (merged is null)
        {
            pull.Refusals.Clear();
            return Ok(await PullJsonAsync(repository, pull, mergeStatus: "conflicts").ConfigureAwait(false));
        }

        pull.Status = "completed";
        pull.MergeCommit = merged;
        pull.MergeStrategy = strategy;
        pull.SourceSha = head;
        pull.Closed = _time.GetUtcNow();
        if ((bool?)options?["deleteSourceBranch"] == true)
        {
            await _git.RunAsync(repository.BarePath, "update-ref", "-d", pull.Source).ConfigureAwait(false);
        }

        return Ok(await PullJsonAsync(repository, pull).ConfigureAwait(false));
    }

    private async Task<string?> MergeWithGitAsync(AzureStandInRepository repository, AzureStandInPullRequest pull, string strategy, string message)
    {
        var scratch = Scratch();
        try
        {
            var target = pull.Target["refs/heads/".Length..];
            await _git.RunCheckedAsync(scratch, "clone", "--quiet", "--no-tags", "--branch", target, repository.BarePath, ".").ConfigureAwait(false);
            var who = As("graystep");
            var source = await _git.ResolveAsync(repository.BarePath, pull.Source).ConfigureAwait(false) ?? pull.SourceSha;
            var lines = message.Split("\n\n", 2);
            string[] messageArgs = lines.Length == 2 ? ["-m", lines[0], "-m", lines[1]] : ["-m", message];
            switch (strategy)
            {
                case "squash":
                    if (!(await _git.RunAsync(scratch, [.. who, "merge", "--quiet", "--squash", source]).ConfigureAwait(false)).Ok)
                    {
                        return null;
                    }

                    await _git.RunCheckedAsync(scratch, [.. who, "commit", "--quiet", "--allow-empty", .. messageArgs]).ConfigureAwait(false);
                    break;
                case "noFastForward":
                    if (!(await _git.RunAsync(scratch, [.. who, "merge", "--quiet", "--no-ff", .. messageArgs, source]).ConfigureAwait(false)).Ok)
                    {
                        return null;
                    }

                    break;
                case "rebase" or "rebaseMerge":
                    await _git.RunCheckedAsync(scratch, "checkout", "--quiet", "--detach", source).ConfigureAwait(false);
                    if (!(await _git.RunAsync(scratch, [.. who, "rebase", "--quiet", "--force-rebase", $"origin/{target}"]).ConfigureAwait(false)).Ok)
                    {
                        await _git.RunAsync(scratch, "rebase", "--abort").ConfigureAwait(false);
                        return null;
                    }

                    if (strategy == "rebaseMerge")
                    {
                        var rebased = await _git.RunCheckedAsync(scratch, "rev-parse", "HEAD").ConfigureAwait(false);
                        await _git.RunCheckedAsync(scratch, "checkout", "--quiet", target).ConfigureAwait(false);
                        await _git.RunCheckedAsync(scratch, [.. who, "merge", "--quiet", "--no-ff", .. messageArgs, rebased]).ConfigureAwait(false);
                    }

                    break;
                default:
                    return null;
            }

            await _git.RunCheckedAsync(scratch, "push", "--quiet", "origin", $"HEAD:refs/heads/{target}").ConfigureAwait(false);
            return await _git.RunCheckedAsync(scratch, "rev-parse", "HEAD").ConfigureAwait(false);
        }
        finally
        {
            DeleteDirectory(scratch);
        }
    }

    private async Task<Answer> StatusAsync(AzureStandInRepository repository, AzureStandInPullRequest? pull, string? commit, string body)
    {
        if (Parse(body) is not { } input || input["context"]?["name"] is null || (string?)input["state"] is not ("pending" or "succeeded" or "failed" or "error" or "notApplicable" or "notSet"))
        {
            return Fail(400, "Invalid argument value.\r\nParameter name: status", "InvalidArgumentValueException");
        }

        var sha = commit;
        if (pull is not null)
        {
            sha = await _git.ResolveAsync(repository.BarePath, pull.Source).ConfigureAwait(false) ?? pull.SourceSha;
        }

        var status = new AzureStandInStatus(
            _nextStatus++,
            (string)input["state"]!,
            (string?)input["description"],
            (string?)input["context"]!["genre"] ?? string.Empty,
            (string)input["context"]!["name"]!,
            sha!);
        (pull?.Statuses ?? repository.CommitStatuses).Add(status);
        var answer = (JsonObject)input.DeepClone();
        answer["id"] = status.Id;
        answer["creationDate"] = Date(_time.GetUtcNow());
        answer["updatedDate"] = Date(_time.GetUtcNow());
        answer["createdBy"] = Identity("graystep");
        return new Answer(pull is null ? 201 : 200, answer.ToJsonString());
    }

    private Answer Thread(AzureStandInPullRequest pull, string body)
    {
        if (Parse(body) is not { } input || input["comments"] is not JsonArray comments || comments.Count == 0)
        {
            return Fail(400, "Invalid argument value.\r\nParameter name: thread", "InvalidArgumentValueException");
        }

        foreach (var comment in comments)
        {
            pull.Comments.Add((string?)comment?["content"] ?? string.Empty);
        }

        var answer = (JsonObject)input.DeepClone();
        answer["id"] = pull.Comments.Count;
        answer["publishedDate"] = Date(_time.GetUtcNow());
        answer["lastUpdatedDate"] = Date(_time.GetUtcNow());
        answer["isDeleted"] = false;
        return Ok(answer);
    }

    private async Task<Answer> RefsAsync(AzureStandInRepository repository, string filter)
    {
        var refs = await _git.RunAsync(repository.BarePath, "for-each-ref", "--format=%(objectname) %(refname)", "refs/" + filter).ConfigureAwait(false);
        var value = new JsonArray();
        foreach (var line in refs.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', 2);
            if (parts[1].StartsWith("refs/" + filter, StringComparison.Ordinal))
            {
                value.Add(new JsonObject { ["name"] = parts[1], ["objectId"] = parts[0], ["creator"] = Identity("test"), ["url"] = $"{WebUrl}/_apis/git/repositories/{repository.Id}/refs?filter={Uri.EscapeDataString(parts[1][5..])}" });
            }
        }

        return Ok(new JsonObject { ["value"] = value, ["count"] = value.Count });
    }

    private async Task<Answer> UpdateRefsAsync(AzureStandInRepository repository, string body)
    {
        JsonArray? updates;
        try
        {
            updates = JsonNode.Parse(body) as JsonArray;
        }
        catch (JsonException)
        {
            updates = null;
        }

        if (updates is null)
        {
            return Fail(400, "Value cannot be null.\r\nParameter name: refUpdates", "ArgumentNullException");
        }

        var value = new JsonArray();
        foreach (var update in updates)
        {
            var name = (string?)update?["name"] ?? string.Empty;
            var oldId = (string?)update?["oldObjectId"] ?? ZeroId;
            var newId = (string?)update?["newObjectId"] ?? ZeroId;
            var result = newId == ZeroId
                ? await _git.RunAsync(repository.BarePath, "update-ref", "-d", name, oldId).ConfigureAwait(false)
                : await _git.RunAsync(repository.BarePath, "update-ref", name, newId, oldId == ZeroId ? string.Empty : oldId).ConfigureAwait(false);
            value.Add(new JsonObject
            {
                ["repositoryId"] = repository.Id,
                ["name"] = name,
                ["oldObjectId"] = oldId,
                ["newObjectId"] = newId,
                ["isLocked"] = false,
                ["updateStatus"] = result.Ok ? "succeeded" : "staleOldObjectId",
                ["success"] = result.Ok,
            });
        }

        return Ok(new JsonObject { ["value"] = value, ["count"] = value.Count });
    }

    private async Task<JsonObject> PullJsonAsync(AzureStandInRepository repository, AzureStandInPullRequest pull, string mergeStatus = "succeeded")
    {
        if (pull.Status == "active" && await _git.ResolveAsync(repository.BarePath, pull.Source).ConfigureAwait(false) is { } head)
        {
            pull.SourceSha = head;
        }

        var apiBase = $"{WebUrl}/{repository.Organization}/{repository.Project}/_apis/git/repositories/{repository.Id}";
        var json = new JsonObject
        {
            ["repository"] = new JsonObject
            {
                ["id"] = repository.Id,
                ["name"] = repository.Name,
                ["url"] = apiBase,
                ["project"] = new JsonObject { ["id"] = Guid.Empty.ToString(), ["name"] = repository.Project, ["state"] = "wellFormed" },
                ["remoteUrl"] = RemoteUrl(repository),
            },
            ["pullRequestId"] = pull.Id,
            ["codeReviewId"] = pull.Id,
            ["status"] = pull.Status,
            ["createdBy"] = Identity("graystep"),
            ["creationDate"] = Date(pull.Created),
            ["title"] = pull.Title,
            ["description"] = pull.Description,
            ["sourceRefName"] = pull.Source,
            ["targetRefName"] = pull.Target,
            ["mergeStatus"] = mergeStatus,
            ["isDraft"] = false,
            ["mergeId"] = Guid.NewGuid().ToString(),
            ["lastMergeSourceCommit"] = Commit(apiBase, pull.SourceSha),
            ["reviewers"] = new JsonArray([.. pull.Reviewers.Select(r => (JsonNode)new JsonObject
            {
                ["reviewerUrl"] = $"{apiBase}/pullRequests/{pull.Id}/reviewers/{r.Name}",
                ["vote"] = r.Vote,
                ["hasDeclined"] = false,
                ["isRequired"] = r.IsRequired,
                ["isFlagged"] = false,
                ["displayName"] = r.Name,
                ["url"] = $"{WebUrl}/_apis/Identities/{r.Name}",
                ["id"] = r.Name,
                ["uniqueName"] = r.Name + "@example.com",
            })]),
            ["url"] = $"{apiBase}/pullRequests/{pull.Id}",
            ["supportsIterations"] = true,
        };
        if (pull.MergeCommit is { } merge)
        {
            json["lastMergeCommit"] = Commit(apiBase, merge);
            json["completionOptions"] = new JsonObject { ["mergeStrategy"] = pull.MergeStrategy };
        }

        if (pull.Closed is { } closed)
        {
            json["closedDate"] = Date(closed);
        }

        return json;
    }

    private bool Authorized(string header)
    {
        if (header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return _tokens.ContainsKey(header[7..]);
        }

        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..]));
                var colon = pair.IndexOf(':', StringComparison.Ordinal);
                return colon >= 0 && _tokens.ContainsKey(pair[(colon + 1)..]);
            }
            catch (FormatException)
            {
                return false;
            }
        }

        return false;
    }

    private static AzureStandInPullRequest? FindPull(AzureStandInRepository repository, int id) => repository.PullRequests.FirstOrDefault(p => p.Id == id);

    private static AzureStandInPullRequest Pull(AzureStandInRepository repository, int id) =>
        FindPull(repository, id) ?? throw new ArgumentException($"no pull request {id} in {repository.Key}", nameof(id));

    private static Answer NoPull(int id) =>
        Fail(404, $"TF401180: The requested pull request was not found. ({id.ToString(CultureInfo.InvariantCulture)})", "GitPullRequestNotFoundException");

    private static Answer Ok(JsonNode body) => new(200, body.ToJsonString());

    private static Answer Fail(int status, string message, string typeKey) => new(status, Error(message, typeKey));

    private static JsonObject? Parse(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonObject Commit(string apiBase, string sha) => new() { ["commitId"] = sha, ["url"] = $"{apiBase}/commits/{sha}" };

    private JsonObject Identity(string name) => new() { ["id"] = name, ["displayName"] = name, ["uniqueName"] = name + "@example.com", ["url"] = $"{WebUrl}/_apis/Identities/{name}" };

    private static string Date(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private string Scratch()
    {
        var path = Path.Combine(_root, "scratch", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static string[] As(string user) =>
        ["-c", $"user.name={user}", "-c", $"user.email={user}@example.com", "-c", "commit.gpgsign=false"];

    private static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover scratch clone is harmless; the caller deletes the root.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    private void WithGate(Action action)
    {
        _gate.Wait();
        try
        {
            action();
        }
        finally
        {
            _gate.Release();
        }
    }

    private T WithGate<T>(Func<T> action)
    {
        _gate.Wait();
        try
        {
            return action();
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record Answer(int Status, string Body, Dictionary<string, string>? Headers = null);

    [GeneratedRegex(@"^/(?<org>[^/]+)/(?<project>[^/]+)/_git/(?<repo>[^/]+?)(?:\.git)?/(?<service>info/refs|git-upload-pack|git-receive-pack|HEAD)$")]
    private static partial Regex GitPath();

    [GeneratedRegex(@"^/(?<org>[^/]+)/(?<project>[^/]+)/_apis/git/repositories/(?<repo>[^/]+)/(?<rest>.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex ApiPath();
}
