using Graystep.Core.Manifests;
using Graystep.Core.Spec;
using Graystep.Rendering.Yaml;

namespace Graystep.Rendering.Workloads;

/// <summary>
/// The template objects of one rollout, found among the plain manifests: the target Deployment, the Services
/// that select its pods, its autoscaler, its disruption budgets and (for nginx) its Ingress.
/// </summary>
internal sealed class AppManifests
{
    private AppManifests(
        YamlMap target,
        string serviceName,
        YamlMap? service,
        IReadOnlyList<YamlMap> otherServices,
        YamlMap? autoscaler,
        IReadOnlyList<YamlMap> disruptionBudgets,
        IReadOnlyList<ManifestDocument> candidates,
        IEnumerable<ManifestDocument> consumed,
        string ns)
    {
        _consumed.UnionWith(consumed);
        Target = target;
        ServiceName = serviceName;
        Service = service;
        OtherServices = otherServices;
        Autoscaler = autoscaler;
        DisruptionBudgets = disruptionBudgets;
        Candidates = candidates;
        PodSelector = KubeObject.Labels(target.Map("spec")?.Map("selector")?.Map("matchLabels"));
        PodSelector.Remove(KubeObject.VersionLabel);
        Namespace = ns;
    }

    private string Namespace { get; }

    public YamlMap Target { get; }

    public string TargetName => KubeObject.Name(Target);

    /// <summary><c>service.name</c>, else the target's name, as Flagger does.</summary>
    public string ServiceName { get; }

    /// <summary>The template Service named <see cref="ServiceName"/>, when the repo has one.</summary>
    public YamlMap? Service { get; }

    /// <summary>Other Services that select the target's pods; they are copied as they are.</summary>
    public IReadOnlyList<YamlMap> OtherServices { get; }

    public YamlMap? Autoscaler { get; }

    public IReadOnlyList<YamlMap> DisruptionBudgets { get; }

    /// <summary>The target's selector without <c>version</c>: what "the app's pods" means.</summary>
    public SortedDictionary<string, string> PodSelector { get; }

    private IReadOnlyList<ManifestDocument> Candidates { get; }

    private readonly HashSet<ManifestDocument> _consumed = new(ReferenceEqualityComparer.Instance);

    private readonly List<RoutingBase> _bases = [];

    /// <summary>The user's routing objects Graystep edited instead of rendering its own, in the order they were found.</summary>
    public IReadOnlyList<RoutingBase> Bases => _bases;

    /// <summary>
    /// The one template object of <paramref name="kind"/> that <paramref name="isBase"/> accepts, which Graystep edits
    /// instead of rendering its own (as Argo Rollouts does with the user's VirtualService); null when there is none.
    /// Two of them are refused: Graystep could not tell which one the traffic goes through.
    /// </summary>
    /// <param name="what">What Graystep changes in it, said by <c>render</c>.</param>
    public YamlMap? UseAsBase(string kind, Func<YamlMap, bool> isBase, string what)
    {
        var found = Candidates
            .Where(d => d.Kind == kind && !_consumed.Contains(d))
            .Select(d => (Doc: d, Map: YamlImport.FromMapping(d.Root)))
            .Where(x => isBase(x.Map))
            .ToList();
        if (found.Count > 1)
        {
            throw KubeObject.Invalid(
                $"several {kind}s route the rollout's service {ServiceName}: {string.Join(", ", found.Select(f => $"{f.Doc.Name} ({f.Doc.File}:{f.Doc.Line})"))}",
                $"keep one {kind} for the service; Graystep edits the routes of that one and keeps everything else in it");
        }

        if (found.Count == 0)
        {
            return null;
        }

        var (doc, map) = found[0];
        Edited(doc, what);
        return KubeObject.CopyAs(map, KubeObject.Name(map), Namespace);
    }

    /// <summary>Records that the output's object of <paramref name="doc"/>'s kind and name is the user's, edited.</summary>
    public void Edited(ManifestDocument doc, string what)
    {
        _consumed.Add(doc);
        _bases.Add(new RoutingBase(doc, what));
    }

    /// <summary>Whether Graystep renders its own objects from <paramref name="doc"/> (the target, its Services, ...).</summary>
    public bool Consumed(ManifestDocument doc) => _consumed.Contains(doc);

    /// <summary>Whether <paramref name="doc"/> is the target Deployment or its autoscaler: what runs the user's own pods.</summary>
    public bool IsWorkload(ManifestDocument doc) =>
        Consumed(doc) && ((doc.Kind == "Deployment" && doc.Name == TargetName) || doc.Kind == "HorizontalPodAutoscaler");

