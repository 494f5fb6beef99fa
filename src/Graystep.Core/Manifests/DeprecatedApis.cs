using System.Globalization;
using Graystep.Core.Spec;
using YamlDotNet.RepresentationModel;

namespace Graystep.Core.Manifests;

/// <summary>
/// Kubernetes API versions that were deprecated and then removed, and what replaces them. A template that still uses
/// one renders (the bytes are the user's), but the cluster refuses it from the removal version on, so
/// <c>validate</c> and <c>render</c> warn, naming the file and line, the removal and the replacement.
/// Source: https://kubernetes.io/docs/reference/using-api/deprecation-guide/.
/// </summary>
public static class DeprecatedApis
{
    private sealed record Removed(string ApiVersion, string Kind, string RemovedIn, string Replacement);

    private static readonly Removed[] Table =
    [
        new("autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.25", "autoscaling/v2"),
        new("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26", "autoscaling/v2"),
        new("policy/v1beta1", "PodDisruptionBudget", "1.25", "policy/v1"),
        new("batch/v1beta1", "CronJob", "1.25", "batch/v1"),
        new("extensions/v1beta1", "Ingress", "1.22", "networking.k8s.io/v1"),
        new("networking.k8s.io/v1beta1", "Ingress", "1.22", "networking.k8s.io/v1"),
        new("networking.k8s.io/v1beta1", "IngressClass", "1.22", "networking.k8s.io/v1"),
        new("discovery.k8s.io/v1beta1", "EndpointSlice", "1.25", "discovery.k8s.io/v1"),
        new("extensions/v1beta1", "NetworkPolicy", "1.16", "networking.k8s.io/v1"),
        .. new[] { "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet" }.SelectMany(kind => new Removed[]
        {
            new("apps/v1beta1", kind, "1.16", "apps/v1"),
            new("apps/v1beta2", kind, "1.16", "apps/v1"),
            new("extensions/v1beta1", kind, "1.16", "apps/v1"),
        }),
    ];

    /// <summary>One warning per plain (not rendered) manifest whose apiVersion and kind were removed, in file order.</summary>
    public static IReadOnlyList<SpecProblem> Warnings(IEnumerable<ManifestDocument> manifests)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        var warnings = new List<SpecProblem>();
        foreach (var doc in manifests.Where(m => !m.IsRendered))
        {
            var removed = Table.FirstOrDefault(r => r.ApiVersion == doc.ApiVersion && r.Kind == doc.Kind);
            if (removed is null)
            {
                continue;
            }

            var at = doc.Root.Children.TryGetValue(new YamlScalarNode("apiVersion"), out var node) ? node.Start : doc.Root.Start;
            warnings.Add(new SpecProblem(
                new SourceLocation(doc.File, (int)at.Line, (int)at.Column),
                "apiVersion",
                string.Create(CultureInfo.InvariantCulture,
                    $"{removed.Kind} {doc.Name} uses {removed.ApiVersion}, removed in Kubernetes {removed.RemovedIn}; use apiVersion {removed.Replacement}")));
        }

        return [.. warnings.OrderBy(w => w.Location.File, StringComparer.Ordinal).ThenBy(w => w.Location.Line)];
    }
}
