using Graystep.Core.Alerts;
using Graystep.Core.Errors;
using Graystep.Core.Gates;
using Graystep.Core.History;
using Graystep.Core.Rollouts;
using Graystep.Engine.Alerts;
using Graystep.Engine.Publishing;

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

    /// <summary>Start the version again when it was rolled back, as its next attempt.</summary>
    public bool Retry { get; init; }

    public StartRequest? Start => StartVersion is null ? null : new StartRequest(StartVersion, Images, Supersede, Retry);
}

public sealed record RunResult(RunOutcome Outcome, string Reason, RolloutStatus? Status, IReadOnlyList<Core.Analysis.MetricResult> LastAnalysis)
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
/// The pipeline step's I/O loop: read the state from the branch tip, let <see cref="RolloutDecider"/> decide
/// (observing what it asks through <see cref="Sensors"/>), publish a transition as one commit, sleep through a
/// wait. Every loop re-reads the branch tip, so a lost push race, a killed process or a second runner only ever
/// leads to a new decision on fresh state, never to a stale commit. The policy is all in the decider.
/// </summary>
public sealed class RolloutRunner
{
    private readonly RolloutStore _store;
    private readonly TimeProvider _time;
    private readonly Sensors _sensors;
    private readonly IRolloutObserver _observer;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private ITransitionPublisher? _direct;

