using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.Gates;
using Graystep.Core.Spec;

namespace Graystep.Gates.Sync;

/// <summary>One sync gate and the <c>sync.kind</c> it serves.</summary>
public sealed record SyncGateRegistration(SyncKind Kind, ISyncGate Gate);

/// <summary>
/// The sync gates by <c>sync.kind</c>, in an explicit order (none, delay, argocd, flux). The spec always names its
/// kind, so there is no detection; the registry refuses two gates for one kind instead of letting one win.
/// </summary>
public sealed class SyncGateRegistry : ISyncGate
{
    private readonly IReadOnlyList<SyncGateRegistration> _gates;

    public SyncGateRegistry(IEnumerable<SyncGateRegistration> gates)
    {
        ArgumentNullException.ThrowIfNull(gates);
        _gates = gates.ToList();
        var duplicate = _gates.GroupBy(g => g.Kind).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"two sync gates registered for sync.kind {KubeApiClient.SyncKindName(duplicate.Key)}", nameof(gates));
        }
    }

    /// <summary>The kinds served, in registration order.</summary>
    public IReadOnlyList<SyncKind> Kinds => _gates.Select(g => g.Kind).ToList();

    /// <summary>
    /// The standard gates. <paramref name="kubeApiHandler"/> carries the Kubernetes API calls of the argocd and flux
    /// gates (see <see cref="KubeApiHandler.Create"/> for one that trusts the in-cluster CA).
    /// </summary>
    public static SyncGateRegistry CreateDefault(HttpMessageHandler kubeApiHandler, TimeProvider time, IEnvironment environment, IFileSystem fileSystem)
    {
        var kube = new KubeApiClient(kubeApiHandler, environment, fileSystem);
        return new SyncGateRegistry(
        [
            new(SyncKind.None, new NoneSyncGate()),
            new(SyncKind.Delay, new DelaySyncGate(time)),
            new(SyncKind.ArgoCd, new ArgoCdSyncGate(kube, time)),
            new(SyncKind.Flux, new FluxSyncGate(kube, time)),
        ]);
    }

    public ISyncGate For(SyncKind kind) =>
        _gates.FirstOrDefault(g => g.Kind == kind)?.Gate
        ?? throw new GraystepException(
            $"no sync gate for sync.kind {KubeApiClient.SyncKindName(kind)}",
            ExitCodes.InvalidSpec,
            "use one of: " + string.Join(", ", Kinds.Select(KubeApiClient.SyncKindName)));

    public Task<SyncObservation> ObserveAsync(RolloutSpec spec, string commitSha, DateTimeOffset committedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrWhiteSpace(commitSha);
        return For(spec.Sync.Kind).ObserveAsync(spec, commitSha, committedAt, cancellationToken);
    }
}
