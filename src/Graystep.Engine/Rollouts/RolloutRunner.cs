using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Graystep.Core.Analysis;
using Graystep.Core.Errors;
using Graystep.Core.Gates;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using Graystep.Engine.Publishing;
using Graystep.Gates.Webhooks;

namespace Graystep.Engine.Rollouts;

/// <summary>What <c>graystep run</c> was asked to do.</summary>
public sealed record RunRequest
{
    /// <summary>Start this version (if it is not already the one in progress).</summary>
    public string? StartVersion { get; init; }

    /// <summary>Container → image overrides for the new version; other containers keep the template's image.</summary>
    public IReadOnlyDictionary<string, string> Images { get; init; } = new Dictionary<string, string>();

    /// <summary>Stop after the first commit this run makes.</summary>
    public bool Once { get; init; }

    public TimeSpan? Timeout { get; init; }

    /// <summary>Roll back a different version in progress and start this one.</summary>
    public bool Supersede { get; init; }
}

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

public sealed record RunResult(RunOutcome Outcome, string Reason, RolloutStatus? Status, IReadOnlyList<MetricResult> LastAnalysis)
{
    public int ExitCode => Outcome switch
    {
        RunOutcome.Promoted or RunOutcome.Done => ExitCodes.Success,
        RunOutcome.RolledBack => ExitCodes.RolledBack,
        RunOutcome.Stopped => ExitCodes.Failure,
        _ => ExitCodes.InProgress,
    };

    /// <summary>What the user can do next, when the outcome needs them (a stopped rollout).</summary>
    public string? Hint { get; init; }
}

/// <summary>
/// The pipeline step: drives one rollout from the state in Git to its end, one commit per change. Every loop
/// re-reads the branch tip, so a lost push race, a killed process or a second runner only ever leads to a new
/// decision on fresh state, never to a stale commit.
/// </summary>
public sealed class RolloutRunner
{
    private readonly RolloutStore _store;
    private readonly TimeProvider _time;
    private readonly IAnalysisRunner _analysis;
    private readonly WebhookRunner _hooks;
    private readonly ISyncGate _sync;
    private readonly IRolloutObserver _observer;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private ITransitionPublisher? _direct;

    public RolloutRunner(
        RolloutStore store,
        TimeProvider time,
        IAnalysisRunner analysis,
        IWebhookCaller webhooks,
        ISyncGate sync,
        IRolloutObserver? observer = null,
        Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        _store = store;
        _time = time;
        _analysis = analysis;
        _hooks = new WebhookRunner(webhooks);
        _sync = sync;
        _observer = observer ?? SilentObserver.Instance;
        _delay = delay ?? ((span, ct) => Task.Delay(span, time, ct));
    }

    /// <summary>How long to sleep at most between two looks at a gate that gives no time (Argo CD, Flux, webhooks).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>True when the workspace was just opened (opening fetches), so the first loop need not fetch again.</summary>
    public bool FreshOnStart { get; init; }

    /// <summary>How each decided transition reaches the branch; straight commits when not set.</summary>
    public ITransitionPublisher? Publisher { get; init; }

    /// <summary>
    /// How long to sleep between two looks at a pull request that waits (for a reviewer, or to become mergeable).
    /// Longer than <see cref="PollInterval"/>: every look costs API calls, and a GitHub Actions token gets 1,000 an hour.
    /// </summary>
    public TimeSpan PullRequestPollInterval { get; init; } = TimeSpan.FromSeconds(30);

    private ITransitionPublisher Publish => Publisher ?? (_direct ??= new DirectPublisher(_store));