    public static AppManifests Find(RolloutSpec spec, IReadOnlyList<ManifestDocument> manifests)
    {
        // The output folder holds Graystep's own render of these objects; it is never a template.
        var candidates = manifests
            .Where(m => !m.IsRendered && (m.Namespace is null || string.Equals(m.Namespace, spec.Namespace, StringComparison.Ordinal)))
            .ToList();

        if (!string.Equals(spec.TargetRef.Kind, "Deployment", StringComparison.Ordinal))
        {
            throw KubeObject.Invalid(
                $"{spec.File}: targetRef.kind {spec.TargetRef.Kind} is not supported",
                "Graystep renders Deployments; point targetRef at a Deployment");
        }

        var targetDoc = Single(candidates, "Deployment", spec.TargetRef.Name, spec, "targetRef")
            ?? throw KubeObject.Invalid(
                $"target Deployment {spec.TargetRef.Name} (namespace {spec.Namespace}) was not found among the manifests under the folder of {spec.File}",
                "add the Deployment manifest beside the rollout spec, or fix spec.targetRef.name");
        var target = YamlImport.FromMapping(targetDoc.Root);
        var podLabels = KubeObject.Labels(target.Map("spec")?.Map("template")?.Map("metadata")?.Map("labels"));
        var selector = KubeObject.Labels(target.Map("spec")?.Map("selector")?.Map("matchLabels"));
        selector.Remove(KubeObject.VersionLabel);
        if (selector.Count == 0)
        {
            throw KubeObject.Invalid(
                $"{targetDoc.File}:{targetDoc.Line}: Deployment {spec.TargetRef.Name} has no spec.selector.matchLabels besides 'version'",
                "give the Deployment a selector such as 'app: <name>'; Graystep adds the version label itself");
        }

        var serviceName = spec.Service.Name ?? spec.TargetRef.Name;
        var consumed = new List<ManifestDocument> { targetDoc };
        YamlMap? service = null;
        var others = new List<YamlMap>();
        foreach (var doc in candidates.Where(d => d.Kind == "Service").OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            var map = YamlImport.FromMapping(doc.Root);
            var serviceSelector = KubeObject.Labels(map.Map("spec")?.Map("selector"));
            serviceSelector.Remove(KubeObject.VersionLabel);
            var selects = serviceSelector.Count > 0 && serviceSelector.All(p => podLabels.TryGetValue(p.Key, out var v) && v == p.Value);
            if (string.Equals(doc.Name, serviceName, StringComparison.Ordinal))
            {
                if (!selects)
                {
                    throw KubeObject.Invalid(
                        $"{doc.File}:{doc.Line}: Service {serviceName} does not select the pods of Deployment {spec.TargetRef.Name}",
                        "make its spec.selector a subset of the Deployment's pod labels (without 'version')");
                }

                service = map;
                consumed.Add(doc);
            }
            else if (selects)
            {
                others.Add(map);
                consumed.Add(doc);
            }
        }

        var (autoscalerDoc, autoscaler) = FindAutoscaler(spec, candidates);
        if (autoscalerDoc is not null)
        {
            consumed.Add(autoscalerDoc);
        }

        var budgetDocs = candidates
            .Where(d => d.Kind == "PodDisruptionBudget")
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .Select(d => (Doc: d, Map: YamlImport.FromMapping(d.Root)))
            .Where(pdb => SelectorMatches(pdb.Map.Map("spec")?.Map("selector"), podLabels))
            .ToList();
        consumed.AddRange(budgetDocs.Select(b => b.Doc));

        return new AppManifests(target, serviceName, service, others, autoscaler, [.. budgetDocs.Select(b => b.Map)], candidates, consumed, spec.Namespace);
    }

    /// <summary>The Ingress to split: spec.ingressRef, else the one Ingress whose backend is the service.</summary>
    public YamlMap FindIngress(RolloutSpec spec)
    {
        if (spec.IngressRef is { } reference)
        {
            var doc = Single(Candidates, "Ingress", reference.Name, spec, "ingressRef")
                ?? throw KubeObject.Invalid(
                    $"Ingress {reference.Name} (spec.ingressRef) was not found among the manifests under the folder of {spec.File}",
                    "add the Ingress manifest beside the rollout spec, or fix spec.ingressRef.name");
            Edited(doc, IngressEdit);
            return YamlImport.FromMapping(doc.Root);
        }

        var matches = Candidates
            .Where(d => d.Kind == "Ingress" && !IsCanaryIngress(d))
            .Select(d => (Doc: d, Map: YamlImport.FromMapping(d.Root)))
            .Where(x => IngressBackends(x.Map).Any(b => b.Text("name") == ServiceName))
            .ToList();
        if (matches.Count == 1)
        {
            Edited(matches[0].Doc, IngressEdit);
        }

        return matches.Count switch
        {
            1 => matches[0].Map,
            0 => throw KubeObject.Invalid(
                $"no Ingress with a backend service {ServiceName} was found among the manifests under the folder of {spec.File}",
                "add the Ingress manifest beside the rollout spec, or set spec.ingressRef"),
            _ => throw KubeObject.Invalid(
                $"several Ingresses route to service {ServiceName}: {string.Join(", ", matches.Select(m => $"{m.Doc.Name} ({m.Doc.File})"))}",
                "set spec.ingressRef to the one Graystep should split"),
        };
    }

    private const string IngressEdit = "Graystep points its backends at the stable version's Service and renders the canary's Ingress from it";

