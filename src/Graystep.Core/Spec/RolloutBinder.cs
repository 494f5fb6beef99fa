using System.Globalization;
using Graystep.Core.Manifests;
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

    /// <summary>Metrics with a templateRef, by index in <c>spec.analysis.metrics</c>, with their mapping.</summary>
    public List<(int Index, YamlMappingNode Node)> TemplateMetrics { get; } = [];

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
internal sealed class RolloutBinder(ProblemSink sink)
{
    public const string DefaultMetricsServer = "http://prometheus:9090";
    public const string DefaultOutput = "rendered/";

    private static readonly string[] BuiltinMetrics = ["request-success-rate", "request-duration"];

    private static readonly (string Name, WebhookType Type)[] WebhookTypes =
    [
        ("confirm-rollout", WebhookType.ConfirmRollout),
        ("pre-rollout", WebhookType.PreRollout),
        ("rollout", WebhookType.Rollout),
        ("confirm-traffic-increase", WebhookType.ConfirmTrafficIncrease),
        ("confirm-promotion", WebhookType.ConfirmPromotion),
        ("post-rollout", WebhookType.PostRollout),
        ("rollback", WebhookType.Rollback),
        ("event", WebhookType.Event),
    ];

    public RolloutDraft Bind(ManifestDocument doc, SpecKind kind)
    {
        var before = sink.Count;
        var root = doc.Root;
        new SchemaChecker(sink).Check(root, kind == SpecKind.Rollout ? SpecSchemas.RolloutDocument : SpecSchemas.CanaryDocument, "", root.Start);

        var metadata = Map(root, "metadata");
        var name = Scalar(metadata, "name") ?? "";
        CheckDnsName(metadata, "name", "metadata.name");
        var ns = Scalar(metadata, "namespace") ?? "default";
        CheckDnsName(metadata, "namespace", "metadata.namespace");

        var spec = Map(root, "spec");
        var provider = BindProvider(spec);
        var targetRef = BindRef(spec, "targetRef", "Deployment", "apps/v1", "Graystep renders Deployments");
        var autoscalerRef = Has(spec, "autoscalerRef")
            ? BindRef(spec, "autoscalerRef", "HorizontalPodAutoscaler", "autoscaling/v2", "Graystep renders HorizontalPodAutoscalers per version")
            : null;
        var ingressRef = Has(spec, "ingressRef") ? BindRef(spec, "ingressRef", "Ingress", "networking.k8s.io/v1", "it must name an Ingress") : null;
        var service = BindService(Map(spec, "service"), targetRef.Name, provider);
        var analysisMap = Map(spec, "analysis");
        var analysis = BindAnalysis(analysisMap, provider, KeyAt(spec, "analysis", root.Start));

        var metricsServer = Scalar(spec, "metricsServer") ?? DefaultMetricsServer;
        if (Has(spec, "metricsServer") && !IsHttpUrl(metricsServer))
        {
            sink.Report(Child(spec, "metricsServer")!, "spec.metricsServer", "expected an http or https URL such as http://prometheus:9090, got " + Quote(metricsServer));
        }

        var outputRaw = Scalar(spec, "output") ?? DefaultOutput;
        var output = NormalizeOutput(outputRaw);
        if (output is null)
        {
            sink.Report(Child(spec, "output")!, "spec.output", "output must be a relative folder inside the repository, such as rendered/, got " + Quote(outputRaw));
        }

        var git = BindGit(Map(spec, "git"));
        var approvals = new ApprovalSpec
        {
            Promotion = Bool(Map(spec, "approvals"), "promotion") ?? false,
            Steps = Bool(Map(spec, "approvals"), "steps") ?? false,
        };
        if ((approvals.Promotion || approvals.Steps) && !git.PullRequests)
        {
            sink.Report(KeyAt(spec, "approvals", root.Start), "spec.approvals", "approvals are pull-request reviews; set git.pullRequests: true");
        }

        var sync = BindSync(Map(spec, "sync"));

        var deadline = Int(spec, "progressDeadlineSeconds") ?? 600;
        if (deadline < 1)
        {
            sink.Report(Child(spec, "progressDeadlineSeconds")!, "spec.progressDeadlineSeconds", Invariant($"must be at least 1 second, got {deadline}"));
        }

        var folder = FolderOf(doc.File);
        var rollout = new RolloutSpec
        {
            File = doc.File,
            Kind = kind,
            Name = name,
            Namespace = ns,
            Provider = provider ?? Provider.Istio,
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
            Sink = sink,
            Folder = folder,
            OutputPath = output is null ? null : folder + output,
            TargetRefAt = KeyAt(spec, "targetRef", KeyAt(root, "spec", root.Start)),
            AutoscalerRefAt = Key(spec, "autoscalerRef")?.Start,
            IngressRefAt = Key(spec, "ingressRef")?.Start,
            OutputAt = Child(spec, "output")?.Start ?? KeyAt(root, "spec", root.Start),
            ProviderAt = KeyAt(spec, "provider", KeyAt(root, "spec", root.Start)),
        };

        var metrics = Seq(analysisMap, "metrics");
        for (var i = 0; metrics is not null && i < metrics.Children.Count; i++)
        {
            if (metrics.Children[i] is YamlMappingNode m && Has(m, "templateRef"))
            {
                draft.TemplateMetrics.Add((i, m));
            }
        }

        draft.Valid = sink.Count == before;
        return draft;
    }

