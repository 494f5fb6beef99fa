using System.Globalization;
using System.Text.Json;

namespace Graystep.Gates.Sync;

/// <summary>
/// Whether a Deployment in the cluster runs the commit's pods and has rolled them out, by the rules of
/// <c>kubectl rollout status</c>: the controller has seen the current generation, every desired replica is updated,
/// ready and available, no old replica is left, and the rollout has not exceeded its progress deadline.
/// </summary>
internal static class DeploymentRollout
{
    /// <summary>Null when rolled out; else why not (a drift when the cluster runs other images than the commit).</summary>
    public static string? Check(string name, JsonElement commit, JsonElement cluster)
    {
        if (Images(cluster) is var running && Images(commit) is var committed && !committed.SequenceEqual(running))
        {
            var container = committed.FirstOrDefault(c => running.GetValueOrDefault(c.Key) != c.Value);
            return container.Key is null
                ? $"drift: {name} runs containers {string.Join(", ", running.Keys)}, the commit has {string.Join(", ", committed.Keys)}"
                : $"drift: {name} container {container.Key}: cluster has image {running.GetValueOrDefault(container.Key) ?? "none"}, the commit has {container.Value}";
        }

        var generation = Count(cluster, "metadata", "generation");
        var observed = Count(cluster, "status", "observedGeneration");
        if (generation is { } wanted && (observed ?? 0) < wanted)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{name}: the Deployment controller has not seen generation {wanted} yet (it has seen {observed ?? 0})");
        }

        // The condition speaks of the current generation only once the controller has seen it.
        var progressing = cluster.Objects("status", "conditions").FirstOrDefault(c => c.String("type") == "Progressing");
        if (progressing.ValueKind == JsonValueKind.Object && progressing.String("status") == "False" && progressing.String("reason") == "ProgressDeadlineExceeded")
        {
            var message = progressing.String("message") is { Length: > 0 } text ? ": " + text.TrimEnd('.') : string.Empty;
            // Not an error that stops the run: it holds the step like any other reason, so progressDeadlineSeconds
            // rolls the canary back, as it does when Argo CD reports the same Deployment Degraded.
            return $"{name} exceeded its progress deadline (ProgressDeadlineExceeded){message}; see why with 'kubectl describe deployment {NameOnly(name)}' and its pods' events";
        }

        var desired = Count(cluster, "spec", "replicas") ?? 1;
        var total = Count(cluster, "status", "replicas") ?? 0;
        var updated = Count(cluster, "status", "updatedReplicas") ?? 0;
        var ready = Count(cluster, "status", "readyReplicas") ?? 0;
        var available = Count(cluster, "status", "availableReplicas") ?? 0;
        if (updated != desired || ready != desired || available != desired)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"{name} is rolling out: {updated} updated, {ready} ready, {available} available of {desired} {(desired == 1 ? "replica" : "replicas")}");
        }

        if (total > updated)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{name} is rolling out: {total - updated} old {(total - updated == 1 ? "replica is" : "replicas are")} still terminating");
        }

        return null;
    }

    /// <summary>Container name → image of the pod template.</summary>
    private static SortedDictionary<string, string> Images(JsonElement deployment)
    {
        var images = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var list in new[] { "containers", "initContainers" })
        {
            foreach (var container in deployment.Objects("spec", "template", "spec", list))
            {
                if (container.String("name") is { } containerName)
                {
                    images[containerName] = container.String("image") ?? string.Empty;
                }
            }
        }

        return images;
    }

    private static long? Count(JsonElement obj, params string[] path) =>
        long.TryParse(ObjectDiff.Text(obj.Get(path)), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>"Deployment test/podinfo-v2" → "podinfo-v2 -n test".</summary>
    private static string NameOnly(string name)
    {
        var id = name[(name.IndexOf(' ', StringComparison.Ordinal) + 1)..];
        var slash = id.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? id : $"{id[(slash + 1)..]} -n {id[..slash]}";
    }
}
