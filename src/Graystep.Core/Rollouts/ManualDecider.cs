using System.Globalization;
using Graystep.Core.History;
using Graystep.Core.Errors;

namespace Graystep.Core.Rollouts;

/// <summary>What a person can do to a rollout in progress: <c>graystep promote|rollback|pause|resume</c>.</summary>
public enum ManualAction
{
    Promote,
    Rollback,
    Pause,
    Resume,

    /// <summary><c>graystep set-weight PATH N</c>: the canary at N% by hand, paused there until <c>resume</c>.</summary>
    SetWeight,
}

/// <summary>A manual command's decision: the transition to commit, or why there is nothing to do.</summary>
public sealed record ManualDecision(Transition? Transition, string? NothingToDo);

/// <summary>The decisions of the manual commands, on fresh state, as pure functions (no I/O).</summary>
public static class ManualDecider
{
    public static string Name(ManualAction action) => action == ManualAction.SetWeight ? "set-weight" : action.ToString().ToLowerInvariant();

    /// <param name="weight">The canary weight <see cref="ManualAction.SetWeight"/> sets; ignored by the other actions.</param>
    public static ManualDecision Decide(ManualAction action, RolloutState state, string? reason, DateTimeOffset now, int? weight = null)
    {
        // A person's words on one line: a reason cannot add paragraphs (look-alike trailers) or escape sequences.
        reason = reason is null ? null : UntrustedText.OneLine(reason) is { Length: > 0 } line ? line : null;
        ArgumentNullException.ThrowIfNull(state);
        var spec = state.Spec;
        var name = Name(action);
        var status = state.Status ?? throw new GraystepException($"{spec.Id}: no rollout yet, nothing to {name}", ExitCodes.Failure, "start one with graystep run --version V");
        var who = $"graystep {name} by hand";
        if (action == ManualAction.Rollback && status.Phase == RolloutPhase.Succeeded && status.Standby is not null)
        {
            // keepPrevious: the previous stable version still runs, so switching back is one commit.
            return new ManualDecision(RolloutTransitions.SwitchBack(spec, status, now, reason ?? who), null);
        }

        if (!RolloutTransitions.IsActive(status))
        {
            if (action is ManualAction.Resume or ManualAction.Pause)
            {
                throw new GraystepException($"{spec.Id}: nothing in progress ({status.Phase}: {status.Reason}); nothing to {name}", ExitCodes.Failure);
            }

            throw new GraystepException($"{spec.Id}: nothing in progress to {name} ({status.Phase}: {status.Reason})", ExitCodes.Failure,
                "graystep status shows the state; start a rollout with graystep run --version V");
        }

        return action switch
        {
            ManualAction.Promote => new ManualDecision(
                RolloutTransitions.Promote(spec, status, now, $"Reason: {reason ?? who}\n\nPromoted by hand at step {status.StepIndex}/{status.StepCount}; the remaining steps were skipped."), null),
            ManualAction.Rollback => new ManualDecision(
                RolloutTransitions.Rollback(spec, status, now, reason ?? who, $"Rolled back by hand at step {status.StepIndex}/{status.StepCount}."), null),
            ManualAction.Pause when status.Paused => new ManualDecision(null, $"{spec.Id}: already paused ({status.Reason}); nothing to do"),
            ManualAction.Pause => new ManualDecision(RolloutTransitions.Pause(spec, status, now, reason ?? who), null),
            ManualAction.SetWeight when weight == status.Traffic.CanaryWeight && status.Paused =>
                new ManualDecision(null, string.Create(CultureInfo.InvariantCulture, $"{spec.Id}: {status.Canary!.Name} is already at {weight}% and paused; nothing to do")),
            ManualAction.SetWeight => new ManualDecision(RolloutTransitions.SetWeight(spec, status, weight ?? throw new ArgumentNullException(nameof(weight)), now, reason ?? who, RolloutDecider.ReplicasOf(state)), null),
            ManualAction.Resume when !status.Paused => new ManualDecision(null, $"{spec.Id}: not paused; nothing to do"),
            _ => new ManualDecision(RolloutTransitions.Resume(spec, status, now, reason ?? who), null),
        };
    }
}
