using System.Globalization;
using System.Text.Json.Nodes;
using Graystep.Core.Manifests;
using Graystep.Sandbox.Cluster;
using Graystep.Sandbox.Traffic;

namespace Graystep.Sandbox.Api;

/// <summary>
/// The Kubernetes API's view of the simulated cluster, for <c>sync.kind: kubernetes</c>: the applied objects as
/// stored (with a <c>metadata.generation</c> that counts spec changes), and <c>apps/v1</c> Deployments with the
/// status the Deployment controller reports while a changed pod template rolls out (<see cref="SandboxOptions.RolloutDelay"/>).
/// With <see cref="ForgetRouting"/> the routing objects of later commits are not applied: the cluster keeps the old
/// weights, matches and selectors (and routes by them) while the branch has the new ones.
/// </summary>
internal sealed class ClusterApi(TimeProvider time, TimeSpan rolloutDelay)
{
    /// <summary>The kinds that decide where requests go; what <see cref="ForgetRouting"/> leaves as they were.</summary>
    public static readonly IReadOnlySet<string> RoutingKinds = new HashSet<string>(StringComparer.Ordinal) { "VirtualService", "DestinationRule", "HTTPRoute", "Ingress", "Service" };

    private readonly Lock _gate = new();
    private Dictionary<(string Kind, string Namespace, string Name), Stored> _objects = [];
    private volatile bool _forgetRouting;
    private int _forgotten;

    /// <summary>The drift knob: apply every commit's workloads, but keep the routing objects as they were.</summary>
    public bool ForgetRouting
    {
        get => _forgetRouting;
        set => _forgetRouting = value;
    }

    /// <summary>How many routing changes were not applied because of <see cref="ForgetRouting"/>.</summary>
    public int Forgotten => Volatile.Read(ref _forgotten);

    /// <summary>Stores a commit's objects; returns what the cluster then runs (the old routing objects when forgetting).</summary>
    public ClusterState Apply(ClusterState parsed)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var previous = _objects;
            var next = new Dictionary<(string, string, string), Stored>();
            foreach (var obj in parsed.Objects)
            {
                var key = (obj.Kind, obj.Namespace, obj.Name);
                var spec = Yaml.Canonical(obj.Root.Get("spec"));
                previous.TryGetValue(key, out var before);
                if (_forgetRouting && before is not null && RoutingKinds.Contains(obj.Kind))
                {
                    if (before.Spec != spec || Yaml.Canonical(obj.Root.Get("metadata")) != Yaml.Canonical(before.Object.Root.Get("metadata")))
                    {
                        Interlocked.Increment(ref _forgotten);
                    }

                    next[key] = before;
                }
                else if (before is not null && before.Spec == spec)
                {
                    next[key] = before with { Object = obj };
                }
                else
                {
                    next[key] = new Stored(obj, spec, (before?.Generation ?? 0) + 1, before?.CreatedAt ?? now, now, Replaced: before is not null);
                }
            }

            // A forgotten routing object stays even when the commit deletes it.
            foreach (var (key, stored) in previous)
            {
                if (_forgetRouting && RoutingKinds.Contains(key.Kind) && !next.ContainsKey(key))
                {
                    Interlocked.Increment(ref _forgotten);
                    next[key] = stored;
                }
            }

