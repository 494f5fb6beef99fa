using System.Globalization;
using Graystep.Core.Manifests;
using Graystep.Core.Providers;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static Graystep.Core.Manifests.YamlNodes;

namespace Graystep.Core.Spec;

/// <summary>A rollout as bound from its document, before the checks that need the other files.</summary>
internal sealed class RolloutDraft
{
    public required RolloutSpec Spec { get; set; }

    public required ManifestDocument Document { get; init; }

    public required ProblemSink Sink { get; init; }

    /// <summary>The spec file's folder, ending in '/', or "" at the root.</summary>
    public required string Folder { get; init; }

    /// <summary>Folder + output: the output folder relative to the scan root.</summary>
    public string? OutputPath { get; init; }

    public bool Valid { get; set; }

    public Mark TargetRefAt { get; init; }

    public Mark? AutoscalerRefAt { get; init; }

    public Mark? IngressRefAt { get; init; }

    public Mark OutputAt { get; init; }

    public Mark ProviderAt { get; init; }

    /// <summary>Metrics with a templateRef: index among the bound metrics, index in <c>spec.analysis.metrics</c>, the mapping.</summary>
    public List<(int Bound, int Item, YamlMappingNode Node)> TemplateMetrics { get; } = [];

    public void Report(Mark at, string path, string message)
    {
        Sink.Report(at, path, message);
        Valid = false;
    }
}

/// <summary>
/// Binds a Graystep Rollout or a Flagger Canary document into a <see cref="RolloutSpec"/> with Flagger's defaults,
/// reporting every problem it finds. The schema check has already reported unknown fields and wrong types; what is
/// left here is what needs more than one field: ranges, contradictions, strategy and provider.
/// </summary>
internal sealed class RolloutBinder(ProblemSink sink, ProviderCatalogue catalogue) : BinderBase(sink)
{
    public const string DefaultMetricsServer = "http://prometheus:9090";
    public const string DefaultOutput = "rendered/";

