using System.Globalization;
using Graystep.Core.Analysis;
using Graystep.Core.Errors;
using Graystep.Core.Gates;
using Graystep.Core.History;
using Graystep.Core.Spec;

namespace Graystep.Core.Rollouts;

/// <summary>
/// The rollout's policy as one pure function: from the state in Git, the run's memory, the time and what was
/// observed, to the next <see cref="Decision"/>. It does no I/O: when it needs to know whether the cluster synced, what
/// the webhooks say or what the metrics show, it returns <see cref="Decision.Observe"/>, and the run loop asks and
/// calls it again with the answer. Flagger's scheduler (<c>pkg/controller/scheduler.go</c>) in this shape: every
/// interval, once the step's commit is applied, rollback hooks, then pre-rollout or rollout hooks and metrics, then
/// the gates, then one transition.
/// </summary>
public static partial class RolloutDecider
{
    /// <summary>Git keeps whole seconds: a commit another run made may be up to a second younger than its date.</summary>
    public static readonly TimeSpan CommitDatePrecision = TimeSpan.FromSeconds(1);

    public static Decided Decide(DecisionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var state = input.State;
        var memory = input.Memory.Track(state.StatusCommit?.Sha);

        // A rollback forced by a pull request that outlived the deadline, then a transition whose pull request waits
        // (looked at again without deciding anew, until the next analysis is due).
        if (memory.Forced is { } forced && forced.Sha == state.StatusCommit?.Sha && state.Status is { } active && RolloutTransitions.IsActive(active))
        {
            return new Decided(Rollback(state.Spec, active, input.Now, forced.Reason, forced.Details), memory);
        }

        if (memory.Held is { } held && held.Sha == state.StatusCommit?.Sha && input.Now < held.NextDecision)
        {
            return new Decided(held.Commit, memory);
        }

        return new Round(input, memory).Decide();
    }

    /// <summary>
    /// The progress deadline for a transition whose pull request waits (for approval, or to become mergeable),
    /// counted from when the pull request was opened, so a re-run after a killed job keeps the same clock. Only a live
    /// canary can be rolled back, and a rollback itself never is. Null while there is time left.
    /// </summary>
    public static (string Reason, string Details)? PullRequestOverdue(
        RolloutState state, Transition transition, string waitReason, DateTimeOffset? openedAt, bool forApproval, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(transition);
        var spec = state.Spec;
        if (openedAt is not { } since || state.Status is not { } status || !RolloutTransitions.IsActive(status) || transition.Action == RolloutAction.Rollback)
        {
            return null;
        }

        if (now - since < TimeSpan.FromSeconds(spec.ProgressDeadlineSeconds))
        {
            return null;
        }

        var what = forApproval ? "approved" : "merged";
        return (string.Create(CultureInfo.InvariantCulture, $"progress deadline exceeded after {spec.ProgressDeadlineSeconds}s: {waitReason}"),
            string.Create(CultureInfo.InvariantCulture, $"The pull request for \"{transition.Message.Subject}\" was opened at {since:u} and was not {what} within progressDeadlineSeconds ({spec.ProgressDeadlineSeconds}s)."));
    }

    /// <summary>
    /// The next check after one due at <paramref name="checkAt"/> that started at <paramref name="now"/>: one interval
    /// after it started. A run that resumes long after a step checks at once, then once per interval, never in a burst
    /// that catches up on the intervals nobody checked.
    /// </summary>
    public static DateTimeOffset NextTick(DateTimeOffset checkAt, TimeSpan interval, DateTimeOffset now) =>
        (now > checkAt ? now : checkAt) + interval;

    /// <summary>
    /// When a status commit counts as made: the instant this run pushed it, else one second after its recorded date
    /// (an analysis window must never reach back before the commit).
    /// </summary>
    public static DateTimeOffset CommittedAt(CommitRecord commit, RunMemory memory)
    {
        ArgumentNullException.ThrowIfNull(commit);
        ArgumentNullException.ThrowIfNull(memory);
        return memory.PushedAt(commit.Sha) ?? commit.CommittedAt + CommitDatePrecision;
    }

    /// <summary>The target's replicas when the provider splits by pod share; null otherwise.</summary>
    public static int? ReplicasOf(RolloutState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Spec.Provider.SplitsByReplicas && state.Spec.Analysis.Strategy == Strategy.Canary ? TargetWorkload.Replicas(state.Loaded.Target) : null;
    }

    internal static Decision.Commit Rollback(RolloutSpec spec, RolloutStatus status, DateTimeOffset now, string reason, string details) =>
        new(RolloutTransitions.Rollback(spec, status, now, reason, details));

