using Graystep.Core.Rollouts;
using Graystep.Core.Spec;

namespace Graystep.Rendering.Tests.Support;

/// <summary>
/// Every allowed provider × strategy pair in each traffic state, on the examples' manifests. The snapshot test
/// pins their bytes and the schema test validates every object they render.
/// </summary>
internal static class RenderCases
{
    public static VersionRef V1 { get; } = VersionRef.Of("v1");

    public static VersionRef ReviewsV2 { get; } =
        VersionRef.Of("v2", [new("reviews", "docker.io/istio/examples-bookinfo-reviews-v2:1.20.1")]);

    public static VersionRef PodinfoV2 { get; } = VersionRef.Of("v2", [new("podinfod", "ghcr.io/stefanprodan/podinfo:6.0.1")]);

    public static VersionRef Podinfo601 { get; } = VersionRef.Of("6-0-1", [new("podinfod", "ghcr.io/stefanprodan/podinfo:6.0.1")]);

    public static VersionRef HelloV2 { get; } = VersionRef.Of("v2", [new("hello", "docker.io/hashicorp/http-echo:1.0.0")]);

    public static IEnumerable<string> Names => Cases.Keys.Order(StringComparer.Ordinal);

    public static TheoryData<string> TheoryNames => new(Names);

    public static RenderRequest Get(string name) => Cases[name]();

    public static RenderRequest Request(string example, RolloutSpec spec, VersionRef stable, VersionRef? canary, TrafficSplit traffic) =>
        new(spec, Manifests.Example(example), stable, canary, traffic);

    /// <summary>Flagger's tutorial cookie: stickiness for a day, sent over HTTPS only.</summary>
    private static RolloutSpec SessionAffinity(RolloutSpec spec) => spec with
    {
        Analysis = spec.Analysis with { SessionAffinity = new SessionAffinitySpec { CookieName = "flagger-cookie", MaxAge = 21600, Path = "/", Secure = true } },
    };

    /// <summary>Flagger's primaryCookieName beside the canary cookie: users sent to the primary stay there too.</summary>
    private static RolloutSpec PrimaryCookie(RolloutSpec spec) => spec with
    {
        Analysis = spec.Analysis with { SessionAffinity = spec.Analysis.SessionAffinity! with { PrimaryCookieName = "primary-cookie" } },
    };

    private static MatchRule NginxCookie { get; } = new()
    {
        Cookies = Specs.Sorted(("canary", new StringMatch(StringMatchKind.Exact, "always"))),
    };

    private static MatchRule NginxPattern { get; } = new()
    {
        Headers = Specs.Sorted(("x-canary", new StringMatch(StringMatchKind.Regex, "^(insider|beta)$"))),
    };