            _objects = next;
            return new ClusterState([.. next.Values.Select(s => s.Object).OrderBy(o => o.File, StringComparer.Ordinal)]);
        }
    }

    /// <summary>The stored object of a kind (by its API group and plural), as the API server returns it; null when there is none.</summary>
    public JsonObject? Get(string group, string plural, string ns, string name)
    {
        Stored? stored;
        lock (_gate)
        {
            stored = _objects.Values.FirstOrDefault(s => s.Object.Namespace == ns && s.Object.Name == name
                && s.Object.Group == group && Plural(s.Object.Kind) == plural);
        }

        return stored is null ? null : Serve(stored, time.GetUtcNow());
    }

    /// <summary>The API's plural of a kind: <c>Ingress</c> → <c>ingresses</c>.</summary>
    public static string Plural(string kind)
    {
        var lower = kind.ToLowerInvariant();
        return lower.EndsWith('s') ? lower + "es" : lower + "s";
    }

    private JsonObject Serve(Stored stored, DateTimeOffset now)
    {
        var json = AppliedJson.ToJson(stored.Object.Root) as JsonObject ?? [];
        var metadata = json["metadata"] as JsonObject ?? [];
        json["metadata"] = metadata;
        metadata["namespace"] = stored.Object.Namespace;
        metadata["uid"] = GitOpsResources.Uid(stored.Object.Kind, stored.Object.Namespace, stored.Object.Name);
        metadata["generation"] = stored.Generation;
        metadata["creationTimestamp"] = GitOpsResources.Time(stored.CreatedAt);
        var annotations = metadata["annotations"] as JsonObject ?? [];
        metadata["annotations"] = annotations;
        annotations[GitOpsResources.SimulatorAnnotation] = GitOpsResources.SimulatorNote;
        if (stored.Object.Kind == "Deployment" && stored.Object.Group == "apps")
        {
            DeploymentStatus(json, stored, now);
        }

        return json;
    }

    /// <summary>
    /// What the Deployment controller reports: a new pod template rolls out over <see cref="SandboxOptions.RolloutDelay"/>.
    /// Meanwhile a replaced Deployment's old pods still serve (surge), and a new one has no ready pod; fields that are
    /// zero are left out, as the API server leaves them out.
    /// </summary>
    private void DeploymentStatus(JsonObject json, Stored stored, DateTimeOffset now)
    {
        var spec = json["spec"] as JsonObject ?? [];
        json["spec"] = spec;
        var desired = spec["replicas"] is JsonValue value && value.TryGetValue<long>(out var replicas) ? replicas : 1;
        spec["replicas"] = desired;
        var done = now - stored.ChangedAt >= rolloutDelay;
        var podTemplateHash = Prng.Hash(stored.Spec).ToString("x16", CultureInfo.InvariantCulture)[..10];
        var replicaSet = $"{stored.Object.Name}-{podTemplateHash}";
        var (total, ready) = done ? (desired, desired) : stored.Replaced ? (desired * 2, desired) : (desired, 0L);
        var available = ready;
        var status = new JsonObject { ["observedGeneration"] = stored.Generation };
        Set(status, "replicas", total);
        Set(status, "updatedReplicas", desired);
        Set(status, "readyReplicas", ready);
        Set(status, "availableReplicas", available);
        Set(status, "unavailableReplicas", total - available);
        var changed = GitOpsResources.Time(stored.ChangedAt);
        var settled = GitOpsResources.Time(done ? stored.ChangedAt + rolloutDelay : stored.ChangedAt);
        status["conditions"] = new JsonArray(
            new JsonObject
            {
                ["type"] = "Available",
                ["status"] = available >= desired || stored.Replaced ? "True" : "False",
                ["lastUpdateTime"] = settled,
                ["lastTransitionTime"] = settled,
                ["reason"] = available >= desired || stored.Replaced ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                ["message"] = available >= desired || stored.Replaced ? "Deployment has minimum availability." : "Deployment does not have minimum availability.",
            },
            new JsonObject
            {
                ["type"] = "Progressing",
                ["status"] = "True",
                ["lastUpdateTime"] = settled,
                ["lastTransitionTime"] = changed,
                ["reason"] = done ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                ["message"] = done ? $"ReplicaSet \"{replicaSet}\" has successfully progressed." : $"ReplicaSet \"{replicaSet}\" is progressing.",
            });
        json["status"] = status;
    }

    private static void Set(JsonObject status, string field, long value)
    {
        if (value != 0)
        {
            status[field] = value;
        }
    }

    /// <summary>One stored object: its spec's canonical text (a change bumps the generation) and when that changed.</summary>
    private sealed record Stored(ClusterObject Object, string Spec, long Generation, DateTimeOffset CreatedAt, DateTimeOffset ChangedAt, bool Replaced);
}