    /// <summary>An Ingress the user marked as NGINX's canary Ingress: the base of the canary's, not the one to split.</summary>
    private static bool IsCanaryIngress(ManifestDocument doc) =>
        YamlImport.FromMapping(doc.Root).Map("metadata")?.Map("annotations")?.Text("nginx.ingress.kubernetes.io/canary") == "true";

    /// <summary>Every <c>backend.service</c> map of a networking.k8s.io/v1 Ingress, rules first.</summary>
    public static IEnumerable<YamlMap> IngressBackends(YamlMap ingress)
    {
        var spec = ingress.Map("spec");
        if (spec?.Map("defaultBackend")?.Map("service") is { } defaultService)
        {
            yield return defaultService;
        }

        foreach (var rule in spec?.Seq("rules")?.OfType<YamlMap>() ?? [])
        {
            foreach (var path in rule.Map("http")?.Seq("paths")?.OfType<YamlMap>() ?? [])
            {
                if (path.Map("backend")?.Map("service") is { } service)
                {
                    yield return service;
                }
            }
        }
    }

    private static (ManifestDocument? Doc, YamlMap? Map) FindAutoscaler(RolloutSpec spec, IReadOnlyList<ManifestDocument> candidates)
    {
        const string Kind = "HorizontalPodAutoscaler";
        if (spec.AutoscalerRef is { } reference)
        {
            if (!string.Equals(reference.Kind, Kind, StringComparison.Ordinal))
            {
                throw KubeObject.Invalid(
                    $"{spec.File}: autoscalerRef.kind {reference.Kind} is not supported",
                    "point autoscalerRef at a HorizontalPodAutoscaler");
            }

            var doc = Single(candidates, Kind, reference.Name, spec, "autoscalerRef")
                ?? throw KubeObject.Invalid(
                    $"HorizontalPodAutoscaler {reference.Name} (spec.autoscalerRef) was not found among the manifests under the folder of {spec.File}",
                    "add the HorizontalPodAutoscaler manifest beside the rollout spec, or fix spec.autoscalerRef.name");
            return (doc, YamlImport.FromMapping(doc.Root));
        }

        var scaling = candidates
            .Where(d => d.Kind == Kind)
            .Select(d => (Doc: d, Map: YamlImport.FromMapping(d.Root)))
            .Where(x => x.Map.Map("spec")?.Map("scaleTargetRef") is { } r &&
                        r.Text("kind") == "Deployment" && r.Text("name") == spec.TargetRef.Name)
            .ToList();
        return scaling.Count switch
        {
            0 => (null, null),
            1 => (scaling[0].Doc, scaling[0].Map),
            _ => throw KubeObject.Invalid(
                $"several HorizontalPodAutoscalers scale Deployment {spec.TargetRef.Name}: {string.Join(", ", scaling.Select(s => s.Doc.Name))}",
                "keep one, or set spec.autoscalerRef"),
        };
    }

    private static ManifestDocument? Single(IReadOnlyList<ManifestDocument> docs, string kind, string name, RolloutSpec spec, string field)
    {
        var found = docs.Where(d => d.Kind == kind && d.Name == name).ToList();
        if (found.Count > 1)
        {
            throw KubeObject.Invalid(
                $"{kind} {name} (spec.{field}) is defined more than once: {string.Join(", ", found.Select(d => $"{d.File}:{d.Line}"))}",
                $"keep one {kind} named {name} under the folder of {spec.File}");
        }

        return found.Count == 1 ? found[0] : null;
    }

    /// <summary>A label selector (matchLabels and matchExpressions) against pod labels, ignoring <c>version</c>.</summary>
    private static bool SelectorMatches(YamlMap? selector, IReadOnlyDictionary<string, string> podLabels)
    {
        if (selector is null)
        {
            return false;
        }

        var matchLabels = KubeObject.Labels(selector.Map("matchLabels"));
        matchLabels.Remove(KubeObject.VersionLabel);
        var expressions = (selector.Seq("matchExpressions")?.OfType<YamlMap>() ?? [])
            .Where(e => e.Text("key") != KubeObject.VersionLabel)
            .ToList();
        if (matchLabels.Count == 0 && expressions.Count == 0)
        {
            return false;
        }

        return matchLabels.All(p => podLabels.TryGetValue(p.Key, out var v) && v == p.Value) &&
               expressions.All(e => ExpressionMatches(e, podLabels));
    }

    private static bool ExpressionMatches(YamlMap expression, IReadOnlyDictionary<string, string> podLabels)
    {
        var key = expression.Text("key") ?? string.Empty;
        var values = expression.Seq("values")?.OfType<YamlScalar>().Select(s => s.Value).ToHashSet(StringComparer.Ordinal) ?? [];
        var has = podLabels.TryGetValue(key, out var value);
        return expression.Text("operator") switch
        {
            "In" => has && values.Contains(value!),
            "NotIn" => !has || !values.Contains(value!),
            "Exists" => has,
            "DoesNotExist" => !has,
            _ => false,
        };
    }
}

/// <summary>A template object Graystep edited instead of rendering its own, and what it changed in it.</summary>
internal sealed record RoutingBase(ManifestDocument Doc, string What);
