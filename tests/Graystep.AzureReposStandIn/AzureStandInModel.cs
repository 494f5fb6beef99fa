namespace Graystep.AzureReposStandIn;

/// <summary>A repository on the stand-in: a real bare git repository and the pull requests on it.</summary>
public sealed class AzureStandInRepository(string id, string organization, string project, string name, string barePath)
{
    public string Id { get; } = id;

    public string Organization { get; } = organization;

    public string Project { get; } = project;

    public string Name { get; } = name;

    public string BarePath { get; } = barePath;

    public string Key => $"{Organization}/{Project}/{Name}";

    /// <summary>
    /// A branch policy that is never met for pull requests whose source branch contains <c>SourceContains</c>: their
    /// completion is refused with <c>Message</c>.
    /// </summary>
    public (string SourceContains, string Message)? BlockingPolicy { get; set; }

    internal List<AzureStandInPullRequest> PullRequests { get; } = [];

    internal List<AzureStandInStatus> CommitStatuses { get; } = [];
}

public sealed class AzureStandInPullRequest
{
    public required int Id { get; init; }

    public required string Title { get; set; }

    public required string Description { get; set; }

    public required string Source { get; init; }

    public required string Target { get; init; }

    public required DateTimeOffset Created { get; init; }

    /// <summary>active, completed or abandoned.</summary>
    public string Status { get; set; } = "active";

    public string SourceSha { get; set; } = string.Empty;

    public string? TargetSha { get; set; }

    public string? MergeCommit { get; set; }

    public string? MergeStrategy { get; set; }

    public DateTimeOffset? Closed { get; set; }

    public List<AzureStandInReviewer> Reviewers { get; } = [];

    public List<AzureStandInStatus> Statuses { get; } = [];

    public List<string> Comments { get; } = [];

    /// <summary>Completion requests this pull request refuses next, one message each (a branch policy that is not met yet).</summary>
    public Queue<string> Refusals { get; } = new();
}

public sealed record AzureStandInReviewer(string Name, int Vote, bool IsRequired);

public sealed record AzureStandInStatus(int Id, string State, string? Description, string Genre, string Name, string Sha);

/// <summary>One request the stand-in answered, for the contract tests to check against the REST description.</summary>
public sealed record AzureStandInExchange(string Method, string Path, string Query, string RequestBody, int Status, string ResponseBody);

/// <summary>An answer the next matching request gets instead of its real one.</summary>
public sealed record AzureStandInFault(int Status, string Body)
{
    public string? Method { get; init; }

    public string? PathContains { get; init; }

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public int Times { get; init; } = 1;
}