    private Provider? BindProvider(YamlMappingNode? spec)
    {
        if (Child(spec, "provider") is not YamlScalarNode node)
        {
            // Flagger's default mesh.
            return Provider.Istio;
        }

        var provider = ParseProvider(node.Value);
        if (provider is null)
        {
            sink.Report(node, "spec.provider", "provider " + Quote(node.Value ?? "") + " is not supported; use istio, nginx, gateway-api or kubernetes");
        }

        return provider;
    }

    public static Provider? ParseProvider(string? name) => name switch
    {
        "istio" => Provider.Istio,
        "nginx" => Provider.Nginx,
        "gateway-api" or "gatewayapi" or "gatewayapi:v1" or "gatewayapi:v1beta1" => Provider.GatewayApi,
        "kubernetes" => Provider.Kubernetes,
        _ => null,
    };

    public static string ProviderName(Provider provider) => provider switch
    {
        Provider.Istio => "istio",
        Provider.Nginx => "nginx",
        Provider.GatewayApi => "gateway-api",
        _ => "kubernetes",
    };

    private TargetRef BindRef(YamlMappingNode? spec, string key, string kind, string apiVersion, string why)
    {
        var map = Map(spec, key);
        var path = "spec." + key;
        var givenKind = Scalar(map, "kind");
        if (givenKind is not null && givenKind != kind)
        {
            sink.Report(Child(map, "kind")!, path + ".kind", "kind " + Quote(givenKind) + " is not supported; " + why + " (kind: " + kind + ")");
        }

        return new TargetRef(kind, Scalar(map, "name") ?? "", Scalar(map, "apiVersion") ?? apiVersion);
    }

    private ServiceSpec BindService(YamlMappingNode? map, string targetName, Provider? provider)
    {
        var port = Int(map, "port") ?? 0;
        if (Child(map, "port") is YamlScalarNode portNode && TryInt(portNode, out _) && port is < 1 or > 65535)
        {
            sink.Report(portNode, "spec.service.port", Invariant($"port {port} is outside 1..65535"));
        }

        var targetPort = Scalar(map, "targetPort");
        if (Child(map, "targetPort") is YamlScalarNode tp && TryInt(tp, out var tpNumber) && tpNumber is < 1 or > 65535)
        {
            sink.Report(tp, "spec.service.targetPort", Invariant($"port {tpNumber} is outside 1..65535"));
        }

        var gatewayRefs = new List<GatewayRef>();
        if (Seq(map, "gatewayRefs") is { } refs)
        {
            foreach (var item in refs.Children.OfType<YamlMappingNode>())
            {
                gatewayRefs.Add(new GatewayRef(Scalar(item, "name") ?? "", Scalar(item, "namespace")));
            }
        }

        if (provider == Provider.GatewayApi && gatewayRefs.Count == 0 && map is not null)
        {
            sink.Report(KeyAt(map, "gatewayRefs", map.Start), "spec.service.gatewayRefs",
                "provider gateway-api needs the Gateways the HTTPRoute attaches to; add service.gatewayRefs: [{name: <gateway>, namespace: <ns>}]");
        }

        return new ServiceSpec
        {
            Port = port,
            TargetPort = targetPort ?? port.ToString(CultureInfo.InvariantCulture),
            PortName = Scalar(map, "portName") ?? "http",
            Hosts = Strings(Seq(map, "hosts")),
            Gateways = Strings(Seq(map, "gateways")),
            GatewayRefs = gatewayRefs,
            Name = Scalar(map, "name") ?? targetName,
        };
    }

