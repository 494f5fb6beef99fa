using Graystep.Core.Rollouts;
using Graystep.Core.Providers;
using Graystep.Core.Spec;
using Graystep.Rendering.Workloads;
using Graystep.Rendering.Yaml;

namespace Graystep.Rendering.Routing.GatewayApi;

/// <summary>
/// Gateway API: a Service per version and an <c>HTTPRoute &lt;svc&gt;</c> with weighted <c>backendRefs</c>, a leading
/// A/B rule with header and query <c>matches</c> (with step weights: the weighted rule), and a <c>RequestMirror</c>
/// filter for mirroring.
/// </summary>
public sealed class GatewayApiRouter : Router
{
    public static TrafficProvider Provider { get; } = new()
    {
        Id = "gateway-api",
        Aliases = ["gatewayapi", "gatewayapi:v1", "gatewayapi:v1beta1"],
        Strategies = new HashSet<Strategy> { Strategy.Canary, Strategy.ABTesting, Strategy.BlueGreen, Strategy.BlueGreenMirroring },
        WeightedMatch = true,
        Match = new MatchSupport
        {
            Headers = new HashSet<StringMatchKind> { StringMatchKind.Exact, StringMatchKind.Regex },
            QueryParams = new HashSet<StringMatchKind> { StringMatchKind.Exact, StringMatchKind.Regex },
        },
        NeedsGatewayRefs = true,
        Queries = new BuiltinQueries(AppQueries.RequestSuccessRate, AppQueries.RequestDuration) { Counters = CounterTemplates.App },
    };

    public override TrafficProvider Descriptor => Provider;

    internal override string? Conflict(YamlMap obj, RoutingContext context) =>
        KubeObject.Kind(obj) is "HTTPRoute" or "GRPCRoute" &&
        (obj.Map("spec")?.Seq("rules")?.OfType<YamlMap>() ?? [])
            .SelectMany(r => r.Seq("backendRefs")?.OfType<YamlMap>() ?? [])
            .Any(b => b.Text("name") == context.ServiceName && (b.Text("kind") ?? "Service") == "Service")
            ? $"it sends traffic to Service {context.ServiceName}, whose HTTPRoute Graystep renders"
            : null;

    internal override IEnumerable<YamlMap> Render(RoutingContext context)
    {
        if (context.Spec.Service.GatewayRefs.Count == 0)
        {
            throw KubeObject.Invalid(
                $"{context.Spec.File}: the gateway-api provider needs service.gatewayRefs (the HTTPRoute's parentRefs)",
                "add service.gatewayRefs: [{name: <gateway>, namespace: <namespace>}]");
        }

        // <svc> keeps serving in-cluster clients: it selects the stable version.
        yield return context.Services.Render(context.ServiceName, context.Stable);
        foreach (var version in context.LiveVersions)
        {
            yield return context.Services.Render(VersionName.Named(context.ServiceName, version), version);
        }

        foreach (var other in context.Services.Others())
        {
            yield return other;
        }

        yield return Route(context);
    }

    private static YamlMap Route(RoutingContext context)
    {
        var route = KubeObject.New("gateway.networking.k8s.io/v1", "HTTPRoute", context.ServiceName, context.Namespace);
        var parentRefs = new YamlSeq();
        foreach (var gateway in context.Spec.Service.GatewayRefs)
        {
            var parent = new YamlMap { ["name"] = gateway.Name };
            if (gateway.Namespace is not null)
            {
                parent["namespace"] = gateway.Namespace;
            }

            parentRefs.Add(parent);
        }

        var spec = new YamlMap { ["parentRefs"] = parentRefs };
        if (context.Spec.Service.Hosts.Count > 0)
        {
            spec["hostnames"] = new YamlSeq(context.Spec.Service.Hosts.Select(h => (YamlNode)h));
        }

        var backends = new YamlSeq { Backend(context, context.Stable, context.StableWeight) };
        if (context.Canary is not null)
        {
            backends.Add(Backend(context, context.Canary, context.CanaryWeight));
        }

        var rules = new YamlSeq();
        if (context.MatchActive)
        {
            // A/B testing: the users that match go to the canary.
            rules.Add(new YamlMap
            {
                ["matches"] = new YamlSeq(context.Match.Select(RouteMatch)),
                ["backendRefs"] = new YamlSeq { Backend(context, context.Canary!, 100) },
            });
        }
        else if (context.WeightedMatch)
        {
            // Flagger's match with step weights: the users that match get the weights, the others stay on stable.
            rules.Add(new YamlMap
            {
                ["matches"] = new YamlSeq(context.Match.Select(RouteMatch)),
                ["backendRefs"] = backends,
            });
            backends = new YamlSeq { Backend(context, context.Stable, 100) };
        }

        var defaultRule = new YamlMap { ["backendRefs"] = backends };
        if (context.MirrorActive)
        {
            defaultRule["filters"] = new YamlSeq
            {
                new YamlMap
                {
                    ["type"] = "RequestMirror",
                    ["requestMirror"] = new YamlMap
                    {
                        ["backendRef"] = new YamlMap
                        {
                            ["name"] = VersionName.Named(context.ServiceName, context.Canary!),
                            ["port"] = context.Services.Port,
                        },
                        ["percent"] = context.MirrorPercent,
                    },
                },
            };
        }

        rules.Add(defaultRule);
        spec["rules"] = rules;
        route["spec"] = spec;
        return route;
    }

    private static YamlMap Backend(RoutingContext context, string version, int weight) => new()
    {
        ["name"] = VersionName.Named(context.ServiceName, version),
        ["port"] = context.Services.Port,
        ["weight"] = weight,
    };

    private static YamlNode RouteMatch(MatchRule rule)
    {
        var headers = new YamlSeq();
        foreach (var (name, match) in rule.Headers.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            headers.Add(Condition(name, match));
        }

        foreach (var (name, match) in rule.Cookies.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            headers.Add(new YamlMap
            {
                ["name"] = "cookie",
                ["type"] = "RegularExpression",
                ["value"] = MatchText.CookieRegex(name, match),
            });
        }

        if (rule.Cookies.Count > 1 || (rule.Cookies.Count == 1 && rule.Headers.Keys.Any(h => string.Equals(h, "cookie", StringComparison.OrdinalIgnoreCase))))
        {
            throw KubeObject.Invalid(
                "an analysis.match entry has more than one cookie condition; an HTTPRoute match can test the cookie header once",
                "split the conditions into separate match entries");
        }

        var result = new YamlMap();
        if (headers.Count > 0)
        {
            result["headers"] = headers;
        }

        if (rule.QueryParams.Count > 0)
        {
            result["queryParams"] = new YamlSeq(rule.QueryParams.OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => (YamlNode)Condition(q.Key, q.Value)));
        }

        if (result.Count == 0)
        {
            throw KubeObject.Invalid("an analysis.match entry has no condition", "give each match entry a header, cookie or query parameter");
        }

        return result;
    }

    private static YamlMap Condition(string name, StringMatch match) => match.Kind == StringMatchKind.Exact
        ? new YamlMap { ["name"] = name, ["type"] = "Exact", ["value"] = match.Value }
        : new YamlMap { ["name"] = name, ["type"] = "RegularExpression", ["value"] = MatchText.AsRegex(match) };
}
