using System.Globalization;
using Graystep.Core.Errors;
using Graystep.Core.Gates;
using Graystep.Core.Spec;

namespace Graystep.Core.Rollouts;

/// <summary>The decisions at rest: starting a version, and retiring the one that lost its traffic.</summary>
public static partial class RolloutDecider
{
    private sealed partial class Round
    {
        /// <summary>
        /// The steps of adopting the user's unversioned Deployment, each once the cluster applied the one before:
        /// route to the versioned copy (and keep the original for scaleDownDelay), then remove the original.
        /// </summary>
        private Decision Adopt(RolloutStatus status, string original)
        {
            var copy = VersionName.Workload(_state.Loaded.Target.Name ?? original, status.Stable.Name);
            if (Applied(status.AdoptingRouted ? $"retiring {original}" : $"moving {status.Stable.Name}'s traffic off {original}", out var commit, out var appliedAt) is { } until)
            {
                // Nothing to roll back: the original keeps serving. A CI job is not held forever by a sync gate that
                // never opens, and the next run carries on.
                return until is Decision.Wait && _now >= commit.CommittedAt + TimeSpan.FromSeconds(_spec.ProgressDeadlineSeconds)
                    ? new Decision.Finish(RunOutcome.InProgress, string.Create(CultureInfo.InvariantCulture,
                        $"the cluster has not applied {DecisionText.Short(commit.Sha)} within progressDeadlineSeconds {_spec.ProgressDeadlineSeconds}s; {original} keeps running beside {copy} and nothing was removed (check the sync gate, then run again)"))
                    : until;
            }

            var delay = _spec.Analysis.ScaleDownDelay;
            if (!status.AdoptingRouted && _spec.Analysis.RetiresLater)
            {
                return new Decision.Commit(RolloutTransitions.RouteAdopted(_spec, status, copy,
                    $"Reason: {copy} runs beside {original}; {status.Stable.Name}'s traffic moves to {copy}.\n\nThe cluster applied {DecisionText.Short(commit.Sha)}. The routing now sends {status.Stable.Name}'s traffic to {copy} only; {original} keeps running without traffic for scaleDownDelay {GoDuration.Format(delay)} after the cluster applies this commit, then a retire commit removes it."),
                    Preparatory: true);
            }

            // Not routed yet means no delay (RetiresLater is false): the original leaves with the routing change.
            if (KeepsRunning(original, appliedAt) is { } keep)
            {
                return keep;
            }

            var why = status.AdoptingRouted
                ? string.Create(CultureInfo.InvariantCulture, $"Reason: {original} had no traffic for scaleDownDelay {GoDuration.Format(delay)}; {copy} runs {status.Stable.Name}.\n\nThe cluster applied {DecisionText.Short(commit.Sha)}, which moved all traffic to {copy}.")
                : $"Reason: {copy} runs beside {original}; {status.Stable.Name}'s traffic moves to {copy} and {original} leaves.\n\nThe cluster applied {DecisionText.Short(commit.Sha)}. Set analysis.scaleDownDelay to keep {original} running until every proxy has the new routes.";
            return new Decision.Commit(RolloutTransitions.Adopted(_spec, status, why), Preparatory: true);
        }

        /// <summary>
        /// Whether the cluster applied the status commit: null when it did (<paramref name="appliedAt"/> says when), else
        /// the decision to make until then (observe the sync gate, or wait for it).
        /// </summary>
        private Decision? Applied(string before, out History.CommitRecord commit, out DateTimeOffset appliedAt)
        {
            commit = _state.StatusCommit ?? throw new GraystepException($"{_state.Loaded.StatusPath} has no commit in the branch history", ExitCodes.Failure);
            appliedAt = default;
            switch (_seen.Sync)
            {
                case null:
                    return new Decision.Observe(new Need.Sync(commit.Sha, CommittedAt(commit, _memory)));
                case SyncObservation.Pending pending:
                    return new Decision.Wait($"waiting for the cluster to apply {DecisionText.Short(commit.Sha)} before {before}: {pending.Reason}", pending.KnownAt);
                case SyncObservation.Synced synced:
                    appliedAt = synced.At;
                    return null;
                default:
                    throw new InvalidOperationException($"unknown sync observation {_seen.Sync}");
            }
        }

        /// <summary>The wait while a workload without traffic runs out scaleDownDelay after the cluster applied its switch; null once it has.</summary>
        private Decision.Wait? KeepsRunning(string workload, DateTimeOffset appliedAt)
        {
            var delay = _spec.Analysis.ScaleDownDelay;
            var due = appliedAt + delay;
            return _now < due
                ? new Decision.Wait(string.Create(CultureInfo.InvariantCulture, $"{workload} keeps running without traffic for scaleDownDelay {GoDuration.Format(delay)}; retiring it at {due:u}"), due)
                : null;
        }