    private AnalysisSpec BindAnalysis(YamlMappingNode? map, Provider? provider, Mark analysisAt)
    {
        const string path = "spec.analysis";
        var interval = Duration(map, "interval") ?? TimeSpan.FromMinutes(1);
        PositiveDuration(map, "interval", path, interval);

        var threshold = Int(map, "threshold") ?? 1;
        if (Has(map, "threshold") && threshold < 1)
        {
            sink.Report(Child(map, "threshold")!, path + ".threshold", Invariant($"threshold is the number of failed checks before rollback and must be at least 1, got {threshold}"));
        }

        var stepWeightsNode = Seq(map, "stepWeights");
        var stepWeights = BindStepWeights(stepWeightsNode, path + ".stepWeights");
        var stepWeight = Weight(map, "stepWeight", path, min: 1);
        var maxWeight = Weight(map, "maxWeight", path, min: 1);
        var promotion = Weight(map, "stepWeightPromotion", path, min: 1);
        var mirrorWeight = Weight(map, "mirrorWeight", path, min: 0);
        var iterations = Int(map, "iterations");
        if (iterations is < 1)
        {
            sink.Report(Child(map, "iterations")!, path + ".iterations", Invariant($"iterations must be at least 1, got {iterations}"));
        }

        var mirror = Bool(map, "mirror") ?? false;
        var matchNode = Seq(map, "match");
        var match = BindMatch(matchNode, provider, path + ".match");

        var hasSteps = stepWeightsNode is not null;
        var hasStep = Has(map, "stepWeight");
        var hasIterations = Has(map, "iterations");
        var hasMatch = matchNode is not null && matchNode.Children.Count > 0;

        // Contradictions: each names the two fields and what to keep.
        if (hasSteps && hasStep)
        {
            sink.Report(KeyAt(map, "stepWeight", analysisAt), path + ".stepWeight", "stepWeight cannot be combined with stepWeights; use stepWeights, or stepWeight with maxWeight");
        }

        if (hasIterations && (hasSteps || hasStep))
        {
            var canaryField = hasSteps ? "stepWeights" : "stepWeight";
            sink.Report(KeyAt(map, "iterations", analysisAt), path + ".iterations",
                "iterations (A/B testing, blue/green) cannot be combined with " + canaryField + " (weighted canary); keep one of them");
        }

        if (hasMatch && !hasIterations)
        {
            sink.Report(KeyAt(map, "match", analysisAt), path + ".match", "match (A/B testing) needs iterations; set analysis.iterations");
        }

        if (mirror && !hasIterations)
        {
            sink.Report(KeyAt(map, "mirror", analysisAt), path + ".mirror", "mirror (blue/green with mirroring) needs iterations; set analysis.iterations");
        }

        if (mirror && hasMatch)
        {
            sink.Report(KeyAt(map, "mirror", analysisAt), path + ".mirror", "mirror cannot be combined with match; A/B testing routes matching requests, it does not mirror them");
        }

        if (Has(map, "maxWeight") && !hasStep)
        {
            sink.Report(KeyAt(map, "maxWeight", analysisAt), path + ".maxWeight", hasSteps
                ? "maxWeight cannot be combined with stepWeights; the last of stepWeights is the maximum weight"
                : "maxWeight needs stepWeight; the canary advances by stepWeight up to maxWeight");
        }

        if (Has(map, "mirrorWeight") && !mirror)
        {
            sink.Report(KeyAt(map, "mirrorWeight", analysisAt), path + ".mirrorWeight", "mirrorWeight needs mirror: true");
        }

        // A misspelt strategy field is reported as unknown; do not report its absence as well.
        if (map is not null && !hasSteps && !hasStep && !hasIterations && !SpecSchemas.Analysis.HasUnknownKeys(map))
        {
            sink.Report(analysisAt, path, "analysis needs stepWeights, stepWeight (with maxWeight), or iterations (with match for A/B testing, mirror for mirroring)");
        }

        if (stepWeight is not null && maxWeight is not null && maxWeight < stepWeight)
        {
            sink.Report(Child(map, "maxWeight")!, path + ".maxWeight", Invariant($"maxWeight {maxWeight} is below stepWeight {stepWeight}"));
        }

        var strategy = hasIterations && hasMatch ? Strategy.ABTesting
            : hasIterations && mirror ? Strategy.BlueGreenMirroring
            : hasIterations ? Strategy.BlueGreen
            : Strategy.Canary;

        IReadOnlyList<int> weights = strategy != Strategy.Canary ? []
            : hasSteps ? stepWeights
            : stepWeight is > 0 ? Ladder(stepWeight.Value, maxWeight ?? 100)
            : [];

        if (provider is { } p)
        {
            CheckStrategyForProvider(map, p, strategy, hasSteps, analysisAt);
        }

        var metrics = BindMetrics(Seq(map, "metrics"), path + ".metrics");
        var webhooks = BindWebhooks(Seq(map, "webhooks"), path + ".webhooks");

        return new AnalysisSpec
        {
            Strategy = strategy,
            Interval = interval,
            Threshold = threshold,
            StepWeights = weights,
            StepWeightPromotion = promotion,
            Iterations = strategy == Strategy.Canary ? 0 : iterations ?? 0,
            Match = match,
            Mirror = mirror,
            MirrorWeight = mirrorWeight is > 0 ? mirrorWeight : null,
            Metrics = metrics,
            Webhooks = webhooks,
        };
    }