    public RolloutRunner(
        RolloutStore store,
        TimeProvider time,
        Sensors sensors,
        IRolloutObserver? observer = null,
        Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        _store = store;
        _time = time;
        _sensors = sensors;
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

    /// <summary>Where the rollout's alert events go (<c>analysis.alerts</c>); none when not set.</summary>
    public IRolloutAlerts Alerts { get; init; } = NoAlerts.Instance;

    private ITransitionPublisher Publish => Publisher ?? (_direct ??= new DirectPublisher(_store));

    public async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _time.GetUtcNow();
        var deadline = request.Timeout is { } timeout ? started + timeout : (DateTimeOffset?)null;
        var memory = RunMemory.Empty;
        var fresh = FreshOnStart;

        // A wait is alerted when it begins, not at every look: the gate or pull request alerted last in this run.
        string? alertedWait = null;

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var state = await _store.ReadAsync(fresh, cancellationToken).ConfigureAwait(false);
            fresh = false;
            var decided = await _sensors.DecideAsync(
                new DecisionInput { State = state, Now = _time.GetUtcNow(), Memory = memory, Start = request.Start, Once = request.Once },
                _ => Task.FromResult(_store.ReadOutput(state.Loaded)),
                cancellationToken).ConfigureAwait(false);
            memory = decided.Memory;
            if (decided.Report is { } report)
            {
                _observer.Analysis(report.Results, report.Hooks, report.FailedChecks, report.Threshold);
            }

            var step = decided.Decision;
            var sha = string.Empty;
            if (step is Decision.Commit publishing)
            {
                switch (await Publish.PublishAsync(state, publishing.Transition, cancellationToken).ConfigureAwait(false))
                {
                    case PublishResult.Published landed:
                        sha = landed.Sha;
                        memory = memory.Push(sha, _time.GetUtcNow());

                        // Pushed straight to the branch, the workspace is the remote tip: the next read needs no
                        // fetch. Should someone push in between, the next push loses the race and the read after it
                        // fetches, so no decision lands on stale state. A pull request merges elsewhere: fetch then.
                        fresh = Publish is DirectPublisher;
                        break;

                    case PublishResult.BranchMoved:
                        _observer.Info(PublishResult.BranchMovedNote);
                        memory = memory.LostRace();
                        continue;

                    case PublishResult.Stopped stopped:
                        return new RunResult(RunOutcome.Stopped, stopped.Reason, state.Status, memory.LastAnalysis) { Hint = stopped.Hint };

                    case PublishResult.Waiting waiting:
                        var statusSha = state.StatusCommit?.Sha;
                        if (RolloutDecider.PullRequestOverdue(state, publishing.Transition, waiting.Reason, waiting.Since, waiting.ForApproval, _time.GetUtcNow()) is { } overdue)
                        {
                            memory = memory.Force(statusSha, overdue.Reason, overdue.Details);
                            continue;
                        }

                        memory = memory.Hold(statusSha, publishing, _time.GetUtcNow() + state.Spec.Analysis.Interval);
                        if (waiting.ForApproval && alertedWait != "review " + publishing.Transition.Message.Subject)
                        {
                            alertedWait = "review " + publishing.Transition.Message.Subject;
                            await AlertAsync(state.Spec, AlertEvents.ForReview(state.Spec, publishing.Transition, waiting.Reason), cancellationToken).ConfigureAwait(false);
                        }

                        if (request.Once && waiting.ForApproval)
                        {
                            return new RunResult(RunOutcome.WaitingApproval, $"{waiting.Reason}; run again once it is approved", state.Status, memory.LastAnalysis);
                        }

                        step = new Decision.Wait(waiting.Reason, null, waiting.ForApproval, OnPullRequest: true);
                        break;

                    case var other:
                        throw new InvalidOperationException($"unknown publish result {other}");
                }
            }

            if (step.ClosedGate is { } gate && alertedWait != "gate " + gate.Name)
            {
                alertedWait = "gate " + gate.Name;
                await AlertAsync(state.Spec, AlertEvents.ForClosedGate(state.Spec, gate, state.Status?.Phase ?? RolloutPhase.Initialized), cancellationToken).ConfigureAwait(false);
            }

            switch (step)
            {
                case Decision.Finish finish:
                    return new RunResult(finish.Outcome, finish.Reason, state.Status, memory.LastAnalysis);

                case Decision.Commit commit:
                {
                    _observer.Committed(commit.Transition, sha);
                    alertedWait = null;
                    await AfterCommitAsync(state, commit.Transition, cancellationToken).ConfigureAwait(false);
                    if (commit.Transition.Action is RolloutAction.Promote or RolloutAction.Rollback or RolloutAction.Retire)
                    {
                        // --supersede: the old version is rolled back so that this run can start the new one. With
                        // scaleDownDelay the run stays for the retire commit (--once leaves it to the next run).
                        if (commit.Preparatory || (commit.Transition.Status.Retiring is not null && !request.Once))
                        {
                            continue;
                        }

                        var promoted = commit.Transition.Status.Phase == RolloutPhase.Succeeded;
                        return new RunResult(promoted ? RunOutcome.Promoted : RunOutcome.RolledBack, commit.Transition.Status.Reason, commit.Transition.Status, memory.LastAnalysis);
                    }

                    if (request.Once && !commit.Preparatory)
                    {
                        return new RunResult(
                            RunOutcome.InProgress,
                            commit.Transition.Action == RolloutAction.Check
                                ? $"{commit.Transition.Status.Reason}; run again to check again"
                                : $"advanced one step ({commit.Transition.Message.Subject}); run again to continue",
                            commit.Transition.Status,
                            memory.LastAnalysis);
                    }

                    continue;
                }

                case Decision.Wait wait:
                {
                    if (await WaitAsync(wait, deadline, cancellationToken).ConfigureAwait(false) is { } timedOut)
                    {
                        return new RunResult(wait.ForApproval ? RunOutcome.WaitingApproval : RunOutcome.InProgress, timedOut, state.Status, memory.LastAnalysis);
                    }

                    continue;
                }
            }
        }
    }

    /// <summary>Event hooks for every commit; post-rollout hooks once a rollout is over (promoted or rolled back).</summary>
    private async Task AfterCommitAsync(RolloutState state, Transition transition, CancellationToken ct)
    {
        var spec = state.Spec;
        if (spec.Analysis.Webhooks.Any(h => h.Type == Core.Spec.WebhookType.Event))
        {
            var context = HookContext.For(transition.Status) with
            {
                EventMessage = transition.Message.Subject,
                EventType = transition.Action == RolloutAction.Rollback ? "Warning" : "Normal",
            };
            await _sensors.Hooks.RunAsync(spec, HookMoment.Event, context, ct).ConfigureAwait(false);
        }

        if (transition.Action is RolloutAction.Promote or RolloutAction.Rollback)
        {
            await _sensors.Hooks.RunAsync(spec, HookMoment.AfterFinish, HookContext.For(transition.Status), ct).ConfigureAwait(false);
        }

        await AlertAsync(spec, AlertEvents.ForCommit(spec, transition), ct).ConfigureAwait(false);
    }

    /// <summary>Sends an alert event; a failed send is only logged, whatever it was.</summary>
    private async Task AlertAsync(Core.Spec.RolloutSpec spec, AlertEvent? alert, CancellationToken ct)
    {
        if (alert is null || spec.Analysis.Alerts.Count == 0)
        {
            return;
        }

        foreach (var failure in await Alerts.SendAsync(spec, alert, ct).ConfigureAwait(false))
        {
            _observer.Info(failure);
        }
    }

    /// <summary>Sleeps through a wait, polling gates that give no time; returns why it stopped when the timeout is reached.</summary>
    private async Task<string?> WaitAsync(Decision.Wait wait, DateTimeOffset? deadline, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (deadline is { } d && now >= d)
        {
            return $"timeout reached while {wait.Reason}; run again to continue";
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
            await _delay(span, ct).ConfigureAwait(false);
        }

        return null;
    }
}