    private static readonly Dictionary<string, Func<RenderRequest>> Cases = new(StringComparer.Ordinal)
    {
        // istio: bookinfo reviews, and podinfo from Flagger's tutorial for the HPA.
        ["istio-stable"] = () => Request("bookinfo", Specs.Bookinfo(Strategy.Canary), V1, null, TrafficSplit.AllStable),
        ["istio-canary-w0"] = () => Request("bookinfo", Specs.Bookinfo(Strategy.Canary), V1, ReviewsV2, new TrafficSplit(0)),
        ["istio-canary-w20"] = () => Request("bookinfo", Specs.Bookinfo(Strategy.Canary), V1, ReviewsV2, new TrafficSplit(20)),
        ["istio-ab-waiting"] = () => Request("ab-testing", Specs.AbTesting(), V1, PodinfoV2, new TrafficSplit(0)),
        ["istio-ab-match"] = () => Request("ab-testing", Specs.AbTesting(), V1, PodinfoV2, new TrafficSplit(0, MatchActive: true)),
        ["istio-ab-match-all-kinds"] = () => Request("ab-testing", Specs.AbTesting(Specs.AllConditionKinds), V1, PodinfoV2, new TrafficSplit(0, MatchActive: true)),
        ["istio-bluegreen"] = () => Request("bookinfo", Specs.Bookinfo(Strategy.BlueGreen), V1, ReviewsV2, new TrafficSplit(0)),
        ["istio-mirroring"] = () => Request("bookinfo", Specs.Bookinfo(Strategy.BlueGreenMirroring, mirrorWeight: 50), V1, ReviewsV2, new TrafficSplit(0, MirrorActive: true)),
        ["istio-hpa-canary-w10"] = () => Request("podinfo-flagger", Specs.PodinfoFlagger(), VersionRef.Of("6-0-0"), Podinfo601, new TrafficSplit(10)),

        // Flagger's Istio fields as written (timeout, match, rewrite, headers, corsPolicy, retries, trafficPolicy), with
        // a match on the weighted canary: the matching requests are split, the others stay on stable.
        ["istio-flagger-fields-w20"] = () => Request("podinfo-flagger", Specs.PodinfoFlaggerEveryIstioField(), VersionRef.Of("6-0-0"), Podinfo601, new TrafficSplit(20)),
        ["istio-session-affinity-w20"] = () => Request("bookinfo", SessionAffinity(Specs.Bookinfo(Strategy.Canary)), V1, ReviewsV2, new TrafficSplit(20)),
        ["istio-session-affinity-primary-w20"] = () => Request("bookinfo", PrimaryCookie(SessionAffinity(Specs.Bookinfo(Strategy.Canary))), V1, ReviewsV2, new TrafficSplit(20)),
        ["istio-delegate-w20"] = () => Request("bookinfo", Specs.Bookinfo(Strategy.Canary) is var d ? d with { Service = d.Service with { Hosts = [], Gateways = [], Delegation = true } } : null!, V1, ReviewsV2, new TrafficSplit(20)),
        ["istio-flagger-fields-stable"] = () => Request("podinfo-flagger", Specs.PodinfoFlaggerEveryIstioField(), Podinfo601, null, TrafficSplit.AllStable),

        // The team's own VirtualService (two extra routes) and DestinationRule as the base, with a ServiceAccount, a
        // ConfigMap, an HPA and a PodDisruptionBudget in the templates.
        ["istio-user-routes-w25"] = () => Request("podinfo-templates", Specs.Loaded("podinfo-templates", "podinfo-canary.yaml", y => y), VersionRef.Of("6-0-0"), Podinfo601, new TrafficSplit(25)),
        ["istio-user-routes-stable"] = () => Request("podinfo-templates", Specs.Loaded("podinfo-templates", "podinfo-canary.yaml", y => y), VersionRef.Of("6-0-0"), null, TrafficSplit.AllStable),

        // nginx: k8sdemo hello behind hi.k8sdemo.com/hello.
        ["nginx-stable"] = () => Request("k8sdemo-nginx", Specs.K8sdemoNginx(Strategy.Canary), V1, null, TrafficSplit.AllStable),
        ["nginx-canary-w0"] = () => Request("k8sdemo-nginx", Specs.K8sdemoNginx(Strategy.Canary), V1, HelloV2, new TrafficSplit(0)),
        ["nginx-canary-w20"] = () => Request("k8sdemo-nginx", Specs.K8sdemoNginx(Strategy.Canary), V1, HelloV2, new TrafficSplit(20)),
        ["nginx-ab-match"] = () => Request("k8sdemo-nginx", Specs.K8sdemoNginx(Strategy.ABTesting, [Specs.UserId123, NginxCookie]), V1, HelloV2, new TrafficSplit(0, MatchActive: true)),
        ["nginx-ab-pattern"] = () => Request("k8sdemo-nginx", Specs.K8sdemoNginx(Strategy.ABTesting, [NginxPattern]), V1, HelloV2, new TrafficSplit(0, MatchActive: true)),
        ["nginx-bluegreen"] = () => Request("k8sdemo-nginx", Specs.K8sdemoNginx(Strategy.BlueGreen), V1, HelloV2, new TrafficSplit(0)),

        // gateway-api: podinfo behind gateway-system/public-gateway.
        ["gatewayapi-stable"] = () => Request("gateway-api", Specs.GatewayApi(Strategy.Canary), V1, null, TrafficSplit.AllStable),
        ["gatewayapi-canary-w0"] = () => Request("gateway-api", Specs.GatewayApi(Strategy.Canary), V1, PodinfoV2, new TrafficSplit(0)),
        ["gatewayapi-canary-w20"] = () => Request("gateway-api", Specs.GatewayApi(Strategy.Canary), V1, PodinfoV2, new TrafficSplit(20)),
        ["gatewayapi-weighted-match-w20"] = () => Request("gateway-api", Specs.GatewayApi(Strategy.Canary, [Specs.UserId123]), V1, PodinfoV2, new TrafficSplit(20)),
        ["gatewayapi-ab-match"] = () => Request("gateway-api", Specs.GatewayApi(Strategy.ABTesting, Specs.AllConditionKinds), V1, PodinfoV2, new TrafficSplit(0, MatchActive: true)),
        ["gatewayapi-bluegreen"] = () => Request("gateway-api", Specs.GatewayApi(Strategy.BlueGreen), V1, PodinfoV2, new TrafficSplit(0)),
        ["gatewayapi-mirroring"] = () => Request("gateway-api", Specs.GatewayApi(Strategy.BlueGreenMirroring), V1, PodinfoV2, new TrafficSplit(0, MirrorActive: true)),

        // Flagger's service fields that Gateway API can say: matches, header and rewrite filters, timeouts, on every rule.
        ["gatewayapi-flagger-fields-w20"] = () => Request("gateway-api", Specs.GatewayApiEveryRouteField(), V1, PodinfoV2, new TrafficSplit(20)),
        ["gatewayapi-flagger-fields-ab"] = () => Request("gateway-api", Specs.GatewayApiEveryRouteField() is var spec ? spec with { Analysis = spec.Analysis with { Strategy = Strategy.ABTesting, Iterations = 5, Match = [Specs.UserId123] } } : null!, V1, PodinfoV2, new TrafficSplit(0, MatchActive: true)),

        ["gatewayapi-session-affinity-w20"] = () => Request("gateway-api", SessionAffinity(Specs.GatewayApi(Strategy.Canary)), V1, PodinfoV2, new TrafficSplit(20)),
        ["gatewayapi-session-affinity-primary-w20"] = () => Request("gateway-api", PrimaryCookie(SessionAffinity(Specs.GatewayApi(Strategy.Canary))), V1, PodinfoV2, new TrafficSplit(20)),

        // kubernetes: blue/green by Service selector.
        ["kubernetes-stable"] = () => Request("k8sdemo-nginx-bluegreen", Specs.K8sdemoBlueGreen(), V1, null, TrafficSplit.AllStable),
        ["kubernetes-bluegreen"] = () => Request("k8sdemo-nginx-bluegreen", Specs.K8sdemoBlueGreen(), V1, HelloV2, new TrafficSplit(0)),
        ["kubernetes-canary-w50"] = () => Request("k8sdemo-nginx-bluegreen", Specs.K8sdemoBlueGreen(Strategy.Canary), V1, HelloV2, new TrafficSplit(50)),
        ["kubernetes-bluegreen-switched"] = () => Request("k8sdemo-nginx-bluegreen", Specs.K8sdemoBlueGreen(), V1, HelloV2, new TrafficSplit(100)),

        // After the switch: the version that lost its traffic still runs (retiring, or a keepPrevious standby), unrouted.
        ["istio-promoted-retiring"] = () => Request("bookinfo", Specs.Bookinfo(Strategy.Canary), ReviewsV2, null, TrafficSplit.AllStable) with { Idle = [V1] },
        ["kubernetes-bluegreen-standby"] = () => Request("k8sdemo-nginx-bluegreen", Specs.K8sdemoBlueGreen(), HelloV2, null, TrafficSplit.AllStable) with { Idle = [V1] },

        // The first rollout adopts the user's Deployment: beside its copy with their own routing, then without traffic.
        ["istio-adopting"] = () => Request("bookinfo", Specs.Bookinfo(Strategy.Canary), V1, null, TrafficSplit.AllStable) with { Original = OriginalWorkload.BesideCopy },
        ["kubernetes-adopting-routed"] = () => Request("k8sdemo-nginx-bluegreen", Specs.K8sdemoBlueGreen(), V1, null, TrafficSplit.AllStable) with { Original = OriginalWorkload.WithoutTraffic },
    };
}