    /// <summary>Flagger's weight ladder: stepWeight, 2×stepWeight, ... capped at maxWeight, which is the last step.</summary>
    public static IReadOnlyList<int> Ladder(int stepWeight, int maxWeight)
    {
        var weights = new List<int>();
        for (var w = stepWeight; w < maxWeight; w += stepWeight)
        {
            weights.Add(w);
        }

        weights.Add(maxWeight);
        return weights;
    }

    private List<int> BindStepWeights(YamlSequenceNode? seq, string path)
    {
        var weights = new List<int>();
        if (seq is null)
        {
            return weights;
        }

        if (seq.Children.Count == 0)
        {
            sink.Report(seq, path, "stepWeights must list at least one weight, e.g. [10, 20, 50]");
        }

        // The highest weight so far and where it is, so the message points at the step it has to exceed.
        int? highest = null;
        var highestAt = -1;
        for (var i = 0; i < seq.Children.Count; i++)
        {
            if (seq.Children[i] is not YamlScalarNode item || !TryInt(item, out var w))
            {
                continue;
            }

            var itemPath = ProblemSink.Index(path, i);
            if (w is < 1 or > 100)
            {
                sink.Report(item, itemPath, Invariant($"weight {w} is outside 1..100"));
            }
            else if (highest is { } top && w <= top)
            {
                var before = highestAt == i - 1 ? "the previous step" : ProblemSink.Index("stepWeights", highestAt);
                sink.Report(item, itemPath, Invariant($"weight {w} does not increase on {before} ({top}); steps must strictly increase"));
            }
            else
            {
                highest = w;
                highestAt = i;
            }

            weights.Add(w);
        }

        return weights;
    }