    /// <summary>One decision in the making: reads what was observed, asks for what was not.</summary>
    private sealed partial class Round(DecisionInput input, RunMemory memory)
    {
        private readonly DecisionInput _input = input;
        private readonly RolloutState _state = input.State;
        private readonly RolloutSpec _spec = input.State.Spec;
        private readonly DateTimeOffset _now = input.Now;
        private readonly Observations _seen = input.Observed;
        private readonly RunMemory _before = memory;
        private RunMemory _memory = memory;

        private AnalysisReport? _report;

        public Decided Decide()
        {
            var decision = DecideOrAsk();

            // Nothing is decided until everything needed is observed: until then the memory stays as it was.
            return decision is Decision.Observe ? new Decided(decision, _before) : new Decided(decision, _memory, _report);
        }

        private Decision DecideOrAsk()
        {
            var status = _state.Status;
            if (status is null)
            {
                var target = _state.Loaded.Target;
                var stable = VersionRef.Of(TargetWorkload.InitialVersion(target), TargetWorkload.Images(target));
                // A Deployment the user wrote under another name than its versioned copy is adopted in steps: renaming
                // it in one commit would be a delete and a create of the live workload.
                var copy = target.Name is { } name ? VersionName.Workload(name, stable.Name) : null;
                var adopting = copy is not null && copy != target.Name ? target.Name : null;
                return new Decision.Commit(
                    RolloutTransitions.Initialize(_spec, stable, _now, DecisionText.Initialize(_spec, stable, target.File, adopting, copy), adopting),
                    Preparatory: true);
            }

            if (status.Adopting is { } original && !RolloutTransitions.IsActive(status))
            {
                return Adopt(status, original);
            }

            // The version that lost its traffic leaves once the switch is applied and scaleDownDelay has passed,
            // before anything else starts: a run that died in between finishes it here.
            if (status.Retiring is { } retiring && !RolloutTransitions.IsActive(status))
            {
                return Retire(status, retiring);
            }

            if (_input.Start is { } start && DecideStart(status, start) is { } started)
            {
                return started;
            }

            if (!RolloutTransitions.IsActive(status))
            {
                return status.Phase switch
                {
                    RolloutPhase.Succeeded => new Decision.Finish(RunOutcome.Promoted, $"{status.Stable.Name} is promoted; nothing in progress"),
                    RolloutPhase.Failed => new Decision.Finish(RunOutcome.RolledBack, $"{status.Canary?.Name ?? "the canary"} was rolled back: {status.Reason}"),
                    _ => new Decision.Finish(RunOutcome.Done, $"{status.Stable.Name} is stable at 100%; nothing in progress (pass --version to start a rollout)"),
                };
            }

            var canary = status.Canary!;
            if (_spec.Suspend)
            {
                return new Decision.Finish(RunOutcome.InProgress, "the rollout is suspended (spec.suspend: true); set it to false to continue");
            }

            if (status.Paused)
            {
                return new Decision.Finish(RunOutcome.InProgress, $"{canary.Name} is paused ({status.Reason}); run 'graystep resume' to continue");
            }

            if (_spec.SkipAnalysis)
            {
                return new Decision.Commit(RolloutTransitions.Promote(_spec, status, _now, "skipAnalysis is set: promoted without analysis, as Flagger does."));
            }

            return Analyse(status, canary);
        }

