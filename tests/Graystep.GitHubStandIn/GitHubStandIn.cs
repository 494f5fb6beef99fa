using System.Globalization;
using System.Text.Json.Nodes;
using Graystep.TestKit.Http;
using Microsoft.AspNetCore.Http;

namespace Graystep.GitHubStandIn;

/// <summary>
/// A local stand-in for the GitHub REST API, for tests: Kestrel on 127.0.0.1, backed by real bare git repositories.
/// It serves exactly the calls Graystep makes (pull requests, reviews, merge, branch deletion, commit statuses,
/// issue comments) with GitHub's status codes and error bodies, and offers test controls to review, close, and
/// inject rate limits or errors.
/// </summary>
public sealed partial class GitHubStandIn : IAsyncDisposable
{
    private readonly GitHubStandInOptions _options;
    private readonly StandInGit _git;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, StandInRepository> _repositories = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, StandInToken> _tokens = new(StringComparer.Ordinal);
    private readonly List<(StandInFault Fault, int Left)> _faults = [];
    private readonly List<StandInExchange> _exchanges = [];
    private StandInJson _json = null!;
    private long _nextId = 1;
    private int _requests;

    private LocalServer? _server;

    private GitHubStandIn(GitHubStandInOptions options)
    {
        _options = options;
        Directory.CreateDirectory(options.RootDirectory);
        _git = new StandInGit(options.RootDirectory);
    }

    /// <summary>The API root the client uses as GITHUB_API_URL (including the path base).</summary>
    public string ApiUrl { get; private set; } = string.Empty;

    /// <summary>The web root, as GITHUB_SERVER_URL would name it.</summary>
    public string WebUrl { get; private set; } = string.Empty;

    /// <summary>Every request answered so far, oldest first.</summary>
    public IReadOnlyList<StandInExchange> Exchanges
    {
        get
        {
            lock (_exchanges)
            {
                return _exchanges.ToList();
            }
        }
    }