    public RolloutDraft Bind(ManifestDocument doc, SpecKind kind)
    {
        var before = Sink.Count;
        var root = doc.Root;
        new SchemaChecker(Sink).Check(root, kind == SpecKind.Rollout ? SpecSchemas.RolloutDocument : SpecSchemas.CanaryDocument, "", root.Start);

        var metadata = Map(root, "metadata");
        var name = Scalar(metadata, "name") ?? "";
        CheckDnsName(metadata, "name", "metadata.name");
        var ns = Scalar(metadata, "namespace") ?? "default";
        CheckDnsName(metadata, "namespace", "metadata.namespace");

        var spec = Map(root, "spec");
        var provider = BindProvider(spec);
        new FieldTreatments(Sink, provider?.Id).Check(root, kind == SpecKind.Rollout ? SpecSchemas.RolloutDocument : SpecSchemas.CanaryDocument);
        var targetRef = BindRef(spec, "targetRef", "Deployment", "apps/v1", "Graystep renders Deployments");
        var autoscalerRef = Has(spec, "autoscalerRef")
            ? BindRef(spec, "autoscalerRef", "HorizontalPodAutoscaler", "autoscaling/v2", "Graystep renders HorizontalPodAutoscalers per version")
            : null;
        var ingressRef = Has(spec, "ingressRef") ? BindRef(spec, "ingressRef", "Ingress", "networking.k8s.io/v1", "it must name an Ingress") : null;
        var service = BindService(Map(spec, "service"), targetRef.Name, provider);
        var analysisMap = Map(spec, "analysis");
        // A Rollout keeps the version that lost its traffic for Argo Rollouts' 30 s by default; a Flagger Canary
        // cannot set the field, so it keeps Flagger's behaviour (scaled down right after the switch).
        var analysis = new AnalysisBinder(Sink, catalogue).Bind(analysisMap, provider, KeyAt(spec, "analysis", root.Start),
            kind == SpecKind.Rollout ? AnalysisSpec.DefaultScaleDownDelay : TimeSpan.Zero);

        var metricsServer = Scalar(spec, "metricsServer") ?? DefaultMetricsServer;
        if (Has(spec, "metricsServer") && !IsHttpUrl(metricsServer))
        {
            Sink.Report(Child(spec, "metricsServer")!, "spec.metricsServer", "expected an http or https URL such as http://prometheus:9090, got " + Quote(metricsServer));
        }

        var outputRaw = Scalar(spec, "output") ?? DefaultOutput;
        var output = NormalizeOutput(outputRaw);
        if (output is null)
        {
            Sink.Report(Child(spec, "output")!, "spec.output", IsInGitFolder(outputRaw)
                ? "output " + Quote(outputRaw) + " is inside a .git folder, which is git's own; use a plain folder such as rendered/"
                : "output must be a relative folder inside the repository, such as rendered/, got " + Quote(outputRaw));
        }

        var git = BindGit(Map(spec, "git"));
        var approvals = new ApprovalSpec
        {
            Promotion = Bool(Map(spec, "approvals"), "promotion") ?? false,
            Steps = Bool(Map(spec, "approvals"), "steps") ?? false,
        };
        if ((approvals.Promotion || approvals.Steps) && !git.PullRequests)
        {
            Sink.Report(KeyAt(spec, "approvals", root.Start), "spec.approvals", "approvals are pull-request reviews; set git.pullRequests: true");
        }

        var sync = BindSync(Map(spec, "sync"));

        var deadline = Int(spec, "progressDeadlineSeconds") ?? 600;
        if (deadline < 1)
        {
            Sink.Report(Child(spec, "progressDeadlineSeconds")!, "spec.progressDeadlineSeconds", Invariant($"must be at least 1 second, got {deadline}"));
        }

        var folder = FolderOf(doc.File);
        var rollout = new RolloutSpec
        {
            File = doc.File,
            Kind = kind,
            Name = name,
            Namespace = ns,
            Provider = provider ?? catalogue.DefaultTrafficProvider,
            TargetRef = targetRef,
            IngressRef = ingressRef,
            AutoscalerRef = autoscalerRef,
            Service = service,
            MetricsServer = metricsServer,
            Analysis = analysis,
            Output = output ?? DefaultOutput,
            Git = git,
            Approvals = approvals,
            Sync = sync,
            ProgressDeadlineSeconds = deadline,
            SkipAnalysis = Bool(spec, "skipAnalysis") ?? false,
            Suspend = Bool(spec, "suspend") ?? false,
            Document = doc,
        };

        var draft = new RolloutDraft
        {
            Spec = rollout,
            Document = doc,
            Sink = Sink,
            Folder = folder,
            OutputPath = output is null ? null : folder + output,
            TargetRefAt = KeyAt(spec, "targetRef", KeyAt(root, "spec", root.Start)),
            AutoscalerRefAt = Key(spec, "autoscalerRef")?.Start,
            IngressRefAt = Key(spec, "ingressRef")?.Start,
            OutputAt = Child(spec, "output")?.Start ?? KeyAt(root, "spec", root.Start),
            ProviderAt = KeyAt(spec, "provider", KeyAt(root, "spec", root.Start)),
        };

        // Indexes into the bound metrics, which skip items that are not mappings (the schema reports those).
        var metrics = Seq(analysisMap, "metrics");
        var bound = 0;
        for (var i = 0; metrics is not null && i < metrics.Children.Count; i++)
        {
            if (metrics.Children[i] is not YamlMappingNode m)
            {
                continue;
            }

            if (Has(m, "templateRef") || Has(m, "counters"))
            {
                draft.TemplateMetrics.Add((bound, i, m));
            }

            bound++;
        }

        draft.Valid = Sink.Count == before;
        return draft;
    }

    private TrafficProvider? BindProvider(YamlMappingNode? spec)
    {
        if (Child(spec, "provider") is not YamlScalarNode node)
        {
            // Flagger's default mesh.
            return catalogue.DefaultTrafficProvider;
        }

        var provider = catalogue.FindTrafficProvider(node.Value ?? "");
        if (provider is null)
        {
            Sink.Report(node, "spec.provider", "provider " + Quote(node.Value ?? "") + " is not supported; use " + ProviderCatalogue.Or([.. catalogue.TrafficProviders.Select(p => p.Id)]));
        }

        return provider;
    }

