using Graystep.Sandbox.Api;
using Graystep.Sandbox.Cluster;
using Graystep.Sandbox.Traffic;
using Microsoft.Extensions.Logging;

namespace Graystep.Sandbox.Reconciling;

/// <summary>The last sync operation, as Argo CD's <c>status.operationState</c> reports it.</summary>
internal sealed record SyncOperation(string Revision, string Phase, string Message, DateTimeOffset StartedAt, DateTimeOffset FinishedAt);

/// <summary>What the reconciler knows at one moment; immutable, so endpoints can read it without locks.</summary>
internal sealed record ReconcileStatus(
    bool Ready,
    string? Observed,
    DateTimeOffset? ObservedAt,
    string? Applied,
    DateTimeOffset? AppliedAt,
    string? Pending,
    DateTimeOffset? PendingDueAt,
    SyncOperation? LastOperation,
    string? LastError,
    DateTimeOffset? ReconciledAt,
    IReadOnlyList<AppliedRevision> History,
    IReadOnlyList<ClusterObject> Objects)
{
    public static readonly ReconcileStatus Initial = new(false, null, null, null, null, null, null, null, null, null, [], []);

    /// <summary>Argo CD's sync status: Synced when the applied commit is the branch tip.</summary>
    public string SyncStatus => Observed is null ? "Unknown" : Observed == Applied ? "Synced" : "OutOfSync";
}

/// <summary>
/// The GitOps reconciler of the simulated cluster: a commit seen on the branch is applied <c>SyncDelay</c> after it
/// was first seen. When several commits are seen, each is applied at its own due time (so none is starved by a busy
/// branch); a commit whose manifests do not parse fails its sync and the cluster keeps the last good state.
/// </summary>
internal sealed class Reconciler(GitFollower follower, TrafficSimulator simulator, ClusterApi api, TimeProvider time, TimeSpan syncDelay, ILogger logger)
{
    private readonly SemaphoreSlim _serial = new(1, 1);
    private readonly List<(string Sha, DateTimeOffset SeenAt, DateTimeOffset DueAt)> _pending = [];
    private volatile ReconcileStatus _status = ReconcileStatus.Initial;
    private volatile bool _reapply;

    public ReconcileStatus Status => _status;

    /// <summary>How long until the next pending commit is due, if any.</summary>
    public TimeSpan? UntilNextDue
    {
        get
        {
            var due = _status.PendingDueAt;
            return due is null ? null : due.Value - time.GetUtcNow();
        }
    }

    /// <summary>Applies the running commit once more at the next reconcile, as a self-healing reconciler does (drift knob off).</summary>
    public void RequestReapply() => _reapply = true;

    public async Task ReconcileOnceAsync(CancellationToken cancellationToken)
    {
        await _serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ReconcileCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _serial.Release();
        }
    }

    private async Task ReconcileCoreAsync(CancellationToken cancellationToken)
    {
        var status = _status;
        string? tip;
        try
        {
            tip = await follower.ReadTipAsync(cancellationToken).ConfigureAwait(false);
            if (tip is not null && tip != status.Observed)
            {
                await follower.FetchAsync(tip, cancellationToken).ConfigureAwait(false);
                var seenAt = time.GetUtcNow();
                _pending.Add((tip, seenAt, seenAt + syncDelay));
                status = status with { Observed = tip, ObservedAt = seenAt };
                logger.LogInformation("saw {Revision} on the branch; applying it at {DueAt:O}", Short(tip), seenAt + syncDelay);
            }
        }
        catch (Exception e) when (e is GitFailure or InvalidOperationException or IOException)
        {
            logger.LogWarning("cannot read the repository: {Error}", e.Message);
            _status = status with { LastError = e.Message, ReconciledAt = time.GetUtcNow() };
            return;
        }

        var now = time.GetUtcNow();
        var dueIndex = _pending.FindLastIndex(p => p.DueAt <= now);
        if (dueIndex >= 0)
        {
            var due = _pending[dueIndex];
            _pending.RemoveRange(0, dueIndex + 1);
            status = await ApplyAsync(status, due.Sha, due.SeenAt, due.DueAt, cancellationToken).ConfigureAwait(false);
            _reapply = false;
        }
        else if (_reapply && status.Applied is { } running)
        {
            _reapply = false;
            logger.LogInformation("applying {Revision} again", Short(running));
            status = await ApplyAsync(status, running, now, now, cancellationToken).ConfigureAwait(false);
        }

        var next = _pending.Count > 0 ? _pending[0] : default;
        _status = status with
        {
            Ready = true,
            Pending = _pending.Count > 0 ? _pending[^1].Sha : null,
            PendingDueAt = _pending.Count > 0 ? next.DueAt : null,
            ReconciledAt = time.GetUtcNow(),
            LastError = status.LastOperation?.Phase == "Failed" && status.LastOperation.Revision == status.Observed ? status.LastError : null,
        };
    }

    private async Task<ReconcileStatus> ApplyAsync(ReconcileStatus status, string sha, DateTimeOffset seenAt, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        try
        {
            var files = await follower.ReadFilesAsync(sha, cancellationToken).ConfigureAwait(false);
            var skipped = new List<string>();
            // What the cluster then runs: the commit's objects, unless the drift knob keeps the old routing objects.
            var cluster = api.Apply(ClusterState.Parse(files ?? [], skipped));
            var apps = simulator.Apply(sha, cluster);
            var appliedAt = time.GetUtcNow();
            var message = files is null
                ? "successfully synced (the path does not exist at this revision: nothing to apply)"
                : "successfully synced (all tasks run)";
            if (skipped.Count > 0)
            {
                message += "; skipped " + string.Join("; ", skipped);
                logger.LogInformation("{Revision}: skipped {Skipped}", Short(sha), string.Join("; ", skipped));
            }

            logger.LogInformation("applied {Revision}: {Objects} objects, {Apps} routed apps", Short(sha), cluster.Objects.Count, apps.Count);
            return status with
            {
                Applied = sha,
                AppliedAt = appliedAt,
                LastOperation = new SyncOperation(sha, "Succeeded", message, startedAt, appliedAt),
                LastError = null,
                History = [.. status.History, new AppliedRevision(sha, seenAt, appliedAt, cluster.Objects.Count, apps.Select(a => a.Key).ToList())],
                Objects = cluster.Objects,
            };
        }
        catch (Exception e) when (e is ApplyException or GitFailure)
        {
            var finishedAt = time.GetUtcNow();
            logger.LogWarning("cannot apply {Revision}: {Error}", Short(sha), e.Message);
            return status with
            {
                LastOperation = new SyncOperation(sha, "Failed", "one or more objects failed to apply: " + e.Message, startedAt, finishedAt),
                LastError = $"cannot apply {sha}: {e.Message}",
            };
        }
    }

    private static string Short(string sha) => sha.Length > 12 ? sha[..12] : sha;
}