        /// <summary>Once the step's commit is applied and the interval has passed: hooks, metrics, gates, one transition.</summary>
        private Decision Analyse(RolloutStatus status, VersionRef canary)
        {
            // The step is judged only on traffic after the cluster applied its commit.
            var commit = _state.StatusCommit ?? throw new GraystepException($"{_state.Loaded.StatusPath} has no commit in the branch history", ExitCodes.Failure);

            // A transition merged through a pull request lands later than it was decided: count from the later of the two.
            var landed = commit.CommittedAt > status.LastTransitionTime ? commit.CommittedAt : status.LastTransitionTime;
            var deadline = landed + TimeSpan.FromSeconds(_spec.ProgressDeadlineSeconds);
            var committedAt = CommittedAt(commit, _memory);
            if (_seen.Sync is not { } observed)
            {
                return new Decision.Observe(new Need.Sync(commit.Sha, committedAt));
            }

            if (observed is SyncObservation.Pending pending)
            {
                if (_now >= deadline)
                {
                    return Rollback(_spec, status, _now, $"progress deadline exceeded: waiting {_spec.ProgressDeadlineSeconds}s for the cluster to apply {DecisionText.Short(commit.Sha)} ({pending.Reason})", string.Empty);
                }

                // A gate that knows when the commit applies (a fixed delay) is slept on until then, never past the deadline.
                DateTimeOffset? until = pending.KnownAt is { } known ? (known < deadline ? known : deadline) : null;
                return new Decision.Wait($"waiting for the cluster to apply {DecisionText.Short(commit.Sha)}: {pending.Reason}", until);
            }

            var syncedAt = ((SyncObservation.Synced)observed).At;
            var checkAt = _memory.NextCheckOn(commit.Sha, syncedAt + _spec.Analysis.Interval);
            if (_now < checkAt)
            {
                return new Decision.Wait(DecisionText.Analysing(status), checkAt);
            }

            // Rollback hooks come first: a success means "roll back now".
            var context = HookContext.For(status);
            if (Hooks(HookMoment.RollbackCheck) is not { } rollbackHooks)
            {
                return Ask(HookMoment.RollbackCheck, context);
            }

            if (rollbackHooks.Outcome == HookOutcome.RollbackNow)
            {
                return Rollback(_spec, status, _now, $"rollback webhook {rollbackHooks.Cause!.Name} asked for a rollback", DecisionText.HookLines(rollbackHooks.Results));
            }

            var hookResults = new List<WebhookResult>();
            var failed = false;
            IReadOnlyList<MetricResult> results = [];
            if (status.StepIndex == 0)
            {
                // No traffic reaches the canary yet: as Flagger, run the pre-rollout hooks instead of the metrics.
                if (Hooks(HookMoment.BeforeFirstStep) is not { } pre)
                {
                    return Ask(HookMoment.BeforeFirstStep, context);
                }

                hookResults.AddRange(pre.Results);
                failed |= pre.Outcome == HookOutcome.CountFailure;
            }
            else
            {
                if (Hooks(HookMoment.Analysis) is not { } analysisHooks)
                {
                    return Ask(HookMoment.Analysis, context);
                }

                hookResults.AddRange(analysisHooks.Results);
                failed |= analysisHooks.Outcome == HookOutcome.CountFailure;
                if (_spec.Analysis.Metrics.Count > 0)
                {
                    if (_seen.Metrics is null)
                    {
                        return new Decision.Observe(new Need.Metrics(new AnalysisContext(
                            _spec,
                            _state.Loaded.Templates,
                            VersionName.Workload(_spec.TargetRef.Name, canary.Name),
                            VersionName.Workload(_spec.TargetRef.Name, status.Stable.Name),
                            syncedAt,
                            status.JudgeSince)));
                    }

                    results = _seen.Metrics;
                    _memory = _memory with { LastAnalysis = results };
                }
            }

            failed |= !new AnalysisRound(results).Passed;
            var failedChecks = _memory.FailedChecksOn(status) + (failed ? 1 : 0);
            _report = new AnalysisReport(results, hookResults, failedChecks, _spec.Analysis.Threshold);

            // The sequential judge: a canary found worse than the stable version is rolled back at once (its alpha
            // already bounds the chance of doing that to a healthy one over the whole rollout).
            if (JudgeText(results, JudgeOutcome.Fail) is { } worse)
            {
                return Rollback(_spec, status, _now, $"the sequential judge found {canary.Name} worse than {status.Stable.Name}: {worse}",
                    DecisionText.Body(results, hookResults, _spec));
            }

            var nextCheck = NextTick(checkAt, _spec.Analysis.Interval, _now);
            if (failed)
            {
                _memory = _memory.RecordFailure(failedChecks, nextCheck)
                    .RecordFailedCheck(canary.Name, new FailedCheck(_now, DecisionText.Position(status), DecisionText.FailureLines(results, hookResults)));
                if (failedChecks >= _spec.Analysis.Threshold)
                {
                    return Rollback(_spec, status with { FailedChecks = failedChecks }, _now,
                        string.Create(CultureInfo.InvariantCulture, $"analysis failed {failedChecks} times (threshold {_spec.Analysis.Threshold}): {DecisionText.FailureSummary(results, hookResults)}"),
                        DecisionText.Body(results, hookResults, _spec) + FailedChecksSection(canary, failedChecks));
                }

                if (_input.Once)
                {
                    // One round per --once run: the count goes to Git, where the next run reads it.
                    return new Decision.Commit(RolloutTransitions.Check(_spec, status, failedChecks, _now,
                        DecisionText.FailureSummary(results, hookResults), DecisionText.Body(results, hookResults, _spec)));
                }

                return new Decision.Wait(string.Create(CultureInfo.InvariantCulture, $"failed check {failedChecks}/{_spec.Analysis.Threshold}: {DecisionText.FailureSummary(results, hookResults)}; checking again"), nextCheck);
            }

            // Inconclusive is not a failed check: the step waits for more traffic, up to maxDuration, then onInconclusive decides.
            if (JudgeText(results, JudgeOutcome.Inconclusive) is { } unsure)
            {
                var judge = _spec.Analysis.Judge;
                var waited = _now - syncedAt;
                if (waited < judge.MaxDuration)
                {
                    _memory = _memory.ScheduleNext(nextCheck);
                    return _input.Once
                        ? new Decision.Finish(RunOutcome.InProgress, $"the sequential judge is inconclusive ({unsure}); run again to check again")
                        : new Decision.Wait($"the sequential judge is inconclusive ({unsure}); checking again", nextCheck);
                }

                var after = $"the sequential judge was still inconclusive after maxDuration {GoDuration.Format(judge.MaxDuration)} ({unsure})";
                if (judge.OnInconclusive == InconclusiveAction.Rollback)
                {
                    return Rollback(_spec, status, _now, after + "; onInconclusive: rollback", DecisionText.Body(results, hookResults, _spec));
                }

                if (judge.OnInconclusive == InconclusiveAction.Hold)
                {
                    return new Decision.Finish(RunOutcome.InProgress, after + $"; onInconclusive: hold keeps {canary.Name} at this step: run again to check again, or promote or roll back by hand");
                }
            }

            var carried = status with
            {
                FailedChecks = failedChecks,

                // The judge's evidence runs from the first weighted step on (recorded in the status file).
                JudgeSince = _spec.Analysis.Judge.IsSequential && status.StepIndex >= 1 ? status.JudgeSince ?? syncedAt : status.JudgeSince,
            };
            var why = DecisionText.Body(results, hookResults, _spec) + FailedChecksSection(canary, failedChecks);
            if (status.StepIndex < status.StepCount)
            {
                if (_spec.Analysis.Strategy == Strategy.Canary)
                {
                    if (Hooks(HookMoment.BeforeTrafficIncrease) is not { } gate)
                    {
                        return Ask(HookMoment.BeforeTrafficIncrease, context);
                    }

                    if (gate.Outcome == HookOutcome.Wait)
                    {
                        return GateWait(status, commit.Sha, gate, "confirm-traffic-increase", nextCheck);
                    }
                }

                return new Decision.Commit(RolloutTransitions.Step(_spec, carried, _now, why, ReplicasOf(_state)));
            }

            if (Hooks(HookMoment.BeforePromotion) is not { } promotionGate)
            {
                return Ask(HookMoment.BeforePromotion, context);
            }

            if (promotionGate.Outcome == HookOutcome.Wait)
            {
                return GateWait(status, commit.Sha, promotionGate, "confirm-promotion", nextCheck);
            }

            return new Decision.Commit(RolloutTransitions.Promote(_spec, carried, _now, why));
        }