    private TargetRef BindRef(YamlMappingNode? spec, string key, string kind, string apiVersion, string why)
    {
        var map = Map(spec, key);
        var path = "spec." + key;
        var givenKind = Scalar(map, "kind");
        if (givenKind is not null && givenKind != kind)
        {
            Sink.Report(Child(map, "kind")!, path + ".kind", "kind " + Quote(givenKind) + " is not supported; " + why + " (kind: " + kind + ")");
        }

        // A name given as an empty scalar (`name: ""`, `name: >-`) would pass the schema and match no manifest.
        var name = Scalar(map, "name");
        if (name is not null && string.IsNullOrWhiteSpace(name))
        {
            Sink.Report(Child(map, "name")!, path + ".name", "expected the name of the " + kind + ", got an empty string");
        }

        return new TargetRef(kind, name ?? "", Scalar(map, "apiVersion") ?? apiVersion);
    }

    private ServiceSpec BindService(YamlMappingNode? map, string targetName, TrafficProvider? provider)
    {
        var port = Int(map, "port") ?? 0;
        if (Child(map, "port") is YamlScalarNode portNode && TryInt(portNode, out _) && port is < 1 or > 65535)
        {
            Sink.Report(portNode, "spec.service.port", Invariant($"port {port} is outside 1..65535"));
        }

        var targetPort = Scalar(map, "targetPort");
        if (Child(map, "targetPort") is YamlScalarNode tp && TryInt(tp, out var tpNumber) && tpNumber is < 1 or > 65535)
        {
            Sink.Report(tp, "spec.service.targetPort", Invariant($"port {tpNumber} is outside 1..65535"));
        }

        var gatewayRefs = new List<GatewayRef>();
        if (Seq(map, "gatewayRefs") is { } refs)
        {
            foreach (var item in refs.Children.OfType<YamlMappingNode>())
            {
                gatewayRefs.Add(new GatewayRef(Scalar(item, "name") ?? "", Scalar(item, "namespace")) { Written = item });
            }
        }

        if (provider is { NeedsGatewayRefs: true } && gatewayRefs.Count == 0 && map is not null)
        {
            Sink.Report(KeyAt(map, "gatewayRefs", map.Start), "spec.service.gatewayRefs",
                $"provider {provider.Id} needs the Gateways the HTTPRoute attaches to; add service.gatewayRefs: [{{name: <gateway>, namespace: <ns>}}]");
        }

        return new ServiceSpec
        {
            Port = port,
            TargetPort = targetPort ?? port.ToString(CultureInfo.InvariantCulture),
            PortName = Scalar(map, "portName") ?? "http",
            Hosts = Strings(Seq(map, "hosts")),
            Gateways = Strings(Seq(map, "gateways")),
            Delegation = Scalar(map, "delegation") == "true",
            GatewayRefs = gatewayRefs,
            Name = Scalar(map, "name") ?? targetName,
            Match = Seq(map, "match") is { Children.Count: > 0 } match ? match : null,
            RouteFields = RouteFields(map),
            TrafficPolicy = Map(map, "trafficPolicy") is { Children.Count: > 0 } policy ? policy : null,
        };
    }

    /// <summary>Flagger's Istio route fields that are set, in Flagger's order; rewrite keeps Istio's uri and authority.</summary>
    private static List<KeyValuePair<string, YamlNode>> RouteFields(YamlMappingNode? service)
    {
        var fields = new List<KeyValuePair<string, YamlNode>>();
        foreach (var name in (string[])["rewrite", "timeout", "retries", "corsPolicy", "headers"])
        {
            if (Child(service, name) is { } node && !IsNull(node) && node is not YamlMappingNode { Children.Count: 0 })
            {
                fields.Add(new(name, node));
            }
        }

        return fields;
    }


    private GitSpec BindGit(YamlMappingNode? map)
    {
        var method = MergeMethod.Squash;
        if (Child(map, "mergeMethod") is YamlScalarNode node)
        {
            switch (node.Value)
            {
                case "merge": method = MergeMethod.Merge; break;
                case "squash": method = MergeMethod.Squash; break;
                case "rebase": method = MergeMethod.Rebase; break;
                case "rebaseMerge": method = MergeMethod.RebaseMerge; break;
                default:
                    Sink.Report(node, "spec.git.mergeMethod", "unknown mergeMethod " + Quote(node.Value ?? "") + "; use merge, squash, rebase or rebaseMerge (Azure Repos only)");
                    break;
            }
        }

        return new GitSpec { PullRequests = Bool(map, "pullRequests") ?? false, MergeMethod = method };
    }

