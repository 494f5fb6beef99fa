namespace Graystep.Sandbox;

/// <summary>
/// Request counters. <see cref="Requests"/> counts user-facing requests only; mirrored copies and load-test
/// requests are counted apart and never as user traffic.
/// </summary>
public sealed record RequestCounts
{
    public static readonly RequestCounts Zero = new();

    /// <summary>User requests this version answered.</summary>
    public long Requests { get; init; }

    /// <summary>User requests answered with a 5xx.</summary>
    public long Errors { get; init; }

    /// <summary>User requests answered with a 404.</summary>
    public long NotFound { get; init; }

    /// <summary>User requests that reached this version through an A/B match rule (header, cookie, query).</summary>
    public long AbMatched { get; init; }

    /// <summary>User requests from users in the A/B share (they carry the A/B header or cookie), wherever they went.</summary>
    public long AbUsers { get; init; }

    /// <summary>Mirrored (shadow) copies this version received; their responses are discarded.</summary>
    public long Mirrored { get; init; }

    public long MirroredErrors { get; init; }

    /// <summary>Requests sent straight to the canary by the simulated load tester.</summary>
    public long LoadTest { get; init; }

    public long LoadTestErrors { get; init; }

    /// <summary>Sum of the simulated latency of the user requests, in milliseconds.</summary>
    public double LatencySumMs { get; init; }

    /// <summary>
    /// User requests a proxy still routed by the previous routes (<c>--proxy-delay</c>) to a version whose pods were
    /// already removed: they failed with 503 and are counted in <see cref="Errors"/> too.
    /// </summary>
    public long Stale { get; init; }

    public static RequestCounts operator +(RequestCounts a, RequestCounts b) => new()
    {
        Requests = a.Requests + b.Requests,
        Errors = a.Errors + b.Errors,
        NotFound = a.NotFound + b.NotFound,
        AbMatched = a.AbMatched + b.AbMatched,
        AbUsers = a.AbUsers + b.AbUsers,
        Mirrored = a.Mirrored + b.Mirrored,
        MirroredErrors = a.MirroredErrors + b.MirroredErrors,
        LoadTest = a.LoadTest + b.LoadTest,
        LoadTestErrors = a.LoadTestErrors + b.LoadTestErrors,
        LatencySumMs = a.LatencySumMs + b.LatencySumMs,
        Stale = a.Stale + b.Stale,
    };

    public static RequestCounts Add(RequestCounts left, RequestCounts right) => left + right;
}

/// <summary>A commit the sandbox applied.</summary>
public sealed record AppliedRevision(string Sha, DateTimeOffset SeenAt, DateTimeOffset AppliedAt, int Objects, IReadOnlyList<string> Apps);

/// <summary>One destination of a rule: a Service (or subset) and the version it selects, with its weight or mirror percent.</summary>
public sealed record WeightSnapshot(string Service, string? Version, double Weight);

/// <summary>One rule of an app's routing table; an empty <see cref="Match"/> is the default rule.</summary>
public sealed record RouteSnapshot(IReadOnlyList<string> Match, IReadOnlyList<WeightSnapshot> Destinations, WeightSnapshot? Mirror);

/// <summary>A version of an app: its workload and counters, in total and per applied revision (commit SHA).</summary>
public sealed record VersionSnapshot(
    string Version,
    string? Workload,
    IReadOnlyList<string> Images,
    IReadOnlyList<string> Pods,
    bool Live,
    RequestCounts Total,
    IReadOnlyDictionary<string, RequestCounts> ByRevision);

/// <summary>A routed app as the simulated cluster sees it.</summary>
public sealed record AppSnapshot(
    string Namespace,
    string Name,
    string Provider,
    string Service,
    string? Ingress,
    string Target,
    bool Live,
    string? Stable,
    IReadOnlyList<string> Canaries,
    IReadOnlyDictionary<string, double> Weights,
    IReadOnlyList<RouteSnapshot> Routes,
    IReadOnlyList<string> AbRules,
    RequestCounts Unrouted,
    IReadOnlyList<VersionSnapshot> Versions)
{
    public VersionSnapshot? Version(string version) => Versions.FirstOrDefault(v => v.Version == version);
}

/// <summary>Everything <c>GET /sandbox/state</c> returns.</summary>
public sealed record SandboxSnapshot(
    string Simulator,
    string Repo,
    string Branch,
    string Path,
    bool Ready,
    string? AppliedRevision,
    DateTimeOffset? AppliedAt,
    string? ObservedRevision,
    string? PendingRevision,
    DateTimeOffset? PendingDueAt,
    string SyncStatus,
    string? LastError,
    IReadOnlyList<AppliedRevision> Revisions,
    IReadOnlyList<AppSnapshot> Apps)
{
    /// <summary>An app by <c>namespace/name</c> or by name.</summary>
    public AppSnapshot? App(string keyOrName) =>
        Apps.FirstOrDefault(a => $"{a.Namespace}/{a.Name}" == keyOrName) ?? Apps.FirstOrDefault(a => a.Name == keyOrName);

    /// <summary>
    /// Counters of <paramref name="version"/> summed over the revisions applied from <paramref name="sinceSha"/> on
    /// (that commit included): "how many user requests reached v3 after commit X was applied".
    /// </summary>
    public RequestCounts CountsSince(string app, string version, string sinceSha)
    {
        var index = Revisions.ToList().FindLastIndex(r => r.Sha == sinceSha);
        if (index < 0 || App(app)?.Version(version) is not { } v)
        {
            return RequestCounts.Zero;
        }

        var total = RequestCounts.Zero;
        foreach (var revision in Revisions.Skip(index).Select(r => r.Sha).Distinct(StringComparer.Ordinal))
        {
            if (v.ByRevision.TryGetValue(revision, out var counts))
            {
                total += counts;
            }
        }

        return total;
    }
}
