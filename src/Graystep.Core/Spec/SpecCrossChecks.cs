using System.Globalization;
using Graystep.Core.Manifests;
using YamlDotNet.RepresentationModel;
using static Graystep.Core.Manifests.YamlNodes;

namespace Graystep.Core.Spec;

/// <summary>The checks that need more than one document: references, and what must be unique.</summary>
internal sealed class SpecCrossChecks
{
    private readonly Dictionary<(string Kind, string Name), List<ManifestDocument>> byKindAndName = [];
    private readonly Dictionary<string, List<ManifestDocument>> byKind = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TemplateDraft>> templatesByName = new(StringComparer.Ordinal);
    private readonly List<TemplateDraft> templates;
    private readonly List<AlertProviderDraft> alertProviders;

    public SpecCrossChecks(List<ManifestDocument> manifests, List<TemplateDraft> templates, List<AlertProviderDraft>? alertProviders = null)
    {
        this.templates = templates;
        this.alertProviders = alertProviders ?? [];
        foreach (var doc in manifests)
        {
            // Rendered output is Graystep's own: never a target.
            if (doc.IsRendered || doc.Kind is null || doc.Name is null)
            {
                continue;
            }

            Add(byKindAndName, (doc.Kind, doc.Name), doc);
            Add(byKind, doc.Kind, doc);
        }

        foreach (var t in templates)
        {
            Add(templatesByName, t.Template.Name, t);
        }
    }

    public void CheckTemplates()
    {
        var seen = new Dictionary<(string Folder, string Namespace, string Name), TemplateDraft>();
        foreach (var t in templates)
        {
            var key = (RolloutBinder.FolderOf(t.Document.File), t.NamespaceGiven ? t.Template.Namespace : "", t.Template.Name);
            if (seen.TryGetValue(key, out var first))
            {
                t.Sink.Report(Child(Map(t.Document.Root, "metadata"), "name") ?? t.Document.Root, "metadata.name",
                    "MetricTemplate " + Quote(t.Template.Name) + " is also defined at " + At(first.Document));
                t.Valid = false;
                first.Valid = false;
            }
            else
            {
                seen[key] = t;
            }
        }
    }

    public void Resolve(RolloutDraft draft)
    {
        var spec = draft.Spec;
        ManifestDocument? target = null;
        if (spec.TargetRef.Name.Length > 0)
        {
            target = Find(draft, spec.TargetRef.Kind, spec.TargetRef.Name, draft.TargetRefAt, "spec.targetRef");
        }

        if (spec.AutoscalerRef is { Name.Length: > 0 } hpa)
        {
            Find(draft, hpa.Kind, hpa.Name, draft.AutoscalerRefAt!.Value, "spec.autoscalerRef");
        }

        var ingressRef = spec.IngressRef;
        if (ingressRef is { Name.Length: > 0 })
        {
            Find(draft, ingressRef.Kind, ingressRef.Name, draft.IngressRefAt!.Value, "spec.ingressRef");
        }
        else if (spec.Provider.NeedsIngress && ingressRef is null)
        {
            ingressRef = FindIngress(draft);
        }

        var metrics = spec.Analysis.Metrics.ToList();
        foreach (var (bound, item, node) in draft.TemplateMetrics)
        {
            metrics[bound] = ResolveCounters(draft, ResolveTemplate(draft, metrics[bound], item, node), item, node);
        }

        draft.Spec = spec with
        {
            Target = target,
            IngressRef = ingressRef,
            Analysis = spec.Analysis with { Metrics = metrics, Alerts = AlertReferences.Resolve(draft, alertProviders) },
        };
    }

    private ManifestDocument? Find(RolloutDraft draft, string kind, string name, YamlDotNet.Core.Mark at, string path)
    {
        var found = byKindAndName.TryGetValue((kind, name), out var docs)
            ? docs.Where(d => InScope(draft, d)).ToList()
            : [];
        if (found.Count == 1)
        {
            return found[0];
        }

        var where = draft.Folder.Length == 0 ? "the repository" : draft.Folder;
        if (found.Count > 1)
        {
            draft.Report(at, path, kind + " " + Quote(name) + " is defined more than once under " + where + ": " + string.Join(", ", found.Select(At)));
            return null;
        }

        var others = byKind.TryGetValue(kind, out var sameKind)
            ? sameKind.Where(d => InScope(draft, d)).Select(d => d.Name!).Distinct(StringComparer.Ordinal).ToList()
            : [];
        var suggestion = Suggest.Closest(name, others);
        var message = kind + " " + Quote(name) + " not found in the manifests under " + where;
        message += suggestion is not null ? "; did you mean " + Quote(suggestion) + "?"
            : others.Count > 0 ? "; found " + string.Join(", ", others.Take(5).Select(Quote))
            : "; add its manifest under " + where + ", or fix " + path + ".name";
        draft.Report(at, path, message);
        return null;
    }