    private SyncSpec BindSync(YamlMappingNode? map)
    {
        var kind = SyncSpec.DefaultKind;
        if (Child(map, "kind") is YamlScalarNode node)
        {
            if (catalogue.SyncKinds.Contains(node.Value ?? "", StringComparer.Ordinal))
            {
                kind = node.Value!;
            }
            else
            {
                var suggestion = Suggest.Closest(node.Value ?? "", catalogue.SyncKinds);
                Sink.Report(node, "spec.sync.kind", "unknown sync kind " + Quote(node.Value ?? "") +
                    (suggestion is not null ? "; did you mean " + Quote(suggestion) + "?" : "; use " + ProviderCatalogue.Or(catalogue.SyncKinds)));
            }
        }

        var delay = Duration(map, "delay") ?? TimeSpan.FromSeconds(30);
        if (delay < TimeSpan.Zero)
        {
            Sink.Report(Child(map, "delay")!, "spec.sync.delay", "delay must not be negative, got " + Quote(Scalar(map, "delay") ?? ""));
        }

        var server = Scalar(map, "server");
        if (server is not null && !IsHttpUrl(server))
        {
            Sink.Report(Child(map, "server")!, "spec.sync.server", "expected an http or https URL, got " + Quote(server));
        }

        var context = Scalar(map, "context");
        if (context is not null && (kind is "none" or "delay"))
        {
            Sink.Report(Child(map, "context")!, "spec.sync.context", "context is read only by the sync kinds that read the Kubernetes API, but the kind is " + Quote(kind) + "; remove it or set the kind");
        }
        else if (context is not null && string.IsNullOrWhiteSpace(context))
        {
            Sink.Report(Child(map, "context")!, "spec.sync.context", "expected the name of a kubeconfig context, got an empty string");
        }

        var argocdServer = Scalar(map, "argocdServer");
        if (argocdServer is not null && !IsHttpUrl(argocdServer))
        {
            Sink.Report(Child(map, "argocdServer")!, "spec.sync.argocdServer", "expected the http or https URL of Argo CD's API server, got " + Quote(argocdServer));
        }

        if (argocdServer is not null && kind != "argocd")
        {
            Sink.Report(Child(map, "argocdServer")!, "spec.sync.argocdServer", "argocdServer is read only by sync.kind argocd, but the kind is " + Quote(kind) + "; remove it or set kind: argocd");
        }

        // The kubernetes gate reads the objects the commit renders, not a reconciler's object: a name for one would
        // be ignored, so it is refused rather than dropped.
        foreach (var field in (string[])["application", "applicationNamespace", "project"])
        {
            if (kind == "kubernetes" && Child(map, field) is { } ignored)
            {
                Sink.Report(ignored, "spec.sync." + field, field + " is read only by the gates that ask a reconciler (argocd, flux), but sync.kind kubernetes reads the objects the commit renders; remove it");
            }
        }

        return new SyncSpec
        {
            Kind = kind,
            Delay = delay,
            Application = Scalar(map, "application"),
            ApplicationNamespace = Scalar(map, "applicationNamespace"),
            Server = server,
            Context = context,
            ArgocdServer = argocdServer,
            Project = Scalar(map, "project"),
        };
    }

    /// <summary>The output folder relative to the spec file's folder, as <c>a/b/</c>; null when it leaves the repository.</summary>
    public static string? NormalizeOutput(string raw)
    {
        var s = raw.Replace('\\', '/');
        if (s.StartsWith('/') || (s.Length >= 2 && s[1] == ':') || s.Contains("://", StringComparison.Ordinal))
        {
            return null;
        }

        var segments = s.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(x => x != ".").ToList();
        if (segments.Count == 0 || segments.Contains("..") || IsInGitFolder(raw))
        {
            return null;
        }

        return string.Join('/', segments) + "/";
    }

    /// <summary>True when a segment is .git (any case: case-insensitive file systems open .GIT as .git).</summary>
    public static bool IsInGitFolder(string path) =>
        path.Replace('\\', '/').Split('/').Any(segment => string.Equals(segment.TrimEnd('.', ' '), ".git", StringComparison.OrdinalIgnoreCase));

    public static string FolderOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..(slash + 1)];
    }

}
