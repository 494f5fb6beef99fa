using System.Collections.Concurrent;
using Graystep.Core.Gates;
using Graystep.Core.Manifests;
using Graystep.Core.Providers;
using Graystep.Core.Spec;

namespace Graystep.Gates.Sync;

/// <summary>
/// <c>sync.kind: kubernetes</c>, for teams that apply the output folder themselves (<c>kubectl apply</c> in a
/// pipeline) and have no reconciler to ask: the commit counts as applied when every Deployment it renders has rolled
/// out (<see cref="DeploymentRollout"/>) and every routing object in the cluster equals the committed one
/// (<see cref="RoutingDrift"/>). A difference holds the step with both values; the progress deadline bounds the wait.
/// The cluster runs the commit since this process first saw all of that.
/// </summary>
public sealed class KubernetesSyncGate : ICommitSyncGate, IReadsSecrets
{
    public const string Kind = "kubernetes";

    /// <summary>The kinds compared, with their API resource (plural.group).</summary>
    private static readonly Dictionary<string, string> Plurals = new(StringComparer.Ordinal)
    {
        ["Deployment"] = "deployments",
        ["VirtualService"] = "virtualservices",
        ["DestinationRule"] = "destinationrules",
        ["HTTPRoute"] = "httproutes",
        ["Ingress"] = "ingresses",
        ["Service"] = "services",
    };

    private const string DefaultNamespace = "default";

    /// <summary>Commits remembered at once; a run looks at one or two.</summary>
    private const int Remembered = 16;

    private readonly KubeApiClient _kube;
    private readonly TimeProvider _time;

    // When this process first saw each commit applied: routing objects carry no time, and the decider needs one that
    // holds still between looks (the analysis interval and scaleDownDelay count from it).
    private readonly ConcurrentDictionary<string, DateTimeOffset> _appliedSince = new(StringComparer.Ordinal);

    internal KubernetesSyncGate(KubeApiClient kube, TimeProvider time)
    {
        _kube = kube;
        _time = time;
    }

    public string Id => Kind;

    public IReadOnlyList<SecretSetting> Secrets => [KubeApiClient.Token];

    public bool IsSupported(string input) => input == Id;

    /// <summary>This gate needs the commit's objects: the registry asks it with a <see cref="SyncCommit"/>.</summary>
    public Task<SyncObservation> ObserveAsync(RolloutSpec spec, string commitSha, DateTimeOffset committedAt, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("sync.kind kubernetes compares the cluster with the commit's objects: ask it through SyncGateRegistry with a SyncCommit");

    public async Task<SyncObservation> ObserveAsync(RolloutSpec spec, SyncCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(commit);
        var objects = await commit.ReadObjects(cancellationToken).ConfigureAwait(false);

        // Workloads first (pods not ready yet are the usual wait), then the objects that carry the weights, so a
        // drift is reported by its weights rather than by a DestinationRule's subsets.
        var compared = objects
            .Where(o => o.Kind is { } kind && Plurals.ContainsKey(kind) && o.Name is not null && o.ApiVersion is not null)
            .OrderBy(o => o.Kind switch { "Deployment" => 0, "DestinationRule" => 2, _ => 1 })
            .ToList();
        foreach (var committed in compared)
        {
            var (target, read) = await ReadAsync(spec, committed, cancellationToken).ConfigureAwait(false);
            var name = $"{target.Title} {target.Id}";
            switch (read)
            {
                case null:
                    _appliedSince.TryRemove(commit.Sha, out _);
                    return new SyncObservation.Pending($"{name} is not in the cluster yet");
                case KubeRead.Unavailable unavailable:
                    return new SyncObservation.Pending(unavailable.Reason);
            }

            var cluster = ((KubeRead.Found)read).Object;
            var commitJson = ObjectDiff.ToJson(committed.Root);
            var reason = committed.Kind == "Deployment"
                ? DeploymentRollout.Check(name, commitJson, cluster)
                : RoutingDrift.Find(committed.Kind!, commitJson, cluster) is { } drift ? $"drift: {name} {drift}" : null;
            if (reason is not null)
            {
                _appliedSince.TryRemove(commit.Sha, out _);
                return new SyncObservation.Pending(reason);
            }
        }

        if (_appliedSince.Count >= Remembered)
        {
            _appliedSince.Clear();
        }

        return new SyncObservation.Synced(_appliedSince.GetOrAdd(commit.Sha, Revisions.NotBefore(null, commit.CommittedAt, _time.GetUtcNow())));
    }

    /// <summary>
    /// The object as the cluster has it; null when it is not there. One without <c>metadata.namespace</c> is looked
    /// for in the rollout's namespace, then in <c>default</c>, where <c>kubectl apply</c> without <c>-n</c> puts it.
    /// </summary>
    private async Task<(KubeObjectRef Target, KubeRead? Read)> ReadAsync(RolloutSpec spec, ManifestDocument committed, CancellationToken cancellationToken)
    {
        string[] namespaces = string.IsNullOrEmpty(committed.Namespace) && spec.Namespace != DefaultNamespace
            ? [spec.Namespace, DefaultNamespace]
            : [string.IsNullOrEmpty(committed.Namespace) ? spec.Namespace : committed.Namespace];
        foreach (var ns in namespaces)
        {
            var target = Reference(committed, ns);
            var read = await _kube.FindAsync(spec.Sync, target, cancellationToken).ConfigureAwait(false);
            if (read is not KubeRead.Missing)
            {
                return (target, read);
            }
        }

        return (Reference(committed, namespaces[0]), null);
    }

    /// <summary>Where the committed object lives in the API: <c>/apis/{group}/{version}</c> (core: <c>/api/v1</c>), its namespace, its plural.</summary>
    private static KubeObjectRef Reference(ManifestDocument committed, string ns)
    {
        var apiVersion = committed.ApiVersion!;
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var group = slash < 0 ? string.Empty : apiVersion[..slash];
        var plural = Plurals[committed.Kind!];
        return new KubeObjectRef(
            committed.Kind!,
            group.Length == 0 ? plural : $"{plural}.{group}",
            group.Length == 0 ? "/api/" + apiVersion : "/apis/" + apiVersion,
            ns,
            committed.Name!);
    }
}
