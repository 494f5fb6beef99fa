using System.Globalization;
using Graystep.Core.Errors;
using Graystep.Core.History;
using Graystep.Core.Spec;

namespace Graystep.Core.Rollouts;

/// <summary>One change to a rollout: the state after it and the commit that records it.</summary>
public sealed record Transition(RolloutAction Action, RolloutStatus Status, CommitMessage Message)
{
    /// <summary>The version the render shows as canary: none once a rollout has ended.</summary>
    public VersionRef? RenderedCanary => Status.Phase is RolloutPhase.Succeeded or RolloutPhase.Failed or RolloutPhase.Initialized
        ? null
        : Status.Canary;
}

/// <summary>
/// The rollout state machine, as pure functions from (spec, state, inputs) to the next <see cref="Transition"/>.
/// Each transition is exactly one commit; callers decide when a transition is due.
/// </summary>
public static class RolloutTransitions
{
    /// <param name="adopting">The user's Deployment when it is not yet versioned: it keeps running beside the copy.</param>
    public static Transition Initialize(RolloutSpec spec, VersionRef stable, DateTimeOffset now, string why, string? adopting = null)
    {
        var status = new RolloutStatus
        {
            Phase = RolloutPhase.Initialized,
            Stable = stable,
            Canary = null,
            Traffic = TrafficSplit.AllStable,
            StepIndex = 0,
            StepCount = 0,
            LastTransitionTime = now,
            Reason = $"initialized {stable.Name} at 100%",
            Adopting = adopting,
        };
        return Make(spec, RolloutAction.Initialize, status, $"initialize {stable.Name} at 100%", why, stable.Name, 100);
    }

    /// <param name="attempt">1 for a version's first start; n+1 when it is started again after a rollback.</param>
    public static Transition Start(RolloutSpec spec, RolloutStatus current, VersionRef canary, DateTimeOffset now, string why, int attempt = 1)
    {
        if (current.Canary is not null && IsActive(current))
        {
            throw new InvalidOperationException($"a rollout of {current.Canary.Name} is already in progress");
        }

        var count = StepPlan.StepCount(spec);
        var status = current with
        {
            Phase = RolloutPhase.Progressing,
            Canary = canary,
            Traffic = TrafficSplit.AllStable,
            StepIndex = 0,
            StepCount = count,
            FailedChecks = 0,
            Paused = false,
            LastTransitionTime = now,
            JudgeSince = null,
            Reason = attempt > 1 ? string.Create(CultureInfo.InvariantCulture, $"started {canary.Name} (attempt {attempt})") : $"started {canary.Name}",
            Attempt = attempt,

            // A standby keeps running until the next promotion replaces it: a rollback restores the render it is part of.
            Retiring = null,
        };
        var how = spec.Analysis.Strategy switch
        {
            Strategy.Canary => "at 0%",
            Strategy.ABTesting => "(A/B testing, no users routed yet)",
            Strategy.BlueGreen => "(blue/green, no user traffic)",
            _ => "(blue/green with mirroring, no traffic yet)",
        };
        var which = attempt > 1 ? string.Create(CultureInfo.InvariantCulture, $"{canary.Name} (attempt {attempt})") : canary.Name;
        return Make(spec, RolloutAction.Start, status, $"start {which} {how}", why, canary.Name, 0);
    }

    /// <param name="replicas">The target's replicas when the provider splits by pod share (see <see cref="StepPlan.TrafficAt"/>).</param>
    public static Transition Step(RolloutSpec spec, RolloutStatus current, DateTimeOffset now, string why, int? replicas = null)
    {
        var canary = RequireCanary(current);
        var index = current.StepIndex + 1;
        if (index > current.StepCount)
        {
            throw new InvalidOperationException("no step left: promote instead");
        }

        var traffic = StepPlan.TrafficAt(spec, index, replicas);
        var status = current with
        {
            Phase = RolloutPhase.Progressing,
            Traffic = traffic,
            StepIndex = index,
            LastTransitionTime = now,
            Reason = StepPlan.Describe(spec, canary.Name, index, current.StepCount, replicas),
        };
        return Make(spec, RolloutAction.Step, status, status.Reason, why, canary.Name, traffic.CanaryWeight);
    }

    public static Transition Promote(RolloutSpec spec, RolloutStatus current, DateTimeOffset now, string why)
    {
        var canary = RequireCanary(current);
        var status = current with
        {
            Phase = RolloutPhase.Succeeded,
            Stable = canary,
            Canary = null,
            Traffic = TrafficSplit.AllStable,
            StepIndex = current.StepCount,
            Paused = false,
            LastTransitionTime = now,
            JudgeSince = null,
            Reason = $"promoted {canary.Name}",
            Standby = spec.Analysis.KeepPrevious ? current.Stable : null,
            Retiring = !spec.Analysis.KeepPrevious && spec.Analysis.RetiresLater ? current.Stable : null,
        };
        why = status.Standby is not null
            ? $"{why}\n\n{current.Stable.Name} keeps running at 0% as a standby (keepPrevious): graystep rollback switches back in one commit."
            : why + RetireNote(spec, status);
        return Make(spec, RolloutAction.Promote, status, $"promote {canary.Name} to 100%", why, canary.Name, 100);
    }

