using Graystep.Core.Errors;
using Graystep.Core.Rollouts;
using Graystep.Engine.Publishing;
using Graystep.Engine.Rollouts;

namespace Graystep.Cli.Commands;

/// <summary>
/// <c>promote</c>, <c>rollback</c>, <c>pause</c>, <c>resume</c>: one commit each, decided on fresh state. With
/// <c>git.pullRequests: true</c> the commit goes through a pull request like any other transition: merged at once,
/// except a promotion when <c>approvals.promotion</c> asks for a reviewer (the command then exits 5; run it again
/// once the pull request is approved).
/// </summary>
internal sealed class ManualCommand(CliContext context, GlobalOptions globals) : CommandBase(context, globals)
{
    private const int MaxRaces = 5;

    public async Task<int> ExecuteAsync(string action, string path, string? reason, CancellationToken ct)
    {
        var (workspace, specPath) = await OpenWorkspaceAsync(path, ct).ConfigureAwait(false);
        await using (workspace.ConfigureAwait(false))
        {
            var store = new RolloutStore(workspace, Context.Files, specPath);
            var host = ResolveGitHost(workspace);
            using var disposeHost = host as IDisposable;
            var observer = new TextObserver(Context.Error, Context.Time);
            ITransitionPublisher? publisher = null;
            for (var attempt = 0; attempt < MaxRaces; attempt++)
            {
                if (attempt > 0)
                {
                    // Opening the workspace fetched already; after a lost race, fetch again.
                    await workspace.RefreshAsync(ct).ConfigureAwait(false);
                }

                var state = await store.LoadAsync(ct).ConfigureAwait(false);
                var transition = Decide(action, state, reason);
                if (transition is null)
                {
                    return ExitCodes.Success;
                }

                publisher ??= CreatePublisher(state, store, workspace, host, observer) ?? new DirectPublisher(store);
                switch (await publisher.PublishAsync(state, transition, ct).ConfigureAwait(false))
                {
                    case PublishResult.Published published:
                        Context.Out.WriteLine($"committed {published.Sha[..7]} {transition.Message.Subject}");
                        return ExitCodes.Success;

                    case PublishResult.Waiting waiting:
                        Context.Out.WriteLine($"{waiting.Reason}; run 'graystep {action}' again once it can be merged");
                        return ExitCodes.InProgress;

                    case PublishResult.Stopped stopped:
                        throw new GraystepException(stopped.Reason, ExitCodes.Failure, stopped.Hint);
                }

                Context.Error.WriteLine("the branch moved while we decided; fetching and deciding again");
            }

            throw new GraystepException($"{action}: lost the push race {MaxRaces} times in a row", ExitCodes.Failure, "another run keeps changing the branch; try again");
        }
    }

    private Transition? Decide(string action, RolloutState state, string? reason)
    {
        var spec = state.Spec;
        var status = state.Status ?? throw new GraystepException($"{spec.Id}: no rollout yet, nothing to {action}", ExitCodes.Failure, "start one with graystep run --version V");
        var now = Context.Time.GetUtcNow();
        var who = $"graystep {action} by hand";
        if (!RolloutTransitions.IsActive(status))
        {
            if (action == "resume" || action == "pause")
            {
                throw new GraystepException($"{spec.Id}: nothing in progress ({status.Phase}: {status.Reason}); nothing to {action}", ExitCodes.Failure);
            }

            throw new GraystepException($"{spec.Id}: nothing in progress to {action} ({status.Phase}: {status.Reason})", ExitCodes.Failure,
                "graystep status shows the state; start a rollout with graystep run --version V");
        }

        switch (action)
        {
            case "promote":
                return RolloutTransitions.Promote(spec, status, now, $"Reason: {reason ?? who}\n\nPromoted by hand at step {status.StepIndex}/{status.StepCount}; the remaining steps were skipped.");
            case "rollback":
                return RolloutTransitions.Rollback(spec, status, now, reason ?? who, $"Rolled back by hand at step {status.StepIndex}/{status.StepCount}.");
            case "pause" when status.Paused:
                Context.Out.WriteLine($"{spec.Id}: already paused ({status.Reason}); nothing to do");
                return null;
            case "pause":
                return RolloutTransitions.Pause(spec, status, now, reason ?? who);
            case "resume" when !status.Paused:
                Context.Out.WriteLine($"{spec.Id}: not paused; nothing to do");
                return null;
            default:
                return RolloutTransitions.Resume(spec, status, now, reason ?? who);
        }
    }
}
