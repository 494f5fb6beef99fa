using Graystep.Core.Gates;
using Graystep.Core.Spec;

namespace Graystep.Gates.Sync;

/// <summary><c>sync.kind: none</c>: the cluster is taken to run a commit as soon as it is committed.</summary>
internal sealed class NoneSyncGate : ISyncGate
{
    public Task<SyncObservation> ObserveAsync(RolloutSpec spec, string commitSha, DateTimeOffset committedAt, CancellationToken cancellationToken) =>
        Task.FromResult<SyncObservation>(new SyncObservation.Synced(committedAt));
}

/// <summary><c>sync.kind: delay</c>: the commit counts as applied <c>sync.delay</c> after it was committed.</summary>
internal sealed class DelaySyncGate : ISyncGate
{
    private readonly TimeProvider _time;

    public DelaySyncGate(TimeProvider time) => _time = time;

    public Task<SyncObservation> ObserveAsync(RolloutSpec spec, string commitSha, DateTimeOffset committedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var appliedAt = committedAt + spec.Sync.Delay;
        var remaining = appliedAt - _time.GetUtcNow();
        SyncObservation observation = remaining > TimeSpan.Zero
            ? new SyncObservation.Pending($"applying in {DurationText.FormatCeilingSeconds(remaining)}")
            : new SyncObservation.Synced(appliedAt);
        return Task.FromResult(observation);
    }
}