    private int? Weight(YamlMappingNode? map, string key, string path, int min)
    {
        var value = Int(map, key);
        if (value is { } w && (w < min || w > 100))
        {
            sink.Report(Child(map, key)!, path + "." + key, Invariant($"{key} {w} is outside {min}..100"));
        }

        return value;
    }

    private void CheckStrategyForProvider(YamlMappingNode? map, Provider provider, Strategy strategy, bool hasSteps, Mark analysisAt)
    {
        const string path = "spec.analysis";
        var name = ProviderName(provider);
        switch (strategy)
        {
            case Strategy.Canary when provider == Provider.Kubernetes:
                var field = hasSteps ? "stepWeights" : "stepWeight";
                if (Has(map, field))
                {
                    sink.Report(KeyAt(map, field, analysisAt), path + "." + field,
                        "weighted canary (" + field + ") is not supported by provider kubernetes, which only switches Services (blue/green); use iterations, or provider istio, nginx or gateway-api");
                }

                break;

            case Strategy.ABTesting when provider == Provider.Kubernetes:
                sink.Report(KeyAt(map, "match", analysisAt), path + ".match",
                    "A/B testing (match) is not supported by provider kubernetes; use istio, nginx or gateway-api");
                break;

            case Strategy.BlueGreenMirroring when provider is Provider.Kubernetes or Provider.Nginx:
                sink.Report(KeyAt(map, "mirror", analysisAt), path + ".mirror",
                    "traffic mirroring (mirror) is not supported by provider " + name + "; use istio or gateway-api");
                break;
        }
    }

    private List<MatchRule> BindMatch(YamlSequenceNode? seq, Provider? provider, string path)
    {
        var rules = new List<MatchRule>();
        if (seq is null)
        {
            return rules;
        }

        // NGINX expresses A/B with one canary-by-header and one canary-by-cookie annotation.
        var nginxHeaders = 0;
        var nginxCookies = 0;
        for (var i = 0; i < seq.Children.Count; i++)
        {
            if (seq.Children[i] is not YamlMappingNode item)
            {
                continue;
            }

            var itemPath = ProblemSink.Index(path, i);
            var headers = BindConditions(Map(item, "headers"), itemPath + ".headers", "header", provider, allowSuffix: true, ref nginxHeaders, ref nginxCookies);
            var query = BindConditions(Map(item, "queryParams"), itemPath + ".queryParams", "query parameter", provider, allowSuffix: false, ref nginxHeaders, ref nginxCookies);
            if (headers.Count == 0 && query.Count == 0 && !SpecSchemas.Match.HasUnknownKeys(item) && !Has(item, "headers") && !Has(item, "queryParams"))
            {
                sink.Report(item, itemPath, "a match entry needs headers or queryParams");
            }

            rules.Add(new MatchRule { Headers = headers, QueryParams = query });
        }

        if (provider == Provider.Nginx && (nginxHeaders > 1 || nginxCookies > 1))
        {
            sink.Report(seq, path, Invariant($"provider nginx supports one header and one cookie condition (canary-by-header, canary-by-cookie), got {nginxHeaders} headers and {nginxCookies} cookies; use istio or gateway-api for more"));
        }

        return rules;
    }