        /// <summary>
        /// A closed gate holds the rollout without counting a failure. As in Flagger, the whole round (rollback hooks,
        /// rollout hooks, metrics, then the gate) runs again at the next interval, not sooner.
        /// </summary>
        private Decision GateWait(RolloutStatus status, string sha, HookDecision gate, string kind, DateTimeOffset nextCheck)
        {
            var (gated, since) = _memory.GateClosed(sha, kind, _now);
            _memory = gated;
            if (_now - since >= TimeSpan.FromSeconds(_spec.ProgressDeadlineSeconds))
            {
                return Rollback(_spec, status, _now, $"progress deadline exceeded: the {kind} gate {gate.Cause?.Name} stayed closed for {_spec.ProgressDeadlineSeconds}s", DecisionText.HookLines(gate.Results));
            }

            _memory = _memory.ScheduleNext(nextCheck);
            return _input.Once
                ? new Decision.Finish(RunOutcome.InProgress, $"{kind} gate {gate.Cause?.Name} is closed ({gate.Cause?.Detail}); run again to ask again") { ClosedGate = gate.Cause }
                : new Decision.Wait($"{kind} gate {gate.Cause?.Name} is closed ({gate.Cause?.Detail}); asking again", nextCheck) { ClosedGate = gate.Cause };
        }

        /// <summary>The hooks of a moment as observed; none configured needs no asking. Null: not observed yet.</summary>
        private HookDecision? Hooks(HookMoment moment)
        {
            if (WebhookPolicy.HooksAt(_spec.Analysis, moment).Count == 0)
            {
                return HookDecision.None;
            }

            return _seen.Hooks.TryGetValue(moment, out var decision) ? decision : null;
        }

        private static Decision.Observe Ask(HookMoment moment, HookContext context) => new(new Need.Hooks(moment, context));

        /// <summary>The judged metrics with this outcome, with their ratio and interval; null when there are none.</summary>
        private static string? JudgeText(IReadOnlyList<MetricResult> results, JudgeOutcome outcome)
        {
            var found = results.Where(r => r.Judged?.Verdict.Outcome == outcome).ToList();
            return found.Count == 0 ? null : string.Join("; ", found.Select(r =>
                $"{r.Name} ratio {JudgeVerdict.FormatNumber(r.Judged!.Verdict.Ratio)} {r.Judged.Verdict.Interval}"));
        }

        private string FailedChecksSection(VersionRef canary, int failedChecks) =>
            DecisionText.FailedChecksSection(_memory.FailedChecksOf(canary.Name), failedChecks, _spec.Analysis.Threshold);
    }
}
