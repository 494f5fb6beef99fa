using Graystep.Core.Alerts;
using Graystep.Core.Errors;
using Graystep.Core.Rollouts;
using Graystep.Engine.Alerts;
using Graystep.Engine.Publishing;

namespace Graystep.Engine.Rollouts;

/// <summary>How a manual command ended: the commit it made, the pull request it waits on, or nothing to do.</summary>
public abstract record ManualResult
{
    public sealed record Committed(string Sha, Transition Transition) : ManualResult;

    /// <summary>The transition's pull request waits (for a reviewer, or to become mergeable): run the command again.</summary>
    public sealed record Waiting(string Reason) : ManualResult;

    public sealed record NothingToDo(string Reason) : ManualResult;
}

/// <summary>
/// <c>promote</c>, <c>rollback</c>, <c>pause</c>, <c>resume</c>: one transition, decided by <see cref="ManualDecider"/>
/// on fresh state and published like any other (through a pull request when the spec asks for them). A lost race is
/// decided again on the new state, a few times at most.
/// </summary>
/// <param name="publisherFor">How transitions reach the branch, made once a transition is decided (a spec that asks
/// for pull requests on a host without them fails only then, after the decision's own checks).</param>
/// <param name="alerts">Where a promotion's or rollback's alert goes (<c>analysis.alerts</c>); none when null.</param>
public sealed class ManualRunner(RolloutStore store, Func<RolloutState, ITransitionPublisher> publisherFor, TimeProvider time, IRolloutObserver? observer = null, IRolloutAlerts? alerts = null)
{
    public const int MaxRaces = 5;

    private readonly IRolloutObserver _observer = observer ?? SilentObserver.Instance;
    private ITransitionPublisher? _publisher;

    /// <param name="fresh">True when the workspace was just opened (opening fetches), so the first read need not fetch.</param>
    /// <param name="weight">The weight <see cref="ManualAction.SetWeight"/> sets.</param>
    public async Task<ManualResult> RunAsync(ManualAction action, string? reason, bool fresh, CancellationToken cancellationToken, int? weight = null)
    {
        for (var attempt = 0; attempt < MaxRaces; attempt++)
        {
            var state = await store.ReadAsync(fresh && attempt == 0, cancellationToken).ConfigureAwait(false);
            var decision = ManualDecider.Decide(action, state, reason, time.GetUtcNow(), weight);
            if (decision.Transition is not { } transition)
            {
                return new ManualResult.NothingToDo(decision.NothingToDo ?? "nothing to do");
            }

            _publisher ??= publisherFor(state);
            switch (await _publisher.PublishAsync(state, transition, cancellationToken).ConfigureAwait(false))
            {
                case PublishResult.Published published:
                    await AlertAsync(state, transition, cancellationToken).ConfigureAwait(false);
                    return new ManualResult.Committed(published.Sha, transition);

                case PublishResult.Waiting waiting:
                    return new ManualResult.Waiting(waiting.Reason);

                case PublishResult.Stopped stopped:
                    throw new GraystepException(stopped.Reason, ExitCodes.Failure, stopped.Hint);
            }

            _observer.Info(PublishResult.BranchMovedNote);
        }

        var name = ManualDecider.Name(action);
        throw new GraystepException($"{name}: lost the push race {MaxRaces} times in a row", ExitCodes.Failure, "another run keeps changing the branch; try again");
    }

    /// <summary>A promotion or rollback made by hand alerts as one the run made; a failed send is only logged.</summary>
    private async Task AlertAsync(RolloutState state, Transition transition, CancellationToken cancellationToken)
    {
        if (alerts is null || AlertEvents.ForCommit(state.Spec, transition) is not { Kind: AlertKind.Promoted or AlertKind.RolledBack } alert)
        {
            return;
        }

        foreach (var failure in await alerts.SendAsync(state.Spec, alert, cancellationToken).ConfigureAwait(false))
        {
            _observer.Info(failure);
        }
    }
}
