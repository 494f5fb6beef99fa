using System.Text.Json;
using Graystep.Core.Gates;
using Graystep.Core.Providers;
using Graystep.Core.Spec;

namespace Graystep.Gates.Sync;

/// <summary>
/// A sync gate that reads one object of a GitOps reconciler from the Kubernetes API (Argo CD's Application, Flux's
/// Kustomization) and judges from its status whether the cluster runs a commit. A reconciler of the same kind is
/// one more subclass: which object, where, and how to read its status.
/// </summary>
public abstract class KubeObjectSyncGate : ISyncGate, IReadsSecrets
{
    private readonly KubeObjectKind _kind;
    private readonly KubeApiClient _kube;
    private readonly TimeProvider _time;

    private protected KubeObjectSyncGate(string id, KubeObjectKind kind, KubeApiClient kube, TimeProvider time)
    {
        Id = id;
        _kind = kind;
        _kube = kube;
        _time = time;
    }

    /// <summary>The <c>sync.kind</c> this gate answers for.</summary>
    public string Id { get; }

    public virtual IReadOnlyList<SecretSetting> Secrets => [KubeApiClient.Token];

    public bool IsSupported(string input) => input == Id;

    public virtual async Task<SyncObservation> ObserveAsync(RolloutSpec spec, string commitSha, DateTimeOffset committedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var target = _kind.For(spec.Sync, spec.Name);
        return Judge(await _kube.GetAsync(spec.Sync, target, _kind.NotFoundFix, cancellationToken).ConfigureAwait(false), $"{target.Title} {target.Id}", commitSha, committedAt);
    }

    private protected SyncObservation Judge(KubeRead read, string name, string commitSha, DateTimeOffset committedAt) => read switch
    {
        KubeRead.Found found => Evaluate(found.Object, name, commitSha, committedAt, _time.GetUtcNow()),
        KubeRead.Unavailable unavailable => new SyncObservation.Pending(unavailable.Reason),
        _ => throw new InvalidOperationException("unknown read result"),
    };

    /// <summary>Whether the object (called <paramref name="name"/> in messages) says the cluster runs <paramref name="sha"/>, and since when.</summary>
    internal abstract SyncObservation Evaluate(JsonElement obj, string name, string sha, DateTimeOffset committedAt, DateTimeOffset now);
}

/// <summary>
/// The reconciler object a gate reads: who owns it and what it is called (for messages), its RBAC resource and API
/// path, and the namespace it usually lives in. <c>sync.application</c> and <c>sync.applicationNamespace</c> name one.
/// </summary>
internal sealed record KubeObjectKind(string Reconciler, string Object, string Resource, string ApiPath, string DefaultNamespace)
{
    public string NotFoundFix => $"set sync.application (and sync.applicationNamespace) to the {Object} that applies this rollout's output";

    public KubeObjectRef For(SyncSpec sync, string rolloutName) =>
        new($"{Reconciler} {Object}", Resource, ApiPath, sync.ApplicationNamespace ?? DefaultNamespace, sync.Application ?? rolloutName);
}