    public static Transition Rollback(RolloutSpec spec, RolloutStatus current, DateTimeOffset now, string reason, string details)
    {
        var canary = RequireCanary(current);
        var status = current with
        {
            Phase = RolloutPhase.Failed,
            Traffic = TrafficSplit.AllStable,
            Paused = false,
            LastTransitionTime = now,
            Reason = reason,
            Retiring = spec.Analysis.RetiresLater ? canary : null,
        };
        var body = details.Length == 0 ? $"Reason: {reason}" : $"Reason: {reason}\n\n{details}";
        body += RetireNote(spec, status);
        return Make(spec, RolloutAction.Rollback, status, $"roll back {canary.Name}, all traffic to {current.Stable.Name}", body, canary.Name, 0);
    }

    /// <summary>
    /// After a promotion with a standby (<c>analysis.keepPrevious</c>): all traffic back to the standby in one commit.
    /// The version switched away from counts as rolled back, and is retired like a rolled-back canary.
    /// </summary>
    public static Transition SwitchBack(RolloutSpec spec, RolloutStatus current, DateTimeOffset now, string reason)
    {
        var standby = current.Standby ?? throw new InvalidOperationException("no standby version to switch back to");
        var status = current with
        {
            Phase = RolloutPhase.Failed,
            Stable = standby,
            Canary = current.Stable,
            Standby = null,
            Retiring = spec.Analysis.RetiresLater ? current.Stable : null,
            Traffic = TrafficSplit.AllStable,
            Paused = false,
            LastTransitionTime = now,
            Reason = reason,
        };
        var body = $"Reason: {reason}\n\nSwitched back to the standby {standby.Name}, which kept running since {current.Stable.Name} was promoted (keepPrevious)."
            + RetireNote(spec, status);
        return Make(spec, RolloutAction.Rollback, status, $"switch back to {standby.Name}, roll back {current.Stable.Name}", body, current.Stable.Name, 0);
    }

    /// <summary>
    /// A failed check below the threshold, committed by <c>run --once</c>: only the status file changes (the count),
    /// so the next run counts on from it.
    /// </summary>
    public static Transition Check(RolloutSpec spec, RolloutStatus current, int failedChecks, DateTimeOffset now, string summary, string why)
    {
        var canary = RequireCanary(current);
        var position = string.Create(CultureInfo.InvariantCulture, $"{failedChecks}/{spec.Analysis.Threshold}");
        var status = current with { FailedChecks = failedChecks, Reason = $"failed check {position}: {summary}" };
        return Make(spec, RolloutAction.Check, status, $"failed check {position} for {canary.Name} at {Describe(current)}", why, canary.Name, current.Traffic.CanaryWeight);
    }

    /// <summary>The version that lost its traffic stops running: its workload leaves the rendered output.</summary>
    public static Transition Retire(RolloutSpec spec, RolloutStatus current, string why)
    {
        var retiring = current.Retiring ?? throw new InvalidOperationException("no version to retire");
        var status = current with { Retiring = null };

        // The trailers repeat the switch this completes (promoted at 100, or rolled back at 0), so weight timelines
        // read from history stay flat; the subject names the version that stops running.
        var promoted = status.Phase == RolloutPhase.Succeeded;
        var version = promoted ? status.Stable.Name : status.Canary?.Name ?? retiring.Name;
        return Make(spec, RolloutAction.Retire, status, $"retire {retiring.Name} (no traffic since the switch)", why, version, promoted ? 100 : 0);
    }

    /// <summary>
    /// Adoption with scaleDownDelay: the routing now sends the stable version's traffic to its versioned copy only;
    /// the original keeps running without traffic until a retire commit removes it.
    /// </summary>
    public static Transition RouteAdopted(RolloutSpec spec, RolloutStatus current, string copy, string why)
    {
        var original = current.Adopting ?? throw new InvalidOperationException("nothing is being adopted");
        var status = current with { AdoptingRouted = true };
        return Make(spec, RolloutAction.Retire, status, $"route {current.Stable.Name} to {copy}, keep {original} without traffic", why, current.Stable.Name, 100);
    }

    /// <summary>The adoption ends: the original Deployment leaves the output and its versioned copy serves alone.</summary>
    public static Transition Adopted(RolloutSpec spec, RolloutStatus current, string why)
    {
        var original = current.Adopting ?? throw new InvalidOperationException("nothing is being adopted");
        var status = current with { Adopting = null, AdoptingRouted = false };
        return Make(spec, RolloutAction.Retire, status, $"retire {original}, adopted as {current.Stable.Name}", why, current.Stable.Name, 100);
    }

    private static string RetireNote(RolloutSpec spec, RolloutStatus status) => status.Retiring is { } retiring
        ? $"\n\n{retiring.Name} keeps running at 0% for scaleDownDelay {GoDuration.Format(spec.Analysis.ScaleDownDelay)} after the cluster applies this commit; a retire commit removes it."
        : string.Empty;

