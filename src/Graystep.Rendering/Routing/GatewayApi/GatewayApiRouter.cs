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
        KubeObject.Kind(obj) is "HTTPRoute" or "GRPCRoute" && RoutesService(obj, context)
            ? $"it sends traffic to Service {context.ServiceName}, whose HTTPRoute Graystep renders"
            : null;

    private static bool RoutesService(YamlMap route, RoutingContext context) =>
        (route.Map("spec")?.Seq("rules")?.OfType<YamlMap>() ?? []).Any(r => RuleRoutesService(r, context));

    private static bool RuleRoutesService(YamlMap rule, RoutingContext context) =>
        (rule.Seq("backendRefs")?.OfType<YamlMap>() ?? []).Any(b => IsService(b, context));

    private static bool IsService(YamlMap backend, RoutingContext context) =>
        backend.Text("name") == context.ServiceName && (backend.Text("kind") ?? "Service") == "Service" &&
        (backend.Text("namespace") ?? context.Namespace) == context.Namespace;

    private const string RouteEdit = "Graystep sets the backends and weights of the rules to the service (and adds the canary's match rule before them); every other rule and field is kept";

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
        if (context.App.UseAsBase("HTTPRoute", r => RoutesService(r, context), RouteEdit) is { } userRoute)
        {
            return EditedRoute(context, userRoute);
        }

        var route = KubeObject.New("gateway.networking.k8s.io/v1", "HTTPRoute", context.ServiceName, context.Namespace);
        var parentRefs = new YamlSeq();
        foreach (var gateway in context.Spec.Service.GatewayRefs)
        {
            // As written: Flagger's gatewayRefs are Gateway API ParentReferences (group, kind, sectionName, port).
            var parent = gateway.Written is { } written ? YamlImport.FromMapping(written) : new YamlMap { ["name"] = gateway.Name };
            if (gateway.Written is null && gateway.Namespace is not null)
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

        spec["rules"] = new YamlSeq(Rules(context, GatewayRouteFields.Template(context.Spec), port: null));
        route["spec"] = spec;
        return route;
    }

    /// <summary>
    /// The user's HTTPRoute to the service, as Argo Rollouts uses one: each rule whose backends are the rollout's
    /// Service gets Graystep's backends and weights (and the canary's match rule before it, a copy of it), and every
    /// other rule, parent, hostname and field stays as written.
    /// </summary>
    private static YamlMap EditedRoute(RoutingContext context, YamlMap userRoute)
    {
        var name = $"HTTPRoute {KubeObject.Name(userRoute)}";
        var spec = userRoute.GetOrAddMap("spec");
        var parents = (spec.Seq("parentRefs")?.OfType<YamlMap>() ?? []).Select(p => p.Text("name")).ToHashSet(StringComparer.Ordinal);
        if (context.Spec.Service.GatewayRefs.FirstOrDefault(g => !parents.Contains(g.Name)) is { } missing)
        {
            throw KubeObject.Invalid(
                $"{context.Spec.File}: service.gatewayRefs names Gateway {missing.Name}, which is not among the parentRefs of {name}",
                "make service.gatewayRefs name the same Gateways as the HTTPRoute's parentRefs");
        }

        var fromSpec = GatewayRouteFields.Template(context.Spec);
        var rules = new YamlSeq();
        foreach (var rule in spec.Seq("rules")?.OfType<YamlMap>() ?? [])
        {
            if (!RuleRoutesService(rule, context))
            {
                rules.Add(rule);
                continue;
            }

            var backends = rule.Seq("backendRefs")!.OfType<YamlMap>().ToList();
            if (!backends.All(b => IsService(b, context)))
            {
                throw KubeObject.Invalid(
                    $"{name}: a rule sends traffic to the rollout's Service {context.ServiceName} and to other backends; Graystep owns the backends of a rule to the service",
                    "give the other backends a rule of their own");
            }

            var template = (YamlMap)rule.DeepClone();
            foreach (var (field, value) in fromSpec)
            {
                template[field] = OneValue(template[field], value, GatewayRouteFields.SpecField(field), name);
            }

            foreach (var r in Rules(context, template, backends[0]["port"]))
            {
                rules.Add(r);
            }
        }

        spec["rules"] = rules;
        return userRoute;
    }

    /// <summary>
    /// The rules for one rule <paramref name="template"/> (its matches, filters, timeouts): the canary's A/B or
    /// weighted match rule, then the template with the weighted backends.
    /// </summary>
    private static IEnumerable<YamlMap> Rules(RoutingContext context, YamlMap template, YamlNode? port)
    {
        var backends = new YamlSeq { Backend(context, context.Stable, context.StableWeight, port) };
        if (context.Canary is not null)
        {
            backends.Add(Backend(context, context.Canary, context.CanaryWeight, port));
        }

        var matches = template.Seq("matches");
        if (context.MatchActive)
        {
            // A/B testing: the users that match go to the canary.
            yield return RuleFrom(template, Merged(matches, [.. context.Match.Select(RouteMatch).Cast<YamlMap>()]), new YamlSeq { Backend(context, context.Canary!, 100, port) });
        }
        else if (context.WeightedMatch)
        {
            // Flagger's match with step weights: the users that match get the weights, the others stay on stable.
            yield return RuleFrom(template, Merged(matches, [.. context.Match.Select(RouteMatch).Cast<YamlMap>()]), backends);
            backends = new YamlSeq { Backend(context, context.Stable, 100, port) };
        }

        if (context.SessionCookie is { } cookie)
        {
            // Flagger's sticky sessions: the canary's answers set the cookie, and requests carrying it go to the canary.
            ((YamlMap)backends[1])["filters"] = SetCookieFilter(context, cookie);
            yield return RuleFrom(template, Merged(matches, [CookieMatch(cookie)]), new YamlSeq { Backend(context, context.Stable, 0, port), Backend(context, context.Canary!, 100, port) });
            if (context.PrimarySessionCookie is { } primary)
            {
                // primaryCookieName: the primary's answers set its own cookie, and requests carrying it stay on the primary.
                ((YamlMap)backends[0])["filters"] = SetCookieFilter(context, primary);
                yield return RuleFrom(template, Merged(matches, [CookieMatch(primary)]), new YamlSeq { Backend(context, context.Stable, 100, port), Backend(context, context.Canary!, 0, port) });
            }
        }

        var defaultRule = RuleFrom(template, matches, backends);
        if (context.MirrorActive)
        {
            var filters = defaultRule.Seq("filters") ?? new YamlSeq();
            filters.Add(new YamlMap
            {
                ["type"] = "RequestMirror",
                ["requestMirror"] = new YamlMap
                {
                    ["backendRef"] = new YamlMap
                    {
                        ["name"] = VersionName.Named(context.ServiceName, context.Canary!),
                        ["port"] = port?.DeepClone() ?? context.Services.Port,
                    },
                    ["percent"] = context.MirrorPercent,
                },
            });
            defaultRule["filters"] = filters;
        }

        yield return defaultRule;
    }

    private static YamlSeq SetCookieFilter(RoutingContext context, string cookie) =>
    [
        new YamlMap
        {
            ["type"] = "ResponseHeaderModifier",
            ["responseHeaderModifier"] = new YamlMap
            {
                ["add"] = new YamlSeq { new YamlMap { ["name"] = "Set-Cookie", ["value"] = context.Spec.Analysis.SessionAffinity!.SetCookie(cookie) } },
            },
        },
    ];

    private static YamlMap CookieMatch(string cookie) => new()
    {
        ["headers"] = new YamlSeq { new YamlMap { ["name"] = "Cookie", ["type"] = "RegularExpression", ["value"] = RoutingContext.CookieRegex(cookie) } },
    };

    /// <summary>A copy of the rule <paramref name="template"/> with its matches and backends set; matches lead, backends follow.</summary>
    private static YamlMap RuleFrom(YamlMap template, YamlSeq? matches, YamlSeq backends)
    {
        var rule = new YamlMap();
        if (matches is not null && !template.ContainsKey("matches"))
        {
            rule["matches"] = matches;
        }

        foreach (var (key, value) in template)
        {
            rule[key] = key switch
            {
                "matches" => matches?.DeepClone() ?? value.DeepClone(),
                "backendRefs" => backends,
                _ => value.DeepClone(),
            };
        }

        rule["backendRefs"] = backends;
        return rule;
    }

    /// <summary>
    /// The A/B conditions merged into each of the rule's own matches, so a request must satisfy both; a header or
    /// query parameter of the condition replaces the same one of the rule's match. Without matches, the conditions.
    /// </summary>
    private static YamlSeq Merged(YamlSeq? common, IReadOnlyList<YamlMap> conditions)
    {
        if (common is null)
        {
            return new YamlSeq(conditions);
        }

        var merged = new YamlSeq();
        foreach (var condition in conditions)
        {
            foreach (var entry in common.OfType<YamlMap>())
            {
                var copy = (YamlMap)entry.DeepClone();
                foreach (var key in new[] { "headers", "queryParams" })
                {
                    if (condition.Seq(key) is { } overlay)
                    {
                        var names = overlay.OfType<YamlMap>().Select(h => h.Text("name")).ToHashSet(StringComparer.OrdinalIgnoreCase);
                        var list = new YamlSeq((copy.Seq(key)?.OfType<YamlMap>() ?? []).Where(h => !names.Contains(h.Text("name"))));
                        foreach (var item in overlay)
                        {
                            list.Add(item.DeepClone());
                        }

                        copy[key] = list;
                    }
                }

                merged.Add(copy);
            }
        }

        return merged;
    }

    private static YamlMap Backend(RoutingContext context, string version, int weight, YamlNode? port) => new()
    {
        ["name"] = VersionName.Named(context.ServiceName, version),
        ["port"] = port?.DeepClone() ?? context.Services.Port,
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
