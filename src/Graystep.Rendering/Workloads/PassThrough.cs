using Graystep.Core.Manifests;
using Graystep.Rendering.Routing;
using Graystep.Rendering.Yaml;

namespace Graystep.Rendering.Workloads;

/// <summary>One object of the templates that reaches the output as the user wrote it.</summary>
/// <param name="OutputFile">Its file in the output folder.</param>
public sealed record PassedThrough(string Kind, string Name, string File, int Line, string OutputFile);

/// <summary>One routing object of the templates that Graystep edited instead of rendering its own.</summary>
/// <param name="What">What Graystep changed in it; everything else is as written.</param>
public sealed record EditedObject(string Kind, string Name, string File, int Line, string OutputFile, string What);

/// <summary>
/// Every object under the spec's folder that Graystep does not render its own objects from (a ServiceAccount, a
/// ConfigMap, an Ingress the provider does not split, kinds it does not know) goes to the output with its fields
/// unchanged (keys in the pinned order), so applying the output folder applies everything the user wrote. A routing
/// object that routes the rollout's own service is refused: beside Graystep's, the two would fight over the traffic.
/// </summary>
internal static class PassThrough
{
    // Graystep's and Flagger's own inputs, and kustomize's, are read by tools, not applied to the cluster.
    private static readonly string[] ToolGroups = ["graystep.io/", "flagger.app/", "kustomize.config.k8s.io/"];

    /// <param name="asWritten">Which of the objects Graystep renders its own from are written as they are too: the
    /// user's Deployment (and everything else) while the first rollout adopts it.</param>
    /// <param name="router">The router whose routing objects are in the output, or null while none is (adoption).</param>
    public static IEnumerable<(YamlMap Object, PassedThrough Source)> Objects(RenderRequest request, AppManifests app, Router? router, RoutingContext context, Func<ManifestDocument, bool> asWritten)
    {
        foreach (var doc in request.Manifests)
        {
            var consumed = app.Consumed(doc);
            if (doc.IsRendered || doc.Kind is null || doc.ApiVersion is null || (consumed && !asWritten(doc)) ||
                ToolGroups.Any(g => doc.ApiVersion.StartsWith(g, StringComparison.Ordinal)) ||
                request.NotTemplateFolders.Any(f => f.Length == 0 || doc.File.StartsWith(f + "/", StringComparison.Ordinal)))
            {
                continue;
            }

            var obj = YamlImport.FromMapping(doc.Root);
            if (!consumed && router?.Conflict(obj, context) is { } why)
            {
                throw KubeObject.Invalid(
                    $"{doc.File}:{doc.Line}: {doc.Kind} {doc.Name}: {why}",
                    "keep one routing object for the service (Graystep edits its routes to the service and keeps the rest), or move this one's routes into it");
            }

            if (consumed && obj.GetOrAddMap("metadata").Text("namespace") is null)
            {
                // The user's own app objects live in the rollout's namespace, as the copies Graystep renders from them.
                obj.GetOrAddMap("metadata")["namespace"] = request.Spec.Namespace;
            }

            KubeObject.Normalize(obj);
            yield return (obj, new PassedThrough(doc.Kind, doc.Name ?? string.Empty, doc.File, doc.Line, KubeObject.FileName(obj)));
        }
    }
}