        /// <summary>The retire commit, once the cluster applied the switch and scaleDownDelay has passed since.</summary>
        private Decision Retire(RolloutStatus status, VersionRef retiring)
        {
            if (Applied($"retiring {retiring.Name}", out var commit, out var appliedAt) is { } until)
            {
                return until;
            }

            if (KeepsRunning(retiring.Name, appliedAt) is { } keep)
            {
                return keep;
            }

            var delay = _spec.Analysis.ScaleDownDelay;
            var why = string.Create(CultureInfo.InvariantCulture,
                $"Reason: scaleDownDelay {GoDuration.Format(delay)} passed after the cluster applied {DecisionText.Short(commit.Sha)}, which moved all traffic away from {retiring.Name}.");
            // Preparatory only when the run was asked to start another version: then that start follows.
            var another = _input.Start is { } start && start.Version != status.Stable.Name && start.Version != status.Canary?.Name;
            return new Decision.Commit(RolloutTransitions.Retire(_spec, status, why), Preparatory: another);
        }

        /// <summary>A version to start: null when it is the one in progress (the run then drives it on).</summary>
        private Decision? DecideStart(RolloutStatus status, StartRequest start)
        {
            var wanted = start.Version;
            VersionName.CheckOption("--version", wanted);
            VersionName.CheckDistinct(wanted, status.Stable.Name);
            if (status.Canary is { } current)
            {
                VersionName.CheckDistinct(wanted, current.Name);
            }

            var target = _state.Loaded.Target;
            var templateImages = TargetWorkload.Images(target);
            foreach (var container in start.Images.Keys.Where(c => !templateImages.ContainsKey(c)))
            {
                throw new GraystepException(
                    $"--image {container}=...: {target.Kind}/{target.Name} has no container named '{container}'",
                    ExitCodes.Usage,
                    $"containers in {target.File}: {string.Join(", ", templateImages.Keys)}");
            }

            var images = templateImages.ToDictionary(p => p.Key, p => start.Images.TryGetValue(p.Key, out var image) ? image : p.Value);
            var version = VersionRef.Of(wanted, images);
            if (RolloutTransitions.IsActive(status))
            {
                if (status.Canary!.Name == wanted)
                {
                    return null;
                }

                if (!start.Supersede)
                {
                    throw new GraystepException(
                        $"{_spec.Id}: {status.Canary.Name} is in progress ({status.Reason}); refusing to start {wanted}",
                        ExitCodes.Failure,
                        $"wait for {status.Canary.Name} to finish, or pass --supersede to roll it back and start {wanted}");
                }

                return Rollback(_spec, status, _now, $"superseded by {wanted}", $"A run asked for {wanted} with --supersede while {status.Canary.Name} was in progress.") with { Preparatory = true };
            }

            if (status.Stable.Name == wanted)
            {
                return status.Phase == RolloutPhase.Succeeded
                    ? new Decision.Finish(RunOutcome.Promoted, $"{wanted} is already promoted and stable")
                    : new Decision.Finish(RunOutcome.Done, $"{wanted} is already the stable version");
            }

            // A version rolled back last is started again only when asked (--retry) or when its images changed (as
            // Flagger retries when the spec changes), as its next attempt.
            var retried = status.Phase == RolloutPhase.Failed && status.Canary?.Name == wanted;
            var attempt = retried ? status.Attempt + 1 : 1;
            if (retried && !start.Retry && status.Canary!.Equals(version))
            {
                return new Decision.Finish(RunOutcome.RolledBack, string.Create(CultureInfo.InvariantCulture,
                    $"{wanted} was rolled back at {status.LastTransitionTime:u}: {status.Reason} (pass --retry to start {wanted} again as attempt {attempt}, or start a new version)"));
            }

            // As Flagger, confirm-rollout gates the start: closed means wait (asked once per interval), never a failure.
            var startContext = HookContext.For(status.Phase, version);
            if (Hooks(HookMoment.BeforeStart) is not { } gate)
            {
                return Ask(HookMoment.BeforeStart, startContext);
            }

            if (gate.Outcome == HookOutcome.Wait)
            {
                var (gated, since) = _memory.GateClosed(_state.StatusCommit?.Sha ?? string.Empty, "confirm-rollout", _now);
                _memory = gated;
                if (_now - since >= TimeSpan.FromSeconds(_spec.ProgressDeadlineSeconds))
                {
                    // Nothing was started, so there is nothing to roll back; the run ends like any other wait for approval.
                    return new Decision.Finish(RunOutcome.InProgress,
                        string.Create(CultureInfo.InvariantCulture, $"the confirm-rollout gate {gate.Cause?.Name} stayed closed for {_spec.ProgressDeadlineSeconds}s; {wanted} was not started (run again to ask again)"));
                }

                return new Decision.Wait($"confirm-rollout gate {gate.Cause?.Name} is closed ({gate.Cause?.Detail}); asking again", _now + _spec.Analysis.Interval) { ClosedGate = gate.Cause };
            }

            var transition = RolloutTransitions.Start(_spec, status, version, _now, DecisionText.Start(_spec, status, start.Images, target.File), attempt);
            return new Decision.Commit(transition, Preparatory: false);
        }
    }
}