    public static async Task<GitHubStandIn> StartAsync(GitHubStandInOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var standIn = new GitHubStandIn(options);

        // Streamed, not recorded: git pushes packs through it; the stand-in keeps its own exchange log.
        standIn._server = await LocalServer.StartAsync(standIn.HandleAsync, cancellationToken: cancellationToken).ConfigureAwait(false);
        var port = standIn._server.Port;
        standIn.WebUrl = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        standIn.ApiUrl = standIn.WebUrl + options.PathBase.TrimEnd('/');
        standIn._json = new StandInJson(standIn.ApiUrl, standIn.WebUrl);
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

    /// <summary>Accepts <paramref name="token"/> as <paramref name="login"/> with the given permissions.</summary>
    public void AddToken(string token, string login, StandInPermissions permissions = StandInPermissions.All, bool isActionsToken = false) =>
        WithGate(() => _tokens[token] = new StandInToken(token, login, permissions, isActionsToken));

    /// <summary>A bare repository with one commit (README.md) on <paramref name="defaultBranch"/>.</summary>
    public async Task<StandInRepository> CreateRepositoryAsync(string owner, string name, string defaultBranch = "main")
    {
        var bare = Path.Combine(_options.RootDirectory, "repos", owner, name + ".git");
        Directory.CreateDirectory(bare);
        await _git.RunCheckedAsync(bare, "init", "--quiet", "--bare", "--initial-branch=" + defaultBranch).ConfigureAwait(false);
        var scratch = Scratch();
        try
        {
            await _git.RunCheckedAsync(scratch, "init", "--quiet", "--initial-branch=" + defaultBranch).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(scratch, "README.md"), $"# {name}\n").ConfigureAwait(false);
            await _git.RunCheckedAsync(scratch, "add", "--all").ConfigureAwait(false);
            await _git.RunCheckedAsync(scratch, [.. As(owner), "commit", "--quiet", "-m", "Initial commit"]).ConfigureAwait(false);
            await _git.RunCheckedAsync(scratch, "push", "--quiet", bare, $"HEAD:refs/heads/{defaultBranch}").ConfigureAwait(false);
        }
        finally
        {
            DeleteDirectory(scratch);
        }

        var now = _options.Time.GetUtcNow();
        return await WithGateAsync(() =>
        {
            var repository = new StandInRepository(NextId(), owner, name, bare, defaultBranch, now);
            _repositories[repository.FullName] = repository;
            return Task.FromResult(repository);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Commits <paramref name="files"/> (path → content) on <paramref name="branch"/> and pushes it, creating the
    /// branch from <paramref name="from"/> (default: the default branch) when it does not exist. Returns the new SHA.
    /// </summary>
    public async Task<string> CommitAsync(StandInRepository repository, string branch, IReadOnlyDictionary<string, string> files, string message, string? from = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(files);
        var scratch = Scratch();
        try
        {
            await _git.RunCheckedAsync(scratch, "clone", "--quiet", "--no-tags", repository.BarePath, ".").ConfigureAwait(false);
            var exists = await _git.ResolveAsync(scratch, $"refs/remotes/origin/{branch}").ConfigureAwait(false) is not null;
            var start = exists ? $"origin/{branch}" : $"origin/{from ?? repository.DefaultBranch}";
            await _git.RunCheckedAsync(scratch, "checkout", "--quiet", "-B", branch, start).ConfigureAwait(false);
            foreach (var (path, content) in files)
            {
                var full = Path.Combine(scratch, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                await File.WriteAllTextAsync(full, content).ConfigureAwait(false);
            }

            await _git.RunCheckedAsync(scratch, "add", "--all").ConfigureAwait(false);
            await _git.RunCheckedAsync(scratch, [.. As("graystep-test"), "commit", "--quiet", "--allow-empty", "-m", message]).ConfigureAwait(false);
            await _git.RunCheckedAsync(scratch, "push", "--quiet", "origin", $"HEAD:refs/heads/{branch}").ConfigureAwait(false);
            return await _git.RunCheckedAsync(scratch, "rev-parse", "HEAD").ConfigureAwait(false);
        }
        finally
        {
            DeleteDirectory(scratch);
        }
    }

    /// <summary>The commit a branch points at in the bare repository, or null when it does not exist.</summary>
    public Task<string?> BranchShaAsync(StandInRepository repository, string branch)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return _git.ResolveAsync(repository.BarePath, $"refs/heads/{branch}");
    }

    /// <summary>The subject lines on a branch, newest first, read with the git CLI.</summary>
    public async Task<IReadOnlyList<string>> LogAsync(StandInRepository repository, string branch)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var log = await _git.RunCheckedAsync(repository.BarePath, "log", "--format=%s", $"refs/heads/{branch}").ConfigureAwait(false);
        return log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>A file's content on a branch (git show), or null when the branch or file does not exist.</summary>
    public async Task<string?> ReadFileAsync(StandInRepository repository, string branch, string path)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var result = await _git.RunAsync(repository.BarePath, "show", $"refs/heads/{branch}:{path}").ConfigureAwait(false);
        return result.Ok ? result.Stdout : null;
    }

    public Task<long> ApproveAsync(StandInRepository repository, int number, string reviewer, string body = "") =>
        ReviewAsync(repository, number, reviewer, StandInReviewState.Approved, body);

    public Task<long> RequestChangesAsync(StandInRepository repository, int number, string reviewer, string body = "Please change this") =>
        ReviewAsync(repository, number, reviewer, StandInReviewState.ChangesRequested, body);

    public Task<long> CommentReviewAsync(StandInRepository repository, int number, string reviewer, string body = "A remark") =>
        ReviewAsync(repository, number, reviewer, StandInReviewState.Commented, body);

    /// <summary>Dismisses a review: GitHub turns that review's state into DISMISSED.</summary>
    public Task DismissReviewAsync(StandInRepository repository, int number, long reviewId) =>
        WithGateAsync(() =>
        {
            var pull = Pull(repository, number);
            var index = pull.ReviewList.FindIndex(r => r.Id == reviewId);
            if (index < 0)
            {
                throw new ArgumentException($"no review {reviewId} on #{number}", nameof(reviewId));
            }

            pull.ReviewList[index] = pull.ReviewList[index] with { State = StandInReviewState.Dismissed };
            return Task.FromResult(0);
        });

    /// <summary>Closes a pull request without merging it, as a person would in the web UI.</summary>
    public Task CloseAsync(StandInRepository repository, int number) =>
        WithGateAsync(async () =>
        {
            var pull = Pull(repository, number);
            await CloseLockedAsync(repository, pull).ConfigureAwait(false);
            return 0;
        });

    public StandInPullRequest PullRequest(StandInRepository repository, int number) => WithGate(() => Pull(repository, number));

    public IReadOnlyList<StandInPullRequest> PullRequests(StandInRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return WithGate(() => repository.PullRequests.ToList());
    }

    public IReadOnlyList<StandInStatus> Statuses(StandInRepository repository, string sha)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return WithGate(() => repository.Statuses.Where(s => s.Sha == sha).ToList());
    }

    /// <summary>The next matching request(s) get <paramref name="fault"/> instead of their real answer.</summary>
    public void InjectFault(StandInFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        WithGate(() =>
        {
            _faults.Add((fault, fault.Times));
            return 0;
        });
    }

    /// <summary>A secondary rate limit: 403 with <c>retry-after</c> (or without it when null, as GitHub sometimes does).</summary>
    public void InjectSecondaryRateLimit(TimeSpan? retryAfter, string? pathContains = null, int times = 1)
    {
        var headers = new Dictionary<string, string>();
        if (retryAfter is { } wait)
        {
            headers["retry-after"] = ((long)wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        InjectFault(new StandInFault(403, StandInJson.Error(
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits").ToJsonString())
        {
            PathContains = pathContains,
            Headers = headers,
            Times = times,
        });
    }

    /// <summary>The primary (hourly) limit: 403 with <c>x-ratelimit-remaining: 0</c> and the reset time.</summary>
    public void InjectPrimaryRateLimit(DateTimeOffset resetAt, string? pathContains = null, int times = 1) =>
        InjectFault(new StandInFault(403, StandInJson.Error(
                "API rate limit exceeded for user ID 1000.",
                "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api").ToJsonString())
        {
            PathContains = pathContains,
            Times = times,
            Headers = new Dictionary<string, string>
            {
                ["x-ratelimit-limit"] = "5000",
                ["x-ratelimit-remaining"] = "0",
                ["x-ratelimit-used"] = "5000",
                ["x-ratelimit-reset"] = resetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                ["x-ratelimit-resource"] = "core",
            },
        });

    /// <summary>Any status with GitHub's basic-error body.</summary>
    public void InjectError(int status, string message, string? method = null, string? pathContains = null, IReadOnlyDictionary<string, string>? headers = null) =>
        InjectFault(new StandInFault(status, StandInJson.Error(message).ToJsonString())
        {
            Method = method,
            PathContains = pathContains,
            Headers = headers ?? new Dictionary<string, string>(),
        });

    private async Task<long> ReviewAsync(StandInRepository repository, int number, string reviewer, StandInReviewState state, string body) =>
        await WithGateAsync(async () =>
        {
            var pull = Pull(repository, number);
            await RefreshHeadAsync(repository, pull).ConfigureAwait(false);
            var review = new StandInReview(NextId(), reviewer, state, body, pull.HeadSha, _options.Time.GetUtcNow());
            pull.ReviewList.Add(review);
            return review.Id;
        }).ConfigureAwait(false);

    private StandInPullRequest Pull(StandInRepository repository, int number) =>
        repository.PullRequests.FirstOrDefault(p => p.Number == number)
        ?? throw new ArgumentException($"no pull request #{number} in {repository.FullName}", nameof(number));

    private long NextId() => _nextId++;

    private string Scratch()
    {
        var path = Path.Combine(_options.RootDirectory, "scratch", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static string[] As(string login) =>
        ["-c", $"user.name={login}", "-c", $"user.email={login}@users.noreply.github.com", "-c", "commit.gpgsign=false"];

    private static void DeleteDirectory(string path)
    {
        try
        {
            foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }

            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover scratch clone is harmless; the caller deletes the root.
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

    private void WithGate(Action action) => WithGate(() =>
    {
        action();
        return 0;
    });

    private async Task<T> WithGateAsync<T>(Func<Task<T>> action)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return await action().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record Answer(int Status, JsonNode? Body, Dictionary<string, string>? Headers = null)
    {
        public static Answer Json(int status, JsonNode body) => new(status, body);

        public static Answer Error(int status, string message) => new(status, StandInJson.Error(message));
    }
}