    public static Transition Pause(RolloutSpec spec, RolloutStatus current, DateTimeOffset now, string reason)
    {
        var canary = RequireCanary(current);
        var status = current with { Paused = true, LastTransitionTime = now, Reason = $"paused: {reason}" };
        return Make(spec, RolloutAction.Pause, status, $"pause {canary.Name} at {Describe(current)}", $"Reason: {reason}", canary.Name, current.Traffic.CanaryWeight);
    }

    public static Transition Resume(RolloutSpec spec, RolloutStatus current, DateTimeOffset now, string reason)
    {
        var canary = RequireCanary(current);
        var status = current with { Paused = false, LastTransitionTime = now, Reason = $"resumed: {reason}" };
        return Make(spec, RolloutAction.Resume, status, $"resume {canary.Name} at {Describe(current)}", $"Reason: {reason}", canary.Name, current.Traffic.CanaryWeight);
    }

    /// <summary>
    /// A person moves the canary to <paramref name="weight"/>% by hand and the rollout pauses there. The step index
    /// becomes the number of planned weights at or below it, so <c>resume</c> continues with the first planned weight
    /// above it (or the promotion when none is left).
    /// </summary>
    public static Transition SetWeight(RolloutSpec spec, RolloutStatus current, int weight, DateTimeOffset now, string reason, int? replicas = null)
    {
        var canary = RequireCanary(current);
        if (spec.Analysis.Strategy != Strategy.Canary)
        {
            throw new GraystepException(
                $"{spec.Id}: set-weight moves a canary's weight, but this rollout is {StrategyText(spec.Analysis.Strategy)}",
                ExitCodes.Usage,
                "use graystep promote, rollback, pause or resume");
        }

        if (weight is < 0 or > 99)
        {
            throw new GraystepException(
                string.Create(CultureInfo.InvariantCulture, $"set-weight {weight}: the weight must be from 0 to 99"),
                ExitCodes.Usage,
                "graystep promote moves all traffic to the canary");
        }

        var index = spec.Analysis.StepWeights.Count(w => w <= weight);
        var asked = weight;
        weight = StepPlan.CanaryAt(weight, replicas).CanaryWeight;
        var status = current with
        {
            Traffic = new TrafficSplit(weight),
            StepIndex = index,
            Paused = true,
            LastTransitionTime = now,
            Reason = string.Create(CultureInfo.InvariantCulture, $"paused at {weight}% set by hand: {reason}"),
        };
        var next = index < current.StepCount ? string.Create(CultureInfo.InvariantCulture, $"{spec.Analysis.StepWeights[index]}% (step {index + 1}/{current.StepCount})") : "the promotion";
        var body = string.Create(CultureInfo.InvariantCulture,
            $"Reason: {reason}\n\nWeight set by hand from {current.Traffic.CanaryWeight}% to {(replicas is { } total ? $"{ReplicaSplit.For(total, weight)}, the share of pods nearest to {asked}%" : $"{weight}%")}. The rollout is paused here; graystep resume continues with {next}.");
        return Make(spec, RolloutAction.SetWeight, status, string.Create(CultureInfo.InvariantCulture, $"set {canary.Name} to {weight}% by hand (paused)"), body, canary.Name, weight);
    }

    private static string StrategyText(Strategy strategy) => strategy switch
    {
        Strategy.ABTesting => "A/B testing",
        Strategy.BlueGreen => "blue/green",
        _ => "blue/green with mirroring",
    };

    /// <summary>True while a canary is live: started and neither promoted nor rolled back.</summary>
    public static bool IsActive(RolloutStatus status) =>
        status.Canary is not null && status.Phase is RolloutPhase.Progressing or RolloutPhase.Waiting
            or RolloutPhase.WaitingPromotion or RolloutPhase.Promoting;

    private static string Describe(RolloutStatus status) =>
        status.Traffic.MatchActive ? "A/B match"
        : status.Traffic.MirrorActive ? "mirroring"
        : string.Create(CultureInfo.InvariantCulture, $"{status.Traffic.CanaryWeight}%");

    private static VersionRef RequireCanary(RolloutStatus status) =>
        status.Canary ?? throw new InvalidOperationException("no canary version in progress");

    private static Transition Make(RolloutSpec spec, RolloutAction action, RolloutStatus status, string what, string why, string version, int weight)
    {
        var trailers = new List<KeyValuePair<string, string>>
        {
            new(Trailers.Rollout, spec.Id),
            new(Trailers.Version, version),
            new(Trailers.Action, RolloutActionText.Format(action)),
            new(Trailers.Weight, weight.ToString(CultureInfo.InvariantCulture)),
            new(Trailers.Step, string.Create(CultureInfo.InvariantCulture, $"{status.StepIndex}/{status.StepCount}")),
        };

        // Every commit of a second or later attempt (from its start to the next start) says which one, so history
        // tells the attempts apart.
        if (status.Attempt > 1)
        {
            trailers.Add(new(Trailers.Attempt, status.Attempt.ToString(CultureInfo.InvariantCulture)));
        }

        return new Transition(action, status, new CommitMessage($"{spec.Name}: {what}", why.TrimEnd(), trailers));
    }
}
