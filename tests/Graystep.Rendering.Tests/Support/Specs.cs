using Graystep.Core.Spec;
using Graystep.TestKit;
using Graystep.Core.Providers;

namespace Graystep.Rendering.Tests.Support;

/// <summary>Builds RolloutSpecs in code, matching the examples' rollout files.</summary>
internal static class Specs
{
    public static RolloutSpec For(
        TrafficProvider provider,
        Strategy strategy,
        string name,
        string ns,
        ServiceSpec service,
        IReadOnlyList<MatchRule>? match = null,
        TargetRef? ingressRef = null,
        TargetRef? autoscalerRef = null,
        int? mirrorWeight = null) => new()
        {
            File = $"{name}/rollout.yaml",
            Kind = SpecKind.Rollout,
            Name = name,
            Namespace = ns,
            Provider = provider,
            TargetRef = new TargetRef("Deployment", name),
            IngressRef = ingressRef,
            AutoscalerRef = autoscalerRef,
            Service = service,
            Analysis = new AnalysisSpec
            {
                Strategy = strategy,
                StepWeights = strategy == Strategy.Canary ? [10, 20, 50] : [],
                Iterations = strategy == Strategy.Canary ? 0 : 10,
                Match = match ?? [],
                Mirror = strategy == Strategy.BlueGreenMirroring,
                MirrorWeight = mirrorWeight,
            },
            Output = "rendered/",
            Git = new GitSpec(),
            Approvals = new ApprovalSpec(),
            Sync = new SyncSpec(),
        };

    public static RolloutSpec Bookinfo(Strategy strategy, int? mirrorWeight = null) => For(
        StandardProviders.Istio, strategy, "reviews", "bookinfo",
        new ServiceSpec { Port = 9080, Hosts = ["reviews"], Gateways = ["mesh"] },
        match: strategy == Strategy.ABTesting ? [UserId123] : null,
        mirrorWeight: mirrorWeight);

    public static RolloutSpec AbTesting(IReadOnlyList<MatchRule>? match = null) => For(
        StandardProviders.Istio, Strategy.ABTesting, "abtest", "test",
        new ServiceSpec { Port = 9898, Hosts = ["abtest"], Gateways = ["mesh"] },
        match: match ?? [UserId123]);

    public static RolloutSpec PodinfoFlagger() => For(
        StandardProviders.Istio, Strategy.Canary, "podinfo", "test",
        new ServiceSpec
        {
            Port = 9898,
            TargetPort = "9898",
            Hosts = ["app.example.com"],
            Gateways = ["public-gateway.istio-system.svc.cluster.local"],
        },
        autoscalerRef: new TargetRef("HorizontalPodAutoscaler", "podinfo", "autoscaling/v2beta2"));

    public static RolloutSpec K8sdemoNginx(Strategy strategy, IReadOnlyList<MatchRule>? match = null) => For(
        StandardProviders.Nginx, strategy, "hello", "k8sdemo",
        new ServiceSpec { Port = 8000, TargetPort = "60001" },
        match: match ?? (strategy == Strategy.ABTesting ? [UserId123] : null),
        ingressRef: new TargetRef("Ingress", "hello"));

    public static RolloutSpec K8sdemoBlueGreen(Strategy strategy = Strategy.BlueGreen) => For(
        StandardProviders.Kubernetes, strategy, "hello", "k8sdemo",
        new ServiceSpec { Port = 8000, TargetPort = "60001" });

    public static RolloutSpec GatewayApi(Strategy strategy, IReadOnlyList<MatchRule>? match = null, int? mirrorWeight = null) => For(
        StandardProviders.GatewayApi, strategy, "podinfo", "test",
        new ServiceSpec
        {
            Port = 9898,
            Hosts = ["app.example.com"],
            GatewayRefs = [new GatewayRef("public-gateway", "gateway-system")],
        },
        match: match ?? (strategy == Strategy.ABTesting ? [UserId123] : null),
        mirrorWeight: mirrorWeight);

    public static MatchRule UserId123 { get; } = new()
    {
        Headers = Sorted(("user-id", new StringMatch(StringMatchKind.Exact, "123"))),
    };

    /// <summary>One of each condition kind, to pin how each provider translates them.</summary>
    public static IReadOnlyList<MatchRule> AllConditionKinds { get; } =
    [
        new MatchRule
        {
            Headers = Sorted(
                ("X-Canary", new StringMatch(StringMatchKind.Prefix, "insider")),
                ("user-agent", new StringMatch(StringMatchKind.Regex, ".*Firefox.*"))),
            QueryParams = Sorted(("beta", new StringMatch(StringMatchKind.Exact, "true"))),
        },
        new MatchRule
        {
            Cookies = Sorted(("canary", new StringMatch(StringMatchKind.Exact, "always"))),
        },
        new MatchRule
        {
            Headers = Sorted(("x-region", new StringMatch(StringMatchKind.Suffix, ".eu"))),
        },
    ];

    public static SortedDictionary<string, StringMatch> Sorted(params (string Key, StringMatch Value)[] entries)
    {
        var map = new SortedDictionary<string, StringMatch>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            map[key] = value;
        }

        return map;
    }
}
