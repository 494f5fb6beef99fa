namespace Graystep.GitHubStandIn;

/// <summary>Fine-grained repository permissions a stand-in token holds. Reading is always allowed.</summary>
[Flags]
public enum StandInPermissions
{
    None = 0,
    ContentsWrite = 1,
    PullRequestsWrite = 2,
    StatusesWrite = 4,
    IssuesWrite = 8,
    All = ContentsWrite | PullRequestsWrite | StatusesWrite | IssuesWrite,
}

/// <summary>A token the stand-in accepts, the user it acts as, and whether it is a GitHub Actions GITHUB_TOKEN.</summary>
public sealed record StandInToken(string Token, string Login, StandInPermissions Permissions, bool IsActionsToken);

public enum StandInReviewState
{
    Approved,
    ChangesRequested,
    Commented,
    Dismissed,
}

public sealed record StandInReview(long Id, string User, StandInReviewState State, string Body, string? CommitId, DateTimeOffset SubmittedAt)
{
    public string ApiState => State switch
    {
        StandInReviewState.Approved => "APPROVED",
        StandInReviewState.ChangesRequested => "CHANGES_REQUESTED",
        StandInReviewState.Commented => "COMMENTED",
        _ => "DISMISSED",
    };
}

public sealed record StandInStatus(long Id, string Sha, string State, string Context, string? Description, string? TargetUrl, string Creator, DateTimeOffset CreatedAt);

public sealed record StandInComment(long Id, int Number, string Body, string User, DateTimeOffset CreatedAt);

/// <summary>A canned answer the next matching request gets instead of the real one (rate limits, outages, odd errors).</summary>
public sealed record StandInFault(int Status, string Body)
{
    /// <summary>Only requests with this method (GET, POST, ...); null for any.</summary>
    public string? Method { get; init; }

    /// <summary>Only requests whose path contains this text; null for any.</summary>
    public string? PathContains { get; init; }

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>How many matching requests get it.</summary>
    public int Times { get; init; } = 1;
}

/// <summary>One request the stand-in answered, kept so that tests can check its answers against GitHub's description.</summary>
public sealed record StandInExchange(
    string Method,
    string Path,
    string Query,
    string? RequestBody,
    int Status,
    string ResponseBody,
    IReadOnlyDictionary<string, string> ResponseHeaders);

/// <summary>A pull request as the stand-in holds it.</summary>
public sealed class StandInPullRequest
{
    internal StandInPullRequest(long id, int number, string title, string? body, string head, string @base, string author, string headSha, string baseSha, DateTimeOffset createdAt)
    {
        Id = id;
        Number = number;
        Title = title;
        Body = body;
        Head = head;
        Base = @base;
        Author = author;
        HeadSha = headSha;
        BaseSha = baseSha;
        CreatedAt = createdAt;
        UpdatedAt = createdAt;
    }

    public long Id { get; }

    public int Number { get; }

    public string Title { get; }

    public string? Body { get; }

    public string Head { get; }

    public string Base { get; }

    public string Author { get; }

    public bool Open { get; internal set; } = true;

    public bool Merged { get; internal set; }

    public string HeadSha { get; internal set; }

    public string BaseSha { get; internal set; }

    public string? MergeCommitSha { get; internal set; }

    public string? MergedBy { get; internal set; }

    public string? MergeMethod { get; internal set; }

    public DateTimeOffset CreatedAt { get; }

    public DateTimeOffset UpdatedAt { get; internal set; }

    public DateTimeOffset? ClosedAt { get; internal set; }

    public DateTimeOffset? MergedAt { get; internal set; }

    internal List<StandInReview> ReviewList { get; } = [];

    internal List<StandInComment> CommentList { get; } = [];

    // Frozen when the pull request closes; computed from git while it is open.
    internal PullRequestStats? FrozenStats { get; set; }

    public IReadOnlyList<StandInReview> Reviews => ReviewList.ToList();

    public IReadOnlyList<StandInComment> Comments => CommentList.ToList();
}

internal sealed record PullRequestStats(int Commits, int Additions, int Deletions, int ChangedFiles, bool? Mergeable, string MergeableState);

/// <summary>A repository: a real bare git repository on disk plus the pull requests, statuses and settings around it.</summary>
public sealed class StandInRepository
{
    internal StandInRepository(long id, string owner, string name, string barePath, string defaultBranch, DateTimeOffset createdAt)
    {
        Id = id;
        Owner = owner;
        Name = name;
        BarePath = barePath;
        DefaultBranch = defaultBranch;
        CreatedAt = createdAt;
    }

    public long Id { get; }

    public string Owner { get; }

    public string Name { get; }

    public string FullName => $"{Owner}/{Name}";

    /// <summary>The bare repository; clone it or push to it with the git CLI.</summary>
    public string BarePath { get; }

    public string DefaultBranch { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>The repository setting "Allow GitHub Actions to create and approve pull requests" (off by default, as on GitHub).</summary>
    public bool AllowActionsToCreatePullRequests { get; set; }

    /// <summary>Branch protection's required approving reviews; 0 for none.</summary>
    public int RequiredApprovingReviews { get; set; }

    internal List<StandInPullRequest> PullRequests { get; } = [];

    internal List<StandInStatus> Statuses { get; } = [];

    internal int NextNumber { get; set; } = 1;
}
