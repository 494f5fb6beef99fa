using Graystep.Core.Analysis;
using Graystep.Core.Gates;

namespace Graystep.Core.Rollouts;

/// <summary>How a run ends; the exit code follows from it (DESIGN.md §5).</summary>
public enum RunOutcome
{
    /// <summary>The version is stable at 100% (exit 0).</summary>
    Promoted,

    /// <summary>The command did what it was asked and nothing is in progress (exit 0).</summary>
    Done,

    /// <summary>Analysis or a deadline failed and the rollout was rolled back (exit 4).</summary>
    RolledBack,

    /// <summary>Still going: --once, --timeout, paused or suspended (exit 5).</summary>
    InProgress,

    /// <summary>Still going, and a pull request waits for a reviewer's approval (exit 5).</summary>
    WaitingApproval,

    /// <summary>A person closed a transition's pull request without merging it: the rollout stays where it is (exit 1).</summary>
    Stopped,
}

/// <summary>What <c>graystep run</c> asked to start: a version, its image overrides, and whether it may supersede.</summary>
/// <param name="Retry">Start a version that was rolled back again, as its next attempt (<c>--retry</c>).</param>
public sealed record StartRequest(string Version, IReadOnlyDictionary<string, string> Images, bool Supersede = false, bool Retry = false);

/// <summary>What the decider needs to know from outside, and asks the run loop for: it never fetches anything itself.</summary>
public abstract record Need
{
    /// <summary>Whether the cluster runs <paramref name="Sha"/>, committed (at the latest) at <paramref name="CommittedAt"/>.</summary>
    public sealed record Sync(string Sha, DateTimeOffset CommittedAt) : Need;

    /// <summary>The combined result of the webhooks of one moment.</summary>
    public sealed record Hooks(HookMoment Moment, HookContext Context) : Need;

    /// <summary>One analysis round of the spec's metrics.</summary>
    public sealed record Metrics(AnalysisContext Context) : Need;
}

/// <summary>What the run loop observed for the decision being made; each is asked for at most once.</summary>
public sealed record Observations
{
    public static Observations None { get; } = new();

    public SyncObservation? Sync { get; init; }

    public IReadOnlyDictionary<HookMoment, HookDecision> Hooks { get; init; } = new Dictionary<HookMoment, HookDecision>();

    public IReadOnlyList<MetricResult>? Metrics { get; init; }

    public Observations WithHooks(HookMoment moment, HookDecision decision) =>
        this with { Hooks = new Dictionary<HookMoment, HookDecision>(Hooks) { [moment] = decision } };
}

/// <summary>What the decider decided.</summary>
public abstract record Decision
{
    /// <summary>The gate hook whose refusal this wait (or end of a <c>--once</c> run) is, so it can be alerted about.</summary>
    public WebhookResult? ClosedGate { get; init; }

    /// <summary>Record <paramref name="Transition"/> as one commit. A preparatory one (initialize, a superseded
    /// rollback) is followed by the decision the run was asked for, even with <c>--once</c>.</summary>
    public sealed record Commit(Transition Transition, bool Preparatory = false) : Decision;

    /// <summary>Nothing to do until <paramref name="Until"/> (or the next poll, when null).</summary>
    public sealed record Wait(string Reason, DateTimeOffset? Until, bool ForApproval = false, bool OnPullRequest = false) : Decision;

    /// <summary>The run is over.</summary>
    public sealed record Finish(RunOutcome Outcome, string Reason) : Decision;

    /// <summary>Not decided yet: observe this, then decide again with what was observed.</summary>
    public sealed record Observe(Need Need) : Decision;
}

/// <summary>An analysis round, for people: what the run loop shows when a check was made.</summary>
public sealed record AnalysisReport(IReadOnlyList<MetricResult> Results, IReadOnlyList<WebhookResult> Hooks, int FailedChecks, int Threshold);

/// <summary>A decision, the run's memory after it, and the analysis round it rests on (if one was made).</summary>
public sealed record Decided(Decision Decision, RunMemory Memory, AnalysisReport? Report = null);

/// <summary>Everything one decision rests on.</summary>
public sealed record DecisionInput
{
    public required RolloutState State { get; init; }

    public required DateTimeOffset Now { get; init; }

    public required RunMemory Memory { get; init; }

    /// <summary>The version the run was asked to start, if any.</summary>
    public StartRequest? Start { get; init; }

    public Observations Observed { get; init; } = Observations.None;

    /// <summary>
    /// <c>run --once</c>: at most one analysis round. A failed check below the threshold is committed (its count lives
    /// in Git, so the next run goes on counting), and a round that would wait for more evidence or a gate ends the run.
    /// </summary>
    public bool Once { get; init; }
}
