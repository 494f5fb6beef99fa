using Graystep.Core.Analysis;

namespace Graystep.Core.Rollouts;

/// <summary>A failed check this run saw: when, where in the rollout, and what failed.</summary>
public sealed record FailedCheck(DateTimeOffset At, string Position, string What);

/// <summary>
/// What one run of the process learned since the rollout's last commit: failed checks not yet committed, when to
/// check next, how long a gate has been closed, a transition whose pull request waits. It is reset whenever the
/// status commit changes (<see cref="Track"/>), so it never carries a stale decision across a race; the state in
/// Git stays the only truth, and a new process starts with <see cref="Empty"/>.
/// </summary>
public sealed record RunMemory
{
    public static RunMemory Empty { get; } = new();

    /// <summary>The status commit this memory is about; null after a lost race (anything read must be read again).</summary>
    public string? StatusSha { get; init; }

    /// <summary>Failed checks counted since the status commit (its file holds the count before them).</summary>
    public int? FailedChecks { get; init; }

    public DateTimeOffset? NextCheck { get; init; }

    /// <summary>Since when a gate (by kind) has been closed on the status commit <c>Sha</c>.</summary>
    public (string Sha, string Kind, DateTimeOffset Since)? Gate { get; init; }

    /// <summary>The instant this run's push of a commit completed: known to the instant, unlike a commit's date.</summary>
    public (string Sha, DateTimeOffset At)? Pushed { get; init; }

    /// <summary>Every failed check this run saw for the canary <c>Canary</c>, across its steps.</summary>
    public (string Canary, IReadOnlyList<FailedCheck> Checks)? FailedLog { get; init; }

    /// <summary>A transition whose pull request waits: looked at again, without deciding anew, until <c>NextDecision</c>.</summary>
    public (string? Sha, Decision.Commit Commit, DateTimeOffset NextDecision)? Held { get; init; }

    /// <summary>A pull request outlived the progress deadline: the next decision on this state is this rollback.</summary>
    public (string? Sha, string Reason, string Details)? Forced { get; init; }

    /// <summary>The last analysis round's results, for the run's report.</summary>
    public IReadOnlyList<MetricResult> LastAnalysis { get; init; } = [];

    /// <summary>Forgets what was learned about an older status commit.</summary>
    public RunMemory Track(string? statusSha) => statusSha == StatusSha
        ? this
        : this with { StatusSha = statusSha, FailedChecks = null, NextCheck = null, Gate = null, Held = null, Forced = null };

    /// <summary>The branch moved under us: whatever the next read shows is new.</summary>
    public RunMemory LostRace() => this with { StatusSha = null };

    public RunMemory Push(string sha, DateTimeOffset at) => this with { Pushed = (sha, at) };

    public DateTimeOffset? PushedAt(string sha) => Pushed is { } pushed && pushed.Sha == sha ? pushed.At : null;

    public int FailedChecksOn(RolloutStatus status) => FailedChecks ?? status.FailedChecks;

    /// <summary>When the next check is due on <paramref name="sha"/>: <paramref name="firstCheck"/>, or later if one was scheduled.</summary>
    public DateTimeOffset NextCheckOn(string sha, DateTimeOffset firstCheck) =>
        sha == StatusSha && NextCheck is { } next && next > firstCheck ? next : firstCheck;

    public RunMemory RecordFailure(int failedChecks, DateTimeOffset nextCheck) => this with { FailedChecks = failedChecks, NextCheck = nextCheck };

    public RunMemory ScheduleNext(DateTimeOffset nextCheck) => this with { NextCheck = nextCheck };

    public RunMemory RecordFailedCheck(string canary, FailedCheck check) => this with
    {
        FailedLog = (canary, [.. FailedLog is { } log && log.Canary == canary ? log.Checks : [], check]),
    };

    public IReadOnlyList<FailedCheck> FailedChecksOf(string canary) =>
        FailedLog is { } log && log.Canary == canary ? log.Checks : [];

    /// <summary>Since when the <paramref name="kind"/> gate has been closed on <paramref name="sha"/>, starting the clock now if it was not.</summary>
    public (RunMemory Memory, DateTimeOffset Since) GateClosed(string sha, string kind, DateTimeOffset now) =>
        Gate is { } gate && gate.Sha == sha && gate.Kind == kind ? (this, gate.Since) : (this with { Gate = (sha, kind, now) }, now);

    /// <summary>Holds a transition whose pull request waits; holding the same one again keeps its time.</summary>
    public RunMemory Hold(string? sha, Decision.Commit commit, DateTimeOffset nextDecision) =>
        Held is { } held && held.Sha == sha && ReferenceEquals(held.Commit, commit) ? this : this with { Held = (sha, commit, nextDecision) };

    public RunMemory Force(string? sha, string reason, string details) => this with { Forced = (sha, reason, details), Held = null };
}