    private SortedDictionary<string, StringMatch> BindConditions(
        YamlMappingNode? map, string path, string what, Provider? provider, bool allowSuffix, ref int nginxHeaders, ref int nginxCookies)
    {
        var conditions = new SortedDictionary<string, StringMatch>(StringComparer.Ordinal);
        if (map is null)
        {
            return conditions;
        }

        foreach (var entry in map.Children)
        {
            if (entry.Key is not YamlScalarNode { Value: { } name } key || entry.Value is not YamlMappingNode condition)
            {
                continue;
            }

            var conditionPath = ProblemSink.Join(path, name);
            var kinds = new List<(StringMatchKind Kind, string Field)>();
            foreach (var (field, kind) in new[] { ("exact", StringMatchKind.Exact), ("prefix", StringMatchKind.Prefix), ("suffix", StringMatchKind.Suffix), ("regex", StringMatchKind.Regex) })
            {
                if (Has(condition, field))
                {
                    kinds.Add((kind, field));
                }
            }

            var schema = allowSuffix ? SpecSchemas.HeaderMatch : SpecSchemas.QueryParamMatch;
            if (kinds.Count != 1 && !(kinds.Count == 0 && schema.HasUnknownKeys(condition)))
            {
                var choices = allowSuffix ? "exact, prefix, suffix or regex" : "exact, prefix or regex";
                sink.Report(key, conditionPath, "set exactly one of " + choices + ", got " + (kinds.Count == 0 ? "none" : string.Join(" and ", kinds.Select(k => k.Field))));
                continue;
            }

            if (kinds.Count != 1)
            {
                continue;
            }

            var (matchKind, matchField) = kinds[0];
            var value = Scalar(condition, matchField) ?? "";
            var at = Child(condition, matchField)!;
            var isCookie = what == "header" && string.Equals(name, "cookie", StringComparison.OrdinalIgnoreCase);
            if (matchKind == StringMatchKind.Regex)
            {
                CheckRegex(value, at, ProblemSink.Join(conditionPath, matchField));
            }

            switch (provider)
            {
                case Provider.Istio when matchKind == StringMatchKind.Suffix:
                    sink.Report(at, ProblemSink.Join(conditionPath, matchField), "suffix matching is not supported by provider istio; use regex, e.g. \".*" + value + "$\"");
                    break;
                case Provider.GatewayApi when matchKind is StringMatchKind.Prefix or StringMatchKind.Suffix:
                    sink.Report(at, ProblemSink.Join(conditionPath, matchField), matchField + " matching is not supported by provider gateway-api; use exact or regex");
                    break;
                case Provider.Nginx when what != "header":
                    sink.Report(key, conditionPath, "query parameter matching is not supported by provider nginx; use a header or cookie, or provider istio or gateway-api");
                    break;
                case Provider.Nginx when isCookie && matchKind != StringMatchKind.Exact:
                    sink.Report(at, ProblemSink.Join(conditionPath, matchField), "provider nginx matches a cookie by name (canary-by-cookie); use cookie: {exact: <cookie name>}");
                    break;
                case Provider.Nginx when matchKind is StringMatchKind.Prefix or StringMatchKind.Suffix:
                    sink.Report(at, ProblemSink.Join(conditionPath, matchField), matchField + " matching is not supported by provider nginx; use exact or regex");
                    break;
            }

            if (isCookie)
            {
                nginxCookies++;
            }
            else if (what == "header")
            {
                nginxHeaders++;
            }

            conditions[name] = new StringMatch(matchKind, value);
        }

        return conditions;
    }