    public async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        var deadline = request.Timeout is { } timeout ? started + timeout : (DateTimeOffset?)null;
        var session = new Session();
        var fresh = FreshOnStart;

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!fresh)
            {
                await _store.Workspace.RefreshAsync(cancellationToken).ConfigureAwait(false);
            }

            fresh = false;
            var state = await _store.LoadAsync(cancellationToken).ConfigureAwait(false);
            session.Track(state);

            // A transition whose pull request waits is looked at again without deciding it anew, until the next
            // analysis is due (the metrics keep being checked while a person is asked, as Flagger's gates do).
            var step = session.Forced(state, _time.GetUtcNow())
                ?? session.Pending(state, _time.GetUtcNow())
                ?? await DecideAsync(state, request, session, cancellationToken).ConfigureAwait(false);
            var sha = string.Empty;
            if (step is Decision.Commit publishing)
            {
                var published = await Publish.PublishAsync(state, publishing.Transition, cancellationToken).ConfigureAwait(false);
                switch (published)
                {
                    case PublishResult.Published landed:
                        sha = landed.Sha;
                        session.Pushed(sha, _time.GetUtcNow());
                        break;

                    case PublishResult.BranchMoved:
                        _observer.Info("the branch moved while we decided; fetching and deciding again");
                        session.LostRace();
                        continue;

                    case PublishResult.Stopped stopped:
                        return new RunResult(RunOutcome.Stopped, stopped.Reason, state.Status, session.LastAnalysis) { Hint = stopped.Hint };

                    case PublishResult.Waiting waiting:
                        if (PublishDeadlinePassed(state, publishing.Transition, waiting) is { } overdue)
                        {
                            session.Force(state, overdue);
                            continue;
                        }

                        session.Wait(state, publishing, _time.GetUtcNow() + state.Spec.Analysis.Interval);
                        if (request.Once && waiting.ForApproval)
                        {
                            return new RunResult(RunOutcome.WaitingApproval, $"{waiting.Reason}; run again once it is approved", state.Status, session.LastAnalysis);
                        }

                        step = new Decision.Wait(waiting.Reason, null, waiting.ForApproval, OnPullRequest: true);
                        break;

                    default:
                        throw new InvalidOperationException($"unknown publish result {published}");
                }
            }

            switch (step)
            {
                case Decision.Finish finish:
                    return new RunResult(finish.Outcome, finish.Reason, state.Status, session.LastAnalysis);

                case Decision.Commit commit:
                {
                    _observer.Committed(commit.Transition, sha);
                    await FireEventAsync(state.Spec, commit.Transition, cancellationToken).ConfigureAwait(false);
                    if (commit.Transition.Action is Core.History.RolloutAction.Promote or Core.History.RolloutAction.Rollback)
                    {
                        await _hooks.RunAsync(state.Spec, HookMoment.AfterFinish, Context(state.Spec, commit.Transition.Status), cancellationToken).ConfigureAwait(false);
                        if (commit.Preparatory)
                        {
                            // --supersede: the old version is rolled back so that this run can start the new one.
                            continue;
                        }

                        var promoted = commit.Transition.Action == Core.History.RolloutAction.Promote;
                        return new RunResult(
                            promoted ? RunOutcome.Promoted : RunOutcome.RolledBack,
                            commit.Transition.Status.Reason,
                            commit.Transition.Status,
                            session.LastAnalysis);
                    }

                    if (request.Once && !commit.Preparatory)
                    {
                        return new RunResult(RunOutcome.InProgress, $"advanced one step ({commit.Transition.Message.Subject}); run again to continue", commit.Transition.Status, session.LastAnalysis);
                    }

                    continue;
                }

                case Decision.Wait wait:
                {
                    var now = _time.GetUtcNow();
                    if (deadline is { } d && now >= d)
                    {
                        return new RunResult(wait.ForApproval ? RunOutcome.WaitingApproval : RunOutcome.InProgress, $"timeout reached while {wait.Reason}; run again to continue", state.Status, session.LastAnalysis);
                    }

                    _observer.Waiting(wait.Reason, wait.Until);
                    var poll = wait.OnPullRequest ? PullRequestPollInterval : PollInterval;
                    var until = wait.Until ?? now + poll;
                    if (deadline is { } limit && until > limit)
                    {
                        until = limit;
                    }

                    var span = until - now;
                    if (span > poll && wait.Until is null)
                    {
                        span = poll;
                    }

                    if (span > TimeSpan.Zero)
                    {
                        await _delay(span, cancellationToken).ConfigureAwait(false);
                    }

                    continue;
                }
            }
        }
    }

    private async Task<Decision> DecideAsync(RolloutState state, RunRequest request, Session session, CancellationToken ct)
    {
        var spec = state.Spec;
        var now = _time.GetUtcNow();
        var status = state.Status;

        if (status is null)
        {
            var target = state.Loaded.Manifests.First(m => m.Kind == spec.TargetRef.Kind && m.Name == spec.TargetRef.Name);
            var stable = VersionRef.Of(TargetWorkload.InitialVersion(target), TargetWorkload.Images(target));
            var initWhy = $"First rollout of {spec.Id} in this repository: {stable.Name} (from {target.File}) is rendered at 100% as the stable version, as Flagger initializes a primary.";
            return new Decision.Commit(RolloutTransitions.Initialize(spec, stable, now, initWhy), Preparatory: true);
        }

        if (request.StartVersion is { } wanted)
        {
            var decided = await DecideStartAsync(state, status, wanted, request, session, now, ct).ConfigureAwait(false);
            if (decided is not null)
            {
                return decided;
            }
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
        if (spec.Suspend)
        {
            return new Decision.Finish(RunOutcome.InProgress, "the rollout is suspended (spec.suspend: true); set it to false to continue");
        }

        if (status.Paused)
        {
            return new Decision.Finish(RunOutcome.InProgress, $"{canary.Name} is paused ({status.Reason}); run 'graystep resume' to continue");
        }

        if (spec.SkipAnalysis)
        {
            return new Decision.Commit(RolloutTransitions.Promote(spec, status, now, "skipAnalysis is set: promoted without analysis, as Flagger does."));
        }

        // The step is judged only on traffic after the cluster applied its commit.
        var commit = state.StatusCommit ?? throw new GraystepException($"{state.Loaded.StatusPath} has no commit in the branch history", ExitCodes.Failure);
        // A transition merged through a pull request lands later than it was decided: count from the later of the two.
        var landed = commit.CommittedAt > status.LastTransitionTime ? commit.CommittedAt : status.LastTransitionTime;
        var deadline = landed + TimeSpan.FromSeconds(spec.ProgressDeadlineSeconds);
        // Git keeps whole seconds. A commit this run pushed is known to the instant; any other may have been made up
        // to a second after its recorded date, and the window must never reach back before it.
        var committedAt = session.PushedAt(commit.Sha) ?? commit.CommittedAt + TimeSpan.FromSeconds(1);
        var observed = await _sync.ObserveAsync(spec, commit.Sha, committedAt, ct).ConfigureAwait(false);
        if (observed is SyncObservation.Pending pending)
        {
            return now >= deadline
                ? Rollback(spec, status, now, $"progress deadline exceeded: waiting {spec.ProgressDeadlineSeconds}s for the cluster to apply {Short(commit.Sha)} ({pending.Reason})", string.Empty)
                : new Decision.Wait($"waiting for the cluster to apply {Short(commit.Sha)}: {pending.Reason}", KnownSyncTime(spec, committedAt, deadline));
        }

        var syncedAt = ((SyncObservation.Synced)observed).At;
        var checkAt = session.NextCheck(commit.Sha, syncedAt + spec.Analysis.Interval);
        if (now < checkAt)
        {
            return new Decision.Wait(AnalysisWaitReason(status), checkAt);
        }

        // Rollback hooks come first: a success means "roll back now".
        var hookContext = Context(spec, status);
        var rollbackHooks = await _hooks.RunAsync(spec, HookMoment.RollbackCheck, hookContext, ct).ConfigureAwait(false);
        if (rollbackHooks.Outcome == HookOutcome.RollbackNow)
        {
            return Rollback(spec, status, now, $"rollback webhook {rollbackHooks.Cause!.Name} asked for a rollback", HookLines(rollbackHooks.Results));
        }

        var hookResults = new List<WebhookResult>();
        var failed = false;
        IReadOnlyList<MetricResult> results = [];
        if (status.StepIndex == 0)
        {
            // No traffic reaches the canary yet: as Flagger, run the pre-rollout hooks instead of the metrics.
            var pre = await _hooks.RunAsync(spec, HookMoment.BeforeFirstStep, hookContext, ct).ConfigureAwait(false);
            hookResults.AddRange(pre.Results);
            failed |= pre.Outcome == HookOutcome.CountFailure;
        }
        else
        {
            var analysisHooks = await _hooks.RunAsync(spec, HookMoment.Analysis, hookContext, ct).ConfigureAwait(false);
            hookResults.AddRange(analysisHooks.Results);
            failed |= analysisHooks.Outcome == HookOutcome.CountFailure;
            if (spec.Analysis.Metrics.Count > 0)
            {
                results = await _analysis.RunAsync(
                    new AnalysisContext(spec, state.Loaded.Templates, Workload(spec, canary), Workload(spec, status.Stable), syncedAt),
                    ct).ConfigureAwait(false);
                session.LastAnalysis = results;
            }
        }

        var round = new AnalysisRound(results);
        failed |= !round.Passed;

        var failedChecks = session.FailedChecks(status) + (failed ? 1 : 0);
        _observer.Analysis(results, hookResults, failedChecks, spec.Analysis.Threshold);
        var nextCheck = NextTick(checkAt, spec.Analysis.Interval, now);
        if (failed)
        {
            session.RecordFailure(failedChecks, nextCheck);
            session.RecordFailedCheck(canary.Name, now, Position(status), FailureLines(results, hookResults));
            if (failedChecks >= spec.Analysis.Threshold)
            {
                return Rollback(spec, status with { FailedChecks = failedChecks }, now,
                    string.Create(CultureInfo.InvariantCulture, $"analysis failed {failedChecks} times (threshold {spec.Analysis.Threshold}): {FailureSummary(results, hookResults)}"),
                    Body(results, hookResults, spec) + FailedChecksSection(session, canary.Name, failedChecks, spec.Analysis.Threshold));
            }

            return new Decision.Wait(string.Create(CultureInfo.InvariantCulture, $"failed check {failedChecks}/{spec.Analysis.Threshold}: {FailureSummary(results, hookResults)}; checking again"), nextCheck);
        }

        var carried = status with { FailedChecks = failedChecks };
        var why = Body(results, hookResults, spec) + FailedChecksSection(session, canary.Name, failedChecks, spec.Analysis.Threshold);
        if (status.StepIndex < status.StepCount)
        {
            if (spec.Analysis.Strategy == Strategy.Canary)
            {
                var gate = await _hooks.RunAsync(spec, HookMoment.BeforeTrafficIncrease, hookContext, ct).ConfigureAwait(false);
                if (gate.Outcome == HookOutcome.Wait)
                {
                    return GateWait(spec, status, now, session, commit.Sha, gate, "confirm-traffic-increase", nextCheck);
                }
            }

            return new Decision.Commit(RolloutTransitions.Step(spec, carried, now, why));
        }

        var promotionGate = await _hooks.RunAsync(spec, HookMoment.BeforePromotion, hookContext, ct).ConfigureAwait(false);
        if (promotionGate.Outcome == HookOutcome.Wait)
        {
            return GateWait(spec, status, now, session, commit.Sha, promotionGate, "confirm-promotion", nextCheck);
        }

        return new Decision.Commit(RolloutTransitions.Promote(spec, carried, now, why));
    }

    private async Task<Decision?> DecideStartAsync(RolloutState state, RolloutStatus status, string wanted, RunRequest request, Session session, DateTimeOffset now, CancellationToken ct)
    {
        var spec = state.Spec;
        if (!TargetWorkload.IsDnsLabel(wanted))
        {
            throw new GraystepException($"--version '{wanted}' is not a valid version name", ExitCodes.Usage,
                "use lower-case letters, digits and '-' (a DNS label), e.g. v2 or 1-4-0");
        }

        var target = state.Loaded.Manifests.First(m => m.Kind == spec.TargetRef.Kind && m.Name == spec.TargetRef.Name);
        var templateImages = TargetWorkload.Images(target);
        foreach (var container in request.Images.Keys.Where(c => !templateImages.ContainsKey(c)))
        {
            throw new GraystepException(
                $"--image {container}=...: {target.Kind}/{target.Name} has no container named '{container}'",
                ExitCodes.Usage,
                $"containers in {target.File}: {string.Join(", ", templateImages.Keys)}");
        }

        var images = templateImages.ToDictionary(p => p.Key, p => request.Images.TryGetValue(p.Key, out var image) ? image : p.Value);
        var version = VersionRef.Of(wanted, images);

        if (RolloutTransitions.IsActive(status))
        {
            if (status.Canary!.Name == wanted)
            {
                return null;
            }

            if (!request.Supersede)
            {
                throw new GraystepException(
                    $"{spec.Id}: {status.Canary.Name} is in progress ({status.Reason}); refusing to start {wanted}",
                    ExitCodes.Failure,
                    $"wait for {status.Canary.Name} to finish, or pass --supersede to roll it back and start {wanted}");
            }

            return Rollback(spec, status, now, $"superseded by {wanted}", $"A run asked for {wanted} with --supersede while {status.Canary.Name} was in progress.") with { Preparatory = true };
        }

        if (status.Stable.Name == wanted)
        {
            return status.Phase == RolloutPhase.Succeeded
                ? new Decision.Finish(RunOutcome.Promoted, $"{wanted} is already promoted and stable")
                : new Decision.Finish(RunOutcome.Done, $"{wanted} is already the stable version");
        }

        if (status.Phase == RolloutPhase.Failed && status.Canary?.Name == wanted && status.Canary.Equals(version))
        {
            return new Decision.Finish(RunOutcome.RolledBack,
                $"{wanted} was rolled back at {status.LastTransitionTime:u}: {status.Reason} (start it under a new version name to try again)");
        }

        // As Flagger, confirm-rollout gates the start: closed means wait (asked once per interval), never a failure.
        var gate = await _hooks.RunAsync(spec, HookMoment.BeforeStart, Context(status.Phase, version), ct).ConfigureAwait(false);
        if (gate.Outcome == HookOutcome.Wait)
        {
            var since = session.GateWaitStarted(state.StatusCommit?.Sha ?? string.Empty, "confirm-rollout", now);
            if (now - since >= TimeSpan.FromSeconds(spec.ProgressDeadlineSeconds))
            {
                // Nothing was started, so there is nothing to roll back; the run ends like any other wait for approval.
                return new Decision.Finish(RunOutcome.InProgress,
                    string.Create(CultureInfo.InvariantCulture, $"the confirm-rollout gate {gate.Cause?.Name} stayed closed for {spec.ProgressDeadlineSeconds}s; {wanted} was not started (run again to ask again)"));
            }

            return new Decision.Wait($"confirm-rollout gate {gate.Cause?.Name} is closed ({gate.Cause?.Detail}); asking again", now + spec.Analysis.Interval);
        }

        var why = request.Images.Count == 0
            ? $"Started by a pipeline run with the images from {target.File}."
            : $"Started by a pipeline run with {string.Join(", ", request.Images.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}.";
        var transition = RolloutTransitions.Start(spec, status, version, now, why + $"\nStable: {status.Stable.Name}. Plan: {SpecSummary.Describe(spec)}");
        return new Decision.Commit(transition, Preparatory: false);
    }

    /// <summary>
    /// A closed gate holds the rollout without counting a failure. As in Flagger, the whole round (rollback hooks,
    /// rollout hooks, metrics, then the gate) runs again at the next interval, not sooner.
    /// </summary>
    private static Decision GateWait(RolloutSpec spec, RolloutStatus status, DateTimeOffset now, Session session, string sha, HookDecision gate, string kind, DateTimeOffset nextCheck)
    {
        var since = session.GateWaitStarted(sha, kind, now);
        if (now - since >= TimeSpan.FromSeconds(spec.ProgressDeadlineSeconds))
        {
            return Rollback(spec, status, now, $"progress deadline exceeded: the {kind} gate {gate.Cause?.Name} stayed closed for {spec.ProgressDeadlineSeconds}s", HookLines(gate.Results));
        }

        session.ScheduleNext(nextCheck);
        return new Decision.Wait($"{kind} gate {gate.Cause?.Name} is closed ({gate.Cause?.Detail}); asking again", nextCheck);
    }

    /// <summary>
    /// The progress deadline for a transition whose pull request waits (for approval, or to become mergeable): counted
    /// from when the pull request was opened, so a re-run after a killed job keeps the same clock. Only a live canary
    /// can be rolled back, and a rollback itself never is.
    /// </summary>
    private (string Reason, string Details)? PublishDeadlinePassed(RolloutState state, Transition transition, PublishResult.Waiting waiting)
    {
        var spec = state.Spec;
        if (waiting.Since is not { } since || state.Status is not { } status || !RolloutTransitions.IsActive(status)
            || transition.Action == Core.History.RolloutAction.Rollback)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        if (now - since < TimeSpan.FromSeconds(spec.ProgressDeadlineSeconds))
        {
            return null;
        }

        var what = waiting.ForApproval ? "approved" : "merged";
        return (string.Create(CultureInfo.InvariantCulture, $"progress deadline exceeded after {spec.ProgressDeadlineSeconds}s: {waiting.Reason}"),
            string.Create(CultureInfo.InvariantCulture, $"The pull request for \"{transition.Message.Subject}\" was opened at {since:u} and was not {what} within progressDeadlineSeconds ({spec.ProgressDeadlineSeconds}s)."));
    }

    /// <summary>
    /// A fixed sync delay says when the commit counts as applied: sleep until then instead of fetching every
    /// <see cref="PollInterval"/> (Argo CD and Flux give no such time, so they are polled).
    /// </summary>
    private static DateTimeOffset? KnownSyncTime(RolloutSpec spec, DateTimeOffset committedAt, DateTimeOffset deadline)
    {
        if (spec.Sync.Kind != SyncKind.Delay)
        {
            return null;
        }

        var applied = committedAt + spec.Sync.Delay;
        return applied < deadline ? applied : deadline;
    }

    /// <summary>
    /// The next check after one due at <paramref name="checkAt"/> that started at <paramref name="now"/>: one interval
    /// after it started. A run that resumes long after a step checks at once, then once per interval, never in a burst
    /// that catches up on the intervals nobody checked.
    /// </summary>
    internal static DateTimeOffset NextTick(DateTimeOffset checkAt, TimeSpan interval, DateTimeOffset now) =>
        (now > checkAt ? now : checkAt) + interval;

    private static Decision.Commit Rollback(RolloutSpec spec, RolloutStatus status, DateTimeOffset now, string reason, string details) =>
        new(RolloutTransitions.Rollback(spec, status, now, reason, details));

    private async Task FireEventAsync(RolloutSpec spec, Transition transition, CancellationToken ct)
    {
        if (spec.Analysis.Webhooks.Any(h => h.Type == WebhookType.Event))
        {
            var context = Context(spec, transition.Status) with { EventMessage = transition.Message.Subject, EventType = transition.Action == Core.History.RolloutAction.Rollback ? "Warning" : "Normal" };
            await _hooks.RunAsync(spec, HookMoment.Event, context, ct).ConfigureAwait(false);
        }
    }

    private static HookContext Context(RolloutSpec spec, RolloutStatus status)
    {
        _ = spec;
        return Context(status.Phase, status.Canary ?? status.Stable);
    }

    private static HookContext Context(RolloutPhase phase, VersionRef version)
    {
        var text = version.Name + "\n" + string.Join("\n", version.Images.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
        return new HookContext(phase, checksum);
    }

    public static string Workload(RolloutSpec spec, VersionRef version) => $"{spec.TargetRef.Name}-{version.Name}";

    private static string AnalysisWaitReason(RolloutStatus status) =>
        status.StepIndex < status.StepCount
            ? string.Create(CultureInfo.InvariantCulture, $"analysing {status.Canary!.Name} before step {status.StepIndex + 1}/{status.StepCount}")
            : $"analysing {status.Canary!.Name} before promotion";

    private static string FailureSummary(IReadOnlyList<MetricResult> results, IReadOnlyList<WebhookResult> hooks)
    {
        var parts = results.Where(r => !r.Passed).Select(r => r.Verdict switch
        {
            Verdict.NoData => $"{r.Name} has no data",
            Verdict.Error => $"{r.Name} could not be queried ({r.Detail})",
            _ => $"{r.Name} {AnalysisRound.FormatValue(r.Value)} outside {AnalysisRound.FormatThreshold(r.Threshold)}",
        }).Concat(hooks.Where(h => !h.Succeeded).Select(h => $"webhook {h.Name} failed ({h.Detail})"));
        return string.Join("; ", parts);
    }

    /// <summary>Each failing check of a round with what it measured: value, threshold and window.</summary>
    private static string FailureLines(IReadOnlyList<MetricResult> results, IReadOnlyList<WebhookResult> hooks) =>
        string.Join("; ", results.Where(r => !r.Passed).Select(r => r.Verdict switch
        {
            Verdict.NoData => $"{r.Name} had no data over {MetricWindow.Format(r.Window)}",
            Verdict.Error => $"{r.Name} could not be queried ({r.Detail})",
            _ => $"{r.Name} {AnalysisRound.FormatValue(r.Value)} outside {AnalysisRound.FormatThreshold(r.Threshold)} over {MetricWindow.Format(r.Window)}",
        }).Concat(hooks.Where(h => !h.Succeeded).Select(h => $"webhook {h.Name} failed ({h.Detail})")));

    private static string Position(RolloutStatus status) =>
        status.StepIndex == 0
            ? "before step 1"
            : string.Create(CultureInfo.InvariantCulture, $"at step {status.StepIndex}/{status.StepCount} ({status.Traffic.CanaryWeight}%)");

    /// <summary>
    /// The failed checks behind a count, for the commit that carries it: those this run saw, each with its time and
    /// what failed, and how many earlier runs recorded (only their count is in the status file).
    /// </summary>
    private static string FailedChecksSection(Session session, string canary, int failedChecks, int threshold)
    {
        if (failedChecks == 0)
        {
            return string.Empty;
        }

        var seen = session.FailedChecksOf(canary);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"\n\nFailed checks: {failedChecks} of threshold {threshold}");
        var earlier = failedChecks - seen.Count;
        if (earlier > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n  {earlier} recorded before this run (see the earlier commits)");
        }

        foreach (var check in seen.TakeLast(failedChecks))
        {
            sb.Append("\n  ").Append(check.At.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
                .Append(' ').Append(check.Position).Append(": ").Append(check.What);
        }

        return sb.ToString();
    }

    private static string Body(IReadOnlyList<MetricResult> results, IReadOnlyList<WebhookResult> hooks, RolloutSpec spec)
    {
        var sb = new StringBuilder();
        if (results.Count == 0 && spec.Analysis.Metrics.Count > 0)
        {
            sb.Append("No traffic reached the canary yet, so no metrics were checked (as Flagger, before the first step).");
        }
        else if (results.Count == 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"No metrics configured: advanced after the analysis interval ({Duration(spec.Analysis.Interval)}), as Flagger does.");
        }
        else
        {
            sb.Append("Analysis:\n").Append(new AnalysisRound(results).ToTable().TrimEnd());
        }

        if (hooks.Count > 0)
        {
            sb.Append("\n\nWebhooks:\n").Append(HookLines(hooks));
        }

        return sb.ToString();
    }

    private static string HookLines(IEnumerable<WebhookResult> hooks) =>
        string.Join("\n", hooks.Select(h => $"  {h.Name} ({WebhookPolicy.FlaggerName(h.Type)}): {(h.Succeeded ? "ok" : "failed")}{(h.Detail.Length > 0 ? " - " + h.Detail : string.Empty)}"));

    private static string Duration(TimeSpan span) => MetricWindow.Format(span);

    private static string Short(string sha) => sha.Length > 7 ? sha[..7] : sha;

    private abstract record Decision
    {
        public sealed record Commit(Transition Transition, bool Preparatory = false) : Decision;

        public sealed record Wait(string Reason, DateTimeOffset? Until, bool ForApproval = false, bool OnPullRequest = false) : Decision;

        public sealed record Finish(RunOutcome Outcome, string Reason) : Decision;
    }

    /// <summary>
    /// What this process learned since the last commit: failed checks not yet committed, and when to check next.
    /// It is reset whenever the rollout's status commit changes, so it never carries stale decisions across a race.
    /// </summary>
    private sealed class Session
    {
        private string? _sha;
        private int? _failedChecks;
        private DateTimeOffset? _nextCheck;
        private (string Sha, string Kind, DateTimeOffset Since)? _gate;
        private (string Sha, DateTimeOffset At)? _pushed;
        private readonly List<(DateTimeOffset At, string Position, string What)> _failed = [];
        private string? _failedFor;
        private (string? Sha, Decision.Commit Commit, DateTimeOffset NextDecision)? _pending;
        private (string? Sha, string Reason, string Details)? _forced;

        public IReadOnlyList<MetricResult> LastAnalysis { get; set; } = [];

        public void Track(RolloutState state)
        {
            var sha = state.StatusCommit?.Sha;
            if (sha != _sha)
            {
                _sha = sha;
                _failedChecks = null;
                _nextCheck = null;
                _gate = null;
                _pending = null;
                _forced = null;
            }
        }

        /// <summary>Remembers a transition whose pull request waits, to look at it again until <paramref name="nextDecision"/>.</summary>
        public void Wait(RolloutState state, Decision.Commit commit, DateTimeOffset nextDecision)
        {
            var sha = state.StatusCommit?.Sha;
            if (_pending is { } held && held.Sha == sha && ReferenceEquals(held.Commit, commit))
            {
                return;
            }

            _pending = (sha, commit, nextDecision);
        }

        public Decision? Pending(RolloutState state, DateTimeOffset now) =>
            _pending is { } held && held.Sha == state.StatusCommit?.Sha && now < held.NextDecision ? held.Commit : null;

        /// <summary>A pull request outlived the progress deadline: the next decision on this state is a rollback.</summary>
        public void Force(RolloutState state, (string Reason, string Details) rollback)
        {
            _forced = (state.StatusCommit?.Sha, rollback.Reason, rollback.Details);
            _pending = null;
        }

        public Decision? Forced(RolloutState state, DateTimeOffset now) =>
            _forced is { } forced && forced.Sha == state.StatusCommit?.Sha && state.Status is { } status && RolloutTransitions.IsActive(status)
                ? Rollback(state.Spec, status, now, forced.Reason, forced.Details)
                : null;

        public DateTimeOffset NextCheck(string sha, DateTimeOffset firstCheck) =>
            sha == _sha && _nextCheck is { } next && next > firstCheck ? next : firstCheck;

        public int FailedChecks(RolloutStatus status) => _failedChecks ?? status.FailedChecks;

        public void RecordFailure(int failedChecks, DateTimeOffset nextCheck)
        {
            _failedChecks = failedChecks;
            _nextCheck = nextCheck;
        }

        public void ScheduleNext(DateTimeOffset nextCheck) => _nextCheck = nextCheck;

        /// <summary>Every failed check this run saw for <paramref name="canary"/>, across its steps.</summary>
        public void RecordFailedCheck(string canary, DateTimeOffset at, string position, string what)
        {
            if (_failedFor != canary)
            {
                _failedFor = canary;
                _failed.Clear();
            }

            _failed.Add((at, position, what));
        }

        public IReadOnlyList<(DateTimeOffset At, string Position, string What)> FailedChecksOf(string canary) =>
            _failedFor == canary ? _failed : [];

        /// <summary>The instant this run's push of <paramref name="sha"/> completed: survives <see cref="Track"/>.</summary>
        public void Pushed(string sha, DateTimeOffset at) => _pushed = (sha, at);

        public DateTimeOffset? PushedAt(string sha) => _pushed is { } pushed && pushed.Sha == sha ? pushed.At : null;

        public DateTimeOffset GateWaitStarted(string sha, string kind, DateTimeOffset now)
        {
            if (_gate is { } gate && gate.Sha == sha && gate.Kind == kind)
            {
                return gate.Since;
            }

            _gate = (sha, kind, now);
            return now;
        }

        public void LostRace()
        {
            _sha = null;
        }
    }
}
