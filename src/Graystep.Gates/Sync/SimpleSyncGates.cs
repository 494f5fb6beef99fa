using Graystep.Core.Gates;
using Graystep.Core.Spec;

namespace Graystep.Gates.Sync;

/// <summary><c>sync.kind: none</c>: the cluster is taken to run a commit as soon as it is committed.</summary>
public sealed class NoneSyncGate : ISyncGate
{
    public string Id => "none";

    public bool IsSupported(string input) => input == Id;

    public Task<SyncObservation> ObserveAsync(RolloutSpec spec, string commitSha, DateTimeOffset committedAt, CancellationToken cancellationToken) =>
        Task.FromResult<SyncObservation>(new SyncObservation.Synced(committedAt));
}

/// <summary><c>sync.kind: delay</c>: the commit counts as applied <c>sync.delay</c> after it was committed.</summary>
public sealed class DelaySyncGate(TimeProvider time) : ISyncGate
{
    public string Id => SyncSpec.DefaultKind;

    public bool IsSupported(string input) => input == Id;

    public Task<SyncObservation> ObserveAsync(RolloutSpec spec, string commitSha, DateTimeOffset committedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var appliedAt = committedAt + spec.Sync.Delay;
        var remaining = appliedAt - time.GetUtcNow();
        SyncObservation observation = remaining > TimeSpan.Zero
            ? new SyncObservation.Pending($"applying in {GoDuration.FormatWholeSecondsUp(remaining)}", KnownAt: appliedAt)
            : new SyncObservation.Synced(appliedAt);
        return Task.FromResult(observation);
    }
}