    /// <summary>NGINX needs the primary Ingress: the one under the spec's folder whose backend is the service.</summary>
    private TargetRef? FindIngress(RolloutDraft draft)
    {
        var service = draft.Spec.Service.Name ?? draft.Spec.TargetRef.Name;
        var ingresses = byKind.TryGetValue("Ingress", out var all)
            ? all.Where(d => InScope(draft, d) && RoutesTo(d.Root, service)).ToList()
            : [];
        var where = draft.Folder.Length == 0 ? "the repository" : draft.Folder;
        if (ingresses.Count == 1)
        {
            return new TargetRef("Ingress", ingresses[0].Name!, ingresses[0].ApiVersion);
        }

        draft.Report(draft.ProviderAt, "spec.ingressRef", ingresses.Count == 0
            ? "provider " + draft.Spec.Provider.Id + " needs an Ingress: none under " + where + " routes to service " + Quote(service) + "; add one or set spec.ingressRef"
            : "several Ingresses route to service " + Quote(service) + " (" + string.Join(", ", ingresses.Select(i => Quote(i.Name!))) + "); set spec.ingressRef to pick one");
        return null;
    }

    private static bool RoutesTo(YamlMappingNode ingress, string service)
    {
        var spec = Map(ingress, "spec");
        if (BackendService(Map(spec, "defaultBackend") ?? Map(spec, "backend")) == service)
        {
            return true;
        }

        foreach (var rule in Seq(spec, "rules")?.Children.OfType<YamlMappingNode>() ?? [])
        {
            foreach (var p in Seq(Map(rule, "http"), "paths")?.Children.OfType<YamlMappingNode>() ?? [])
            {
                if (BackendService(Map(p, "backend")) == service)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string? BackendService(YamlMappingNode? backend) =>
        Scalar(Map(backend, "service"), "name") ?? Scalar(backend, "serviceName");

    private MetricSpec ResolveTemplate(RolloutDraft draft, MetricSpec metric, int index, YamlMappingNode node)
    {
        var name = metric.TemplateRef;
        if (string.IsNullOrEmpty(name))
        {
            return metric;
        }

        var path = "spec.analysis.metrics[" + index.ToString(CultureInfo.InvariantCulture) + "]";
        var ns = metric.TemplateNamespace ?? draft.Spec.Namespace;
        var template = Lookup(draft, name, ns, Key(node, "templateRef")!.Start, path + ".templateRef", "templateRef");
        if (template is null)
        {
            return metric;
        }

        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (variable, text) in template.Variables)
        {
            if (!metric.TemplateVariables.ContainsKey(variable) && reported.Add(variable))
            {
                draft.Report(Key(node, "templateVariables")?.Start ?? node.Start, path + ".templateVariables",
                    "MetricTemplate " + Quote(name) + " uses " + text + ", but templateVariables has no " + Quote(variable));
            }
        }

        return metric with { Template = template.Template, TemplateNamespace = ns };
    }

    /// <summary>
    /// The MetricTemplate <paramref name="name"/> in <paramref name="ns"/> as the spec in <paramref name="draft"/>
    /// sees it (the nearest definition wins: the one sharing the longest folder with the spec), or null after
    /// reporting why it was not found.
    /// </summary>
    private TemplateDraft? Lookup(RolloutDraft draft, string name, string ns, YamlDotNet.Core.Mark at, string path, string field)
    {
        var candidates = templatesByName.TryGetValue(name, out var named)
            ? named.Where(t => !t.NamespaceGiven || t.Template.Namespace == ns).ToList()
            : [];
        if (candidates.Count == 0)
        {
            var suggestion = Suggest.Closest(name, templatesByName.Keys);
            var fix = named is { Count: > 0 } ? "; one is defined in namespace " + named[0].Template.Namespace + " at " + At(named[0].Document) + "; set " + field + ".namespace to it"
                : suggestion is not null ? "; did you mean " + Quote(suggestion) + "?"
                : "; add a flagger.app/v1beta1 MetricTemplate named " + Quote(name) + " in a YAML file under " +
                  (draft.Folder.Length == 0 ? "the repository" : draft.Folder) + ", or fix " + field;
            draft.Report(at, path, "MetricTemplate " + Quote(name) + " not found in namespace " + ns + fix);
            return null;
        }

        var template = candidates.OrderByDescending(t => CommonPrefix(RolloutBinder.FolderOf(t.Document.File), draft.Folder)).First();
        if (!template.Valid)
        {
            draft.Valid = false;
        }

        return template;
    }

    /// <summary>
    /// Resolves a metric's <c>counters</c> templates. Each must select the version with <c>{{ target }}</c>: the judge
    /// runs it once for the canary's workload and once for the stable's, and a query that ignores the target would
    /// count the same requests twice and never tell the versions apart.
    /// </summary>
    private MetricSpec ResolveCounters(RolloutDraft draft, MetricSpec metric, int index, YamlMappingNode node)
    {
        if (metric.Counters is not { } counters || Map(node, "counters") is not { } countersNode)
        {
            return metric;
        }

        var path = "spec.analysis.metrics[" + index.ToString(CultureInfo.InvariantCulture) + "].counters";
        MetricTemplateRef? Resolve(MetricTemplateRef reference, string key)
        {
            var at = Key(countersNode, key)!.Start;
            var ns = reference.Namespace ?? draft.Spec.Namespace;
            var found = Lookup(draft, reference.Name, ns, at, path + "." + key, "counters." + key);
            if (found is null)
            {
                return null;
            }

            if (!TemplateQuery.Tokens(found.Template.Query, out _).Any(t => t.Name == "target"))
            {
                draft.Report(at, path + "." + key,
                    "MetricTemplate " + Quote(reference.Name) + " (" + At(found.Document) + ") does not use {{ target }}; the judge runs it once per version, " +
                    "so its query must select the version's workload, e.g. destination_workload=\"{{ target }}\"");
            }

            foreach (var (variable, text) in found.Variables)
            {
                if (!metric.TemplateVariables.ContainsKey(variable))
                {
                    draft.Report(at, path + "." + key,
                        "MetricTemplate " + Quote(reference.Name) + " uses " + text + ", but templateVariables has no " + Quote(variable));
                }
            }

            return reference with { Namespace = ns, Template = found.Template };
        }

        var events = Resolve(counters.Events, "events");
        var total = Resolve(counters.Total, "total");
        return events is null || total is null ? metric : metric with { Counters = new MetricCounters(events, total) };
    }

    public void CheckUnique(List<RolloutDraft> rollouts)
    {
        var outputs = new Dictionary<string, RolloutDraft>(StringComparer.Ordinal);
        var targets = new Dictionary<ManifestDocument, RolloutDraft>(ReferenceEqualityComparer.Instance);
        var ids = new Dictionary<string, List<RolloutDraft>>(StringComparer.Ordinal);
        foreach (var draft in rollouts)
        {
            if (draft.OutputPath is { } output)
            {
                if (outputs.TryGetValue(output, out var first))
                {
                    draft.Report(draft.OutputAt, "spec.output",
                        "output folder " + output + " is also used by " + first.Spec.Id + " (" + At(first.Document) + "); give each rollout its own output");
                    first.Valid = false;
                }
                else
                {
                    outputs[output] = draft;
                }
            }

            if (draft.Spec.Target is { } target)
            {
                if (targets.TryGetValue(target, out var first))
                {
                    draft.Report(draft.TargetRefAt, "spec.targetRef",
                        draft.Spec.TargetRef.Kind + " " + Quote(draft.Spec.TargetRef.Name) + " is also the target of " + first.Spec.Id + " (" + At(first.Document) + "); one rollout per target");
                    first.Valid = false;
                }
                else
                {
                    targets[target] = draft;
                }
            }

            // Ids name the rollout in commit trailers, history and status, which span the whole repository: two
            // rollouts with one id in any two folders would read each other's commits. Both files are told.
            if (draft.Spec.Name.Length > 0)
            {
                if (!ids.TryGetValue(draft.Spec.Id, out var same))
                {
                    ids[draft.Spec.Id] = same = [];
                }

                if (same.FirstOrDefault() is { } clash)
                {
                    draft.Report(NameAt(draft), "metadata.name", DuplicateId(draft.Spec.Id, clash.Document));
                    if (same.Count == 1)
                    {
                        clash.Report(NameAt(clash), "metadata.name", DuplicateId(clash.Spec.Id, draft.Document));
                    }
                }

                same.Add(draft);
            }
        }
    }

    private static bool InScope(RolloutDraft draft, ManifestDocument doc) =>
        doc.File.StartsWith(draft.Folder, StringComparison.Ordinal) &&
        (doc.Namespace is null || doc.Namespace == draft.Spec.Namespace);

    private static string DuplicateId(string id, ManifestDocument other) =>
        "rollout " + id + " is also defined at " + At(other) + "; rollout names (namespace/name) must be unique across the repository, because their commits share one history: rename metadata.name in one of them";

    private static YamlDotNet.Core.Mark NameAt(RolloutDraft draft) =>
        Child(Map(draft.Document.Root, "metadata"), "name")?.Start ?? draft.Document.Root.Start;

    private static int CommonPrefix(string a, string b)
    {
        var n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n])
        {
            n++;
        }

        return n;
    }

    internal static string At(ManifestDocument doc) =>
        doc.File + ":" + doc.Line.ToString(CultureInfo.InvariantCulture) + ":" + doc.Column.ToString(CultureInfo.InvariantCulture);

    private static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> index, TKey key, TValue value)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }

        list.Add(value);
    }
}