    private void CheckRegex(string pattern, YamlNode at, string path)
    {
        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            sink.Report(at, path, "invalid regex " + Quote(pattern) + ": " + e.Message);
        }
    }

    private List<MetricSpec> BindMetrics(YamlSequenceNode? seq, string path)
    {
        var metrics = new List<MetricSpec>();
        for (var i = 0; seq is not null && i < seq.Children.Count; i++)
        {
            if (seq.Children[i] is not YamlMappingNode item)
            {
                continue;
            }

            var itemPath = ProblemSink.Index(path, i);
            var name = Scalar(item, "name") ?? "";
            var interval = Duration(item, "interval") ?? TimeSpan.FromMinutes(1);
            PositiveDuration(item, "interval", itemPath, interval);
            var templateRef = Map(item, "templateRef");
            var query = Scalar(item, "query");
            var builtin = BuiltinMetrics.Contains(name, StringComparer.Ordinal);

            if (templateRef is not null && query is not null)
            {
                sink.Report(KeyAt(item, "query", item.Start), itemPath + ".query", "query cannot be combined with templateRef; keep the templateRef");
            }
            else if (!builtin && templateRef is null && query is null && name.Length > 0)
            {
                var suggestion = Suggest.Closest(name, BuiltinMetrics);
                sink.Report(Child(item, "name")!, itemPath + ".name", "metric " + Quote(name) + " is not built in; " +
                    (suggestion is not null ? "did you mean " + Quote(suggestion) + "? Otherwise " : "") +
                    "add a templateRef to a MetricTemplate, or use request-success-rate or request-duration");
            }

            metrics.Add(new MetricSpec
            {
                Name = name,
                Interval = interval,
                ThresholdRange = BindThresholdRange(item, itemPath, name),
                TemplateRef = Scalar(templateRef, "name"),
                TemplateNamespace = Scalar(templateRef, "namespace"),
                TemplateVariables = StringMap(Map(item, "templateVariables")),
                Query = query,
            });
        }

        return metrics;
    }

    private ThresholdRange BindThresholdRange(YamlMappingNode item, string path, string name)
    {
        var range = Map(item, "thresholdRange");
        if (range is not null)
        {
            var min = Number(range, "min");
            var max = Number(range, "max");
            if (!Has(range, "min") && !Has(range, "max"))
            {
                sink.Report(KeyAt(item, "thresholdRange", item.Start), path + ".thresholdRange", "thresholdRange needs min, max or both");
            }
            else if (min > max)
            {
                sink.Report(KeyAt(item, "thresholdRange", item.Start), path + ".thresholdRange", Invariant($"min {min} is above max {max}"));
            }

            return new ThresholdRange(min, max);
        }

        // Flagger's deprecated single threshold: a floor for the success rate, a ceiling for everything else.
        if (Number(item, "threshold") is { } threshold)
        {
            return name == "request-success-rate" ? new ThresholdRange(threshold, null) : new ThresholdRange(null, threshold);
        }

        if (!Has(item, "threshold"))
        {
            sink.Report(item, path + ".thresholdRange", "required field is missing; set thresholdRange: {min: ..., max: ...}");
        }

        return new ThresholdRange(null, null);
    }

    private List<WebhookSpec> BindWebhooks(YamlSequenceNode? seq, string path)
    {
        var webhooks = new List<WebhookSpec>();
        for (var i = 0; seq is not null && i < seq.Children.Count; i++)
        {
            if (seq.Children[i] is not YamlMappingNode item)
            {
                continue;
            }

            var itemPath = ProblemSink.Index(path, i);
            var type = WebhookType.Rollout;
            if (Child(item, "type") is YamlScalarNode typeNode && !string.IsNullOrEmpty(typeNode.Value))
            {
                var found = WebhookTypes.FirstOrDefault(t => t.Name == typeNode.Value);
                if (found.Name is null)
                {
                    var suggestion = Suggest.Closest(typeNode.Value, WebhookTypes.Select(t => t.Name));
                    sink.Report(typeNode, itemPath + ".type", "unknown webhook type " + Quote(typeNode.Value) +
                        (suggestion is not null ? "; did you mean " + Quote(suggestion) + "?" : "; use one of " + string.Join(", ", WebhookTypes.Select(t => t.Name))));
                }
                else
                {
                    type = found.Type;
                }
            }

            var url = Scalar(item, "url");
            Uri? uri = null;
            if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out uri) && uri.Scheme is "http" or "https"))
            {
                sink.Report(Child(item, "url")!, itemPath + ".url", "expected an http or https URL, got " + Quote(url));
                uri = null;
            }

            var timeout = Duration(item, "timeout") ?? TimeSpan.FromSeconds(10);
            PositiveDuration(item, "timeout", itemPath, timeout);
            var retries = Int(item, "retries") ?? 0;
            if (retries < 0)
            {
                sink.Report(Child(item, "retries")!, itemPath + ".retries", Invariant($"retries must be 0 or more, got {retries}"));
            }

            webhooks.Add(new WebhookSpec
            {
                Name = Scalar(item, "name") ?? "",
                Type = type,
                Url = uri ?? new Uri("http://invalid/"),
                Timeout = timeout,
                Metadata = StringMap(Map(item, "metadata")),
                MuteAlert = Bool(item, "muteAlert") ?? false,
                Retries = retries,
            });
        }

        return webhooks;
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
                default:
                    sink.Report(node, "spec.git.mergeMethod", "unknown mergeMethod " + Quote(node.Value ?? "") + "; use merge, squash or rebase");
                    break;
            }
        }

        return new GitSpec { PullRequests = Bool(map, "pullRequests") ?? false, MergeMethod = method };
    }

    private SyncSpec BindSync(YamlMappingNode? map)
    {
        var kind = SyncKind.Delay;
        if (Child(map, "kind") is YamlScalarNode node)
        {
            switch (node.Value)
            {
                case "none": kind = SyncKind.None; break;
                case "delay": kind = SyncKind.Delay; break;
                case "argocd": kind = SyncKind.ArgoCd; break;
                case "flux": kind = SyncKind.Flux; break;
                default:
                    var suggestion = Suggest.Closest(node.Value ?? "", ["none", "delay", "argocd", "flux"]);
                    sink.Report(node, "spec.sync.kind", "unknown sync kind " + Quote(node.Value ?? "") +
                        (suggestion is not null ? "; did you mean " + Quote(suggestion) + "?" : "; use none, delay, argocd or flux"));
                    break;
            }
        }

        var delay = Duration(map, "delay") ?? TimeSpan.FromSeconds(30);
        if (delay < TimeSpan.Zero)
        {
            sink.Report(Child(map, "delay")!, "spec.sync.delay", "delay must not be negative, got " + Quote(Scalar(map, "delay") ?? ""));
        }

        var server = Scalar(map, "server");
        if (server is not null && !IsHttpUrl(server))
        {
            sink.Report(Child(map, "server")!, "spec.sync.server", "expected an http or https URL, got " + Quote(server));
        }

        return new SyncSpec
        {
            Kind = kind,
            Delay = delay,
            Application = Scalar(map, "application"),
            ApplicationNamespace = Scalar(map, "applicationNamespace"),
            Server = server,
        };
    }

    private void PositiveDuration(YamlMappingNode? map, string key, string path, TimeSpan value)
    {
        if (Has(map, key) && Duration(map, key) is not null && value <= TimeSpan.Zero)
        {
            sink.Report(Child(map, key)!, path + "." + key, key + " must be greater than 0, got " + Quote(Scalar(map, key) ?? ""));
        }
    }

    private void CheckDnsName(YamlMappingNode? map, string key, string path)
    {
        if (Child(map, key) is YamlScalarNode { Value: { } value } node && !IsDnsSubdomain(value))
        {
            sink.Report(node, path, "expected a DNS name (lowercase letters, digits, '-' and '.'), got " + Quote(value));
        }
    }

    private static bool IsDnsSubdomain(string value)
    {
        if (value.Length is 0 or > 253 || !char.IsAsciiLetterOrDigit(value[0]) || !char.IsAsciiLetterOrDigit(value[^1]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
            {
                return false;
            }
        }

        return true;
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
        if (segments.Count == 0 || segments.Contains(".."))
        {
            return null;
        }

        return string.Join('/', segments) + "/";
    }

    public static string FolderOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..(slash + 1)];
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    private static TimeSpan? Duration(YamlMappingNode? map, string key) =>
        Child(map, key) is YamlScalarNode s && GoDuration.TryParse(s.Value, out var d) ? d : null;

    private static Mark KeyAt(YamlMappingNode? map, string key, Mark fallback) => Key(map, key)?.Start ?? fallback;

    private static List<string> Strings(YamlSequenceNode? seq) =>
        seq is null ? [] : seq.Children.OfType<YamlScalarNode>().Where(s => !IsNull(s)).Select(s => s.Value ?? "").ToList();

    private static SortedDictionary<string, string> StringMap(YamlMappingNode? map)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (map is null)
        {
            return result;
        }

        foreach (var entry in map.Children)
        {
            if (entry.Key is YamlScalarNode { Value: { } key } && entry.Value is YamlScalarNode value && !IsNull(value))
            {
                result[key] = value.Value ?? "";
            }
        }

        return result;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
