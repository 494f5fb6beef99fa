using Graystep.Core.Analysis;
using Graystep.Core.Gates;
using Graystep.Core.Manifests;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using Graystep.Engine.Gates;

namespace Graystep.Engine.Rollouts;

/// <summary>
/// What the decider asks to know, answered from outside: the sync gates (has the cluster applied the commit?), the
/// webhooks and the metrics. Every answer goes back to <see cref="RolloutDecider"/> as an observation.
/// </summary>
public sealed class Sensors(SyncGateRegistry sync, HookRunner hooks, IAnalysisRunner analysis)
{
    /// <summary>Sync, the hooks of every moment and the metrics: all one decision can ask for.</summary>
    private const int MaxObservations = 16;

    public HookRunner Hooks => hooks;

    /// <param name="committedObjects">Reads the rendered objects the commit being synced applies, for a gate that compares them with the cluster.</param>
    public async Task<Observations> ObserveAsync(
        RolloutSpec spec, Need need, Observations seen, Func<CancellationToken, Task<IReadOnlyList<ManifestDocument>>> committedObjects, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(need);
        ArgumentNullException.ThrowIfNull(seen);
        return need switch
        {
            Need.Sync ask => seen with { Sync = await sync.ObserveAsync(spec, new SyncCommit(ask.Sha, ask.CommittedAt, committedObjects), cancellationToken).ConfigureAwait(false) },
            Need.Hooks ask => seen.WithHooks(ask.Moment, await hooks.RunAsync(spec, ask.Moment, ask.Context, cancellationToken).ConfigureAwait(false)),
            Need.Metrics ask => seen with { Metrics = await analysis.RunAsync(ask.Context, cancellationToken).ConfigureAwait(false) },
            _ => throw new InvalidOperationException($"unknown need {need}"),
        };
    }

    /// <summary>Decides, observing whatever the decider asks for, until it decides.</summary>
    /// <param name="committedObjects">Reads the rendered objects of the rollout's last commit (its output folder).</param>
    public async Task<Decided> DecideAsync(DecisionInput input, Func<CancellationToken, Task<IReadOnlyList<ManifestDocument>>> committedObjects, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);

        // Each kind of observation is made at most once per decision; more asks than that is a bug, not a wait.
        for (var asked = 0; asked <= MaxObservations; asked++)
        {
            var decided = RolloutDecider.Decide(input);
            if (decided.Decision is not Decision.Observe observe)
            {
                return decided;
            }

            input = input with { Observed = await ObserveAsync(input.State.Spec, observe.Need, input.Observed, committedObjects, cancellationToken).ConfigureAwait(false) };
        }

        throw new InvalidOperationException($"the decider asked for more than {MaxObservations} observations for one decision");
    }
}
