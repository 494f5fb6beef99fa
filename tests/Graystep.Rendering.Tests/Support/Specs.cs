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

    /// <summary>
    /// An example's spec file as the loader binds it, after <paramref name="edit"/>: for the Flagger fields that are
    /// kept as written (trafficPolicy, retries...), which are best shown as a user writes them.
    /// </summary>
    public static RolloutSpec Loaded(string example, string specFile, Func<string, string> edit)
    {
        var folder = Path.Combine(RepoPaths.Root, "examples", example);
        var files = Directory.EnumerateFiles(Path.Combine(folder, "templates"), "*.yaml")
            .Select(f => new Core.Manifests.SourceFile("templates/" + Path.GetFileName(f), File.ReadAllText(f)))
            .Concat(Directory.EnumerateFiles(folder, "*.yaml").Where(f => Path.GetFileName(f) != specFile)
                .Select(f => new Core.Manifests.SourceFile(Path.GetFileName(f), File.ReadAllText(f))))
            .Append(new Core.Manifests.SourceFile(specFile, edit(File.ReadAllText(Path.Combine(folder, specFile)))))
            .ToList();
        var set = SpecLoader.Load(files, StandardProviders.Catalogue);
        Assert.True(set.Problems.Count == 0, string.Join('\n', set.Problems));
        return Assert.Single(set.Rollouts);
    }

    /// <summary>Flagger's podinfo Canary with every Istio route field and a match on a weighted canary.</summary>
    public static RolloutSpec PodinfoFlaggerEveryIstioField() => Loaded("podinfo-flagger", "podinfo-canary.yaml", yaml => yaml
        .Replace("    # Istio retry policy (optional)\n", """
                # Istio route fields (optional), set on every route
                timeout: 5s
                match:
                  - uri: {prefix: /api}
                  - uri: {prefix: /version}
                rewrite: {uri: /}
                headers:
                  request: {set: {x-served-by: podinfo}}
                  response: {remove: [x-envoy-upstream-service-time]}
                corsPolicy:
                  allowOrigins: [{exact: "https://app.example.com"}]
                  allowMethods: [GET, POST]
                  maxAge: 24h
                # Istio retry policy (optional)

            """.Replace("\r", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal)
        .Replace("    stepWeight: 10\n", "    stepWeight: 10\n    match:\n      - headers: {x-canary: {exact: insider}}\n", StringComparison.Ordinal));

    /// <summary>The gateway-api example with the Flagger service fields Gateway API can say, and a listener on the parent.</summary>
    public static RolloutSpec GatewayApiEveryRouteField() => Loaded("gateway-api", "rollout.yaml", yaml => yaml
        .Replace("""
                  - name: public-gateway
                    namespace: gateway-system

            """.Replace("\r", string.Empty, StringComparison.Ordinal), """
                  - name: public-gateway
                    namespace: gateway-system
                    sectionName: https
                timeout: 5s
                match:
                  - uri: {prefix: /api}
                    headers: {x-tenant: {exact: shop}}
                  - method: {exact: GET}
                    queryParams: {beta: {regex: "^(yes|true)$"}}
                rewrite: {uri: /v2, type: ReplacePrefixMatch, authority: podinfo.internal}
                headers:
                  request: {set: {x-served-by: podinfo}, add: {x-b: "2", x-a: "1"}}
                  response: {remove: [x-envoy-upstream-service-time]}

            """.Replace("\r", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal));

    /// <summary>The app's Service name, as the renderer finds it: spec.service.name, else the target's name.</summary>
    public static string ServiceName(RenderRequest request) => request.Spec.Service.Name ?? request.Spec.TargetRef.Name;

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
