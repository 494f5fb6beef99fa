using Graystep.Core.Rollouts;
using Graystep.Rendering.Yaml;

namespace Graystep.Rendering.Workloads;

/// <summary>
/// Renders what every provider shares: one Deployment per live version, and the autoscaler and disruption
/// budgets per version. A version's objects depend only on the template and that version, never on whether it
/// is stable or canary, so promotion leaves the new version's Deployment byte-identical (no restart).
/// </summary>
internal static class WorkloadRenderer
{
    /// <param name="replicas">Replicas that replace the template's (a replica-ratio canary's share); null keeps them.</param>
    public static IEnumerable<YamlMap> Render(AppManifests app, string ns, VersionRef version, int? replicas = null)
    {
        var deployment = Deployment(app, ns, version);
        if (replicas is { } count)
        {
            deployment.GetOrAddMap("spec")["replicas"] = count;
        }

        yield return deployment;
        if (app.Autoscaler is { } hpa)
        {
            yield return Autoscaler(app, hpa, ns, version.Name);
        }

        foreach (var pdb in app.DisruptionBudgets)
        {
            yield return DisruptionBudget(pdb, ns, version.Name);
        }
    }

    public static string WorkloadName(AppManifests app, string version) => VersionName.Workload(app.TargetName, version);

    private static YamlMap Deployment(AppManifests app, string ns, VersionRef version)
    {
        var deployment = KubeObject.CopyAs(app.Target, WorkloadName(app, version.Name), ns);
        deployment.GetOrAddMap("metadata").GetOrAddMap("labels")[KubeObject.VersionLabel] = version.Name;
        var spec = deployment.GetOrAddMap("spec");
        var matchLabels = spec.GetOrAddMap("selector").GetOrAddMap("matchLabels");
        matchLabels[KubeObject.VersionLabel] = version.Name;
        matchLabels.SortKeys();
        var template = spec.GetOrAddMap("template");
        var podLabels = template.GetOrAddMap("metadata").GetOrAddMap("labels");
        podLabels[KubeObject.VersionLabel] = version.Name;
        podLabels.SortKeys();
        template.OrderKeys("metadata", "spec");
        ReplaceImages(app, template.GetOrAddMap("spec"), version);
        KubeObject.Normalize(deployment);
        return deployment;
    }

    private static void ReplaceImages(AppManifests app, YamlMap podSpec, VersionRef version)
    {
        var containers = new[] { "initContainers", "containers" }
            .SelectMany(key => podSpec.Seq(key)?.OfType<YamlMap>() ?? [])
            .Where(c => c.Text("name") is not null)
            .ToList();
        var unknown = version.Images.Keys
            .Where(name => !containers.Any(c => c.Text("name") == name))
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();
        if (unknown.Count > 0)
        {
            var existing = containers.Select(c => c.Text("name")!).ToList();
            throw KubeObject.Invalid(
                $"version {version.Name}: Deployment {app.TargetName} has no container named {string.Join(", ", unknown)}; its containers are: {string.Join(", ", existing)}",
                $"use --image <container>=<image> with one of: {string.Join(", ", existing)}");
        }

        foreach (var container in containers)
        {
            if (version.Images.TryGetValue(container.Text("name")!, out var image))
            {
                container["image"] = image;
            }
        }
    }

    private static YamlMap Autoscaler(AppManifests app, YamlMap hpa, string ns, string version)
    {
        var copy = KubeObject.CopyAs(hpa, VersionName.Named(KubeObject.Name(hpa), version), ns);
        var target = copy.GetOrAddMap("spec").GetOrAddMap("scaleTargetRef");
        target["name"] = WorkloadName(app, version);
        KubeObject.Normalize(copy);
        return copy;
    }

    private static YamlMap DisruptionBudget(YamlMap pdb, string ns, string version)
    {
        var copy = KubeObject.CopyAs(pdb, VersionName.Named(KubeObject.Name(pdb), version), ns);
        var selector = copy.GetOrAddMap("spec").GetOrAddMap("selector");
        selector.Seq("matchExpressions")?.RemoveAll(e => e is YamlMap m && m.Text("key") == KubeObject.VersionLabel);
        if (selector.Seq("matchExpressions") is { Count: 0 })
        {
            selector.Remove("matchExpressions");
        }

        var matchLabels = selector.GetOrAddMap("matchLabels");
        matchLabels[KubeObject.VersionLabel] = version;
        matchLabels.SortKeys();
        selector.OrderKeys("matchLabels", "matchExpressions");
        KubeObject.Normalize(copy);
        return copy;
    }
}
