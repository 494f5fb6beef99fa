namespace Graystep.Core.Rollouts;

/// <summary>Flagger's phase names.</summary>
public enum RolloutPhase
{
    Initialized,
    Waiting,
    Progressing,
    WaitingPromotion,
    Promoting,
    Succeeded,
    Failed,
}

/// <summary>A named version of the workload and the container images that make it.</summary>
public sealed record VersionRef(string Name, IReadOnlyDictionary<string, string> Images)
{
    public static VersionRef Of(string name, IEnumerable<KeyValuePair<string, string>>? images = null) =>
        new(name, new SortedDictionary<string, string>(images?.ToDictionary(p => p.Key, p => p.Value) ?? [], StringComparer.Ordinal));

    public bool Equals(VersionRef? other) =>
        other is not null && Name == other.Name && Images.Count == other.Images.Count &&
        Images.All(p => other.Images.TryGetValue(p.Key, out var v) && v == p.Value);

    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);
}

/// <summary>
/// What traffic goes where. Stable receives <c>100 - CanaryWeight</c>; A/B sends matching requests to the
/// canary when <see cref="MatchActive"/>; mirroring copies stable traffic to the canary when <see cref="MirrorActive"/>.
/// </summary>
public sealed record TrafficSplit(int CanaryWeight, bool MatchActive = false, bool MirrorActive = false, int? MirrorWeight = null)
{
    public static TrafficSplit AllStable { get; } = new(0);
}

/// <summary>
/// The whole state of one rollout. It is committed to Git as the status file, beside the rendered output;
/// Graystep keeps no state anywhere else.
/// </summary>
public sealed record RolloutStatus
{
    public required RolloutPhase Phase { get; init; }

    public required VersionRef Stable { get; init; }

    public VersionRef? Canary { get; init; }

    public TrafficSplit Traffic { get; init; } = TrafficSplit.AllStable;

    /// <summary>0 before the first step; n after step n of <see cref="StepCount"/>.</summary>
    public int StepIndex { get; init; }

    public int StepCount { get; init; }

    public int FailedChecks { get; init; }

    public bool Paused { get; init; }

    public required DateTimeOffset LastTransitionTime { get; init; }

    /// <summary>
    /// With the sequential judge: when the canary's first weighted step was applied. Its evidence window starts there
    /// (kept in Git, so a re-run recomputes the same evidence); null before, and with the threshold judge.
    /// </summary>
    public DateTimeOffset? JudgeSince { get; init; }

    public required string Reason { get; init; }

    /// <summary>
    /// The version that lost its traffic and still runs until a retire commit removes it (with
    /// <c>analysis.scaleDownDelay</c>): in-flight requests the proxies still send it are served.
    /// </summary>
    public VersionRef? Retiring { get; init; }

    /// <summary>The previous stable version, kept running at zero traffic after a promotion (<c>analysis.keepPrevious</c>).</summary>
    public VersionRef? Standby { get; init; }

    /// <summary>
    /// Which attempt at <see cref="Canary"/> this is: 1 for its first start, n+1 when it is started again after a
    /// rollback (<c>graystep run --retry</c>, or new images under the same name).
    /// </summary>
    public int Attempt { get; init; } = 1;

    /// <summary>
    /// The user's own Deployment, not yet versioned, that keeps running while the first rollout adopts it: the
    /// initialize commit adds its versioned copy beside it and leaves the routing as the user wrote it, and only a
    /// later retire commit removes it, once the cluster applied the copy. Null once adopted.
    /// </summary>
    public string? Adopting { get; init; }

    /// <summary>
    /// During an adoption with <c>analysis.scaleDownDelay</c>: the routing already sends the stable version's traffic
    /// to the versioned copy only, and the original keeps running without traffic until the delay has passed.
    /// </summary>
    public bool AdoptingRouted { get; init; }

    /// <summary>Versions that run without traffic: rendered as workloads, routed to by nothing.</summary>
    public IReadOnlyList<VersionRef> Idle => [.. new[] { Retiring, Standby }.OfType<VersionRef>().DistinctBy(v => v.Name)];
}
