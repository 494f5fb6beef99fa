using Graystep.Core.Rollouts;
using Graystep.Core.Providers;
using Graystep.Core.Spec;
using Graystep.Rendering.Workloads;
using Graystep.Rendering.Yaml;

namespace Graystep.Rendering.Routing.Istio;

/// <summary>
/// Istio: <c>Service &lt;svc&gt;</c> over all versions, a <c>DestinationRule</c> with a subset per live version and a
/// <c>VirtualService</c> whose routes carry the weights, the A/B match and the mirror.
/// </summary>
public sealed partial class IstioRouter : Router
{
    private const string ApiVersion = "networking.istio.io/v1beta1";

    public static TrafficProvider Provider { get; } = new()
    {
        Id = "istio",
        Strategies = new HashSet<Strategy> { Strategy.Canary, Strategy.ABTesting, Strategy.BlueGreen, Strategy.BlueGreenMirroring },
        WeightedMatch = true,
        Match = new MatchSupport
        {
            Headers = new HashSet<StringMatchKind> { StringMatchKind.Exact, StringMatchKind.Prefix, StringMatchKind.Regex },
            QueryParams = new HashSet<StringMatchKind> { StringMatchKind.Exact, StringMatchKind.Prefix, StringMatchKind.Regex },
            SuffixAsRegex = true,
        },
        Queries = new BuiltinQueries(IstioQueries.RequestSuccessRate, IstioQueries.RequestDuration) { Counters = IstioQueries.Counters },
    };

    public override TrafficProvider Descriptor => Provider;

    internal override IEnumerable<YamlMap> Render(RoutingContext context)
    {
        yield return context.Services.Render(context.ServiceName, version: null);
        foreach (var other in context.Services.Others())
        {
            yield return other;
        }

        yield return DestinationRule(context);
        yield return VirtualService(context);
    }

    internal override string? Conflict(YamlMap obj, RoutingContext context)
    {
        var kind = KubeObject.Kind(obj);
        var hosts = RoutedHosts(context);
        if (kind == "VirtualService" && (obj.Map("spec")?.Seq("hosts")?.OfType<YamlScalar>() ?? []).FirstOrDefault(h => hosts.Contains(h.Value)) is { } host)
        {
            return $"it routes host {host.Value}, whose VirtualService Graystep renders";
        }

        return kind == "DestinationRule" && obj.Map("spec")?.Text("host") is { } ruleHost && hosts.Contains(ruleHost)
            ? $"it sets the subsets of host {ruleHost}, whose DestinationRule Graystep renders"
            : null;
    }

    /// <summary>The hosts of the rollout's VirtualService (service.hosts, else the service), each as Istio may spell it.</summary>
    private static HashSet<string> RoutedHosts(RoutingContext context) =>
        (context.Spec.Service.Hosts.Count > 0 ? context.Spec.Service.Hosts : [context.ServiceName])
            .Append(context.ServiceName)
            .SelectMany(h => Spellings(context, h))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>A short host name and its namespace-qualified forms; other hosts as they are.</summary>
    private static string[] Spellings(RoutingContext context, string host) =>
        [host, $"{host}.{context.Namespace}", $"{host}.{context.Namespace}.svc", $"{host}.{context.Namespace}.svc.cluster.local"];

    private static YamlMap DestinationRule(RoutingContext context)
    {
        var hosts = RoutedHosts(context);
        var subsets = new YamlSeq();
        foreach (var version in context.LiveVersions)
        {
            subsets.Add(new YamlMap
            {
                ["name"] = VersionName.ObjectName(version),
                ["labels"] = new YamlMap { [KubeObject.VersionLabel] = version },
            });
        }

        var policy = context.Spec.Service.TrafficPolicy is { } written ? YamlImport.FromMapping(written) : null;
        if (context.App.UseAsBase("DestinationRule", r => r.Map("spec")?.Text("host") is { } h && hosts.Contains(h), DestinationRuleEdit) is { } userRule)
        {
            // The user's rule: their subsets and policies stay; a subset named as a live version's is Graystep's.
            var spec = userRule.GetOrAddMap("spec");
            var ours = subsets.OfType<YamlMap>().Select(m => m.Text("name")).ToHashSet(StringComparer.Ordinal);
            var kept = (spec.Seq("subsets")?.OfType<YamlMap>() ?? []).Where(m => !ours.Contains(m.Text("name")));
            spec["subsets"] = new YamlSeq(subsets.Concat(kept));
            if (policy is not null)
            {
                spec["trafficPolicy"] = OneValue(spec["trafficPolicy"], policy, "service.trafficPolicy", $"DestinationRule {KubeObject.Name(userRule)}");
            }

            return userRule;
        }

        var rule = KubeObject.New(ApiVersion, "DestinationRule", context.ServiceName, context.Namespace);
        rule["spec"] = new YamlMap { ["host"] = context.ServiceName, ["subsets"] = subsets };
        if (policy is not null)
        {
            ((YamlMap)rule["spec"]!)["trafficPolicy"] = policy;
        }

        return rule;
    }

    private static YamlMap VirtualService(RoutingContext context)
    {
        var hosts = RoutedHosts(context);
        var aliases = Spellings(context, context.ServiceName).ToHashSet(StringComparer.Ordinal);
        if (context.App.UseAsBase("VirtualService", vs => (vs.Map("spec")?.Seq("hosts")?.OfType<YamlScalar>() ?? []).Any(h => hosts.Contains(h.Value)), VirtualServiceEdit) is { } userService)
        {
            return EditedVirtualService(context, userService, aliases);
        }

        var service = KubeObject.New(ApiVersion, "VirtualService", context.ServiceName, context.Namespace);
        var spec = new YamlMap();
        if (context.Spec.Service.Delegation)
        {
            // Flagger's delegate: the root VirtualService owns the hosts and gateways and delegates here by name.
            if (context.Spec.Service.Hosts.Count > 0 || context.Spec.Service.Gateways.Count > 0)
            {
                throw KubeObject.Invalid(
                    $"{context.Spec.File}: service.delegation renders a delegate VirtualService, which has no hosts or gateways, but service.hosts or service.gateways is set",
                    "remove service.hosts and service.gateways (the root VirtualService has them), or remove service.delegation");
            }
        }
        else
        {
            spec["hosts"] = new YamlSeq(context.Spec.Service.Hosts.Count > 0 ? context.Spec.Service.Hosts.Select(h => (YamlNode)h) : [context.ServiceName]);
        }

        if (context.Spec.Service.Gateways.Count > 0 && !context.Spec.Service.Delegation)
        {
            spec["gateways"] = new YamlSeq(context.Spec.Service.Gateways.Select(g => (YamlNode)g));
        }

        // Without the user's VirtualService, the route is Flagger's: service.match and the service's route fields.
        var template = new YamlMap();
        if (ServiceMatch(context) is { } match)
        {
            template["match"] = match;
        }

        foreach (var (field, value) in context.Spec.Service.RouteFields)
        {
            template[field] = RouteField(field, value);
        }

        spec["http"] = new YamlSeq(Routes(context, template, port: null));
        service["spec"] = spec;
        return service;
    }

    /// <summary>
    /// The http routes for one route <paramref name="template"/> (its match and fields): the canary's A/B or weighted
    /// match route, the sticky-session route, then the template itself with the weighted destinations.
    /// </summary>
    private static IEnumerable<YamlMap> Routes(RoutingContext context, YamlMap template, YamlNode? port)
    {
        var conditions = template.Seq("match");
        var weighted = new YamlSeq { Destination(context, context.Stable, context.StableWeight, port) };
        if (context.Canary is not null)
        {
            weighted.Add(Destination(context, context.Canary, context.CanaryWeight, port));
        }

        if (context.MatchActive)
        {
            // A/B testing: the users that match go to the canary.
            yield return RouteFrom(template, null, AbMatch(context, conditions), new YamlSeq { Destination(context, context.Canary!, 100, port) });
        }
        else if (context.WeightedMatch)
        {
            // Flagger's match with step weights: the users that match get the weights, the others stay on stable.
            yield return RouteFrom(template, null, AbMatch(context, conditions), weighted);
            weighted = new YamlSeq { Destination(context, context.Stable, 100, port) };
        }

        if (context.SessionCookie is { } cookie)
        {
            // Flagger's sticky sessions: the canary's answers set the cookie, and requests carrying it go to the canary.
            var affinity = context.Spec.Analysis.SessionAffinity!;
            ((YamlMap)weighted[1])["headers"] = new YamlMap { ["response"] = new YamlMap { ["add"] = new YamlMap { ["Set-Cookie"] = affinity.SetCookie(cookie) } } };
            yield return RouteFrom(template, StickyRoute, CookieMatch(cookie, conditions),
                new YamlSeq { Destination(context, context.Stable, 0, port), Destination(context, context.Canary!, 100, port) });
            if (context.PrimarySessionCookie is { } primary)
            {
                // primaryCookieName: the primary's answers set its own cookie, and requests carrying it stay on the primary.
                ((YamlMap)weighted[0])["headers"] = new YamlMap { ["response"] = new YamlMap { ["add"] = new YamlMap { ["Set-Cookie"] = affinity.SetCookie(primary) } } };
                yield return RouteFrom(template, PrimaryStickyRoute, CookieMatch(primary, conditions),
                    new YamlSeq { Destination(context, context.Stable, 100, port), Destination(context, context.Canary!, 0, port) });
            }
        }

        var defaultRoute = RouteFrom(template, template.Text("name"), conditions, weighted);
        if (context.MirrorActive)
        {
            defaultRoute["mirror"] = DestinationTarget(context, context.Canary!, port);
            defaultRoute["mirrorPercentage"] = new YamlMap { ["value"] = context.MirrorPercent };
        }

        yield return defaultRoute;
    }

    /// <summary>
    /// A copy of the route <paramref name="template"/> with its name, match and destinations set, keys in the
    /// template's order; a key the template lacks goes where Flagger writes it (name, match first; route last).
    /// </summary>
    private static YamlMap RouteFrom(YamlMap template, string? name, YamlSeq? match, YamlSeq route)
    {
        var http = new YamlMap();
        if (name is not null && !template.ContainsKey("name"))
        {
            http["name"] = name;
        }

        if (match is not null && !template.ContainsKey("match"))
        {
            http["match"] = match;
        }

        foreach (var (key, value) in template)
        {
            switch (key)
            {
                case "name" when name is not null:
                    http[key] = name;
                    break;
                case "match" when match is not null:
                    http[key] = match.DeepClone();
                    break;
                case "route":
                    http[key] = route;
                    break;
                case "name" or "match":
                    break;
                default:
                    http[key] = value.DeepClone();
                    break;
            }
        }

        http["route"] = route;
        return http;
    }

    /// <summary>One of Flagger's route fields as Istio takes it.</summary>
    private static YamlNode RouteField(string name, YamlDotNet.RepresentationModel.YamlNode value) =>
        name == "rewrite" && value is YamlDotNet.RepresentationModel.YamlMappingNode rewrite ? IstioRewrite(rewrite) : YamlImport.FromYamlDotNet(value);

    /// <summary>Flagger's rewrite has Gateway API's <c>type</c> too; Istio's HTTPRewrite takes uri and authority.</summary>
    private static YamlMap IstioRewrite(YamlDotNet.RepresentationModel.YamlMappingNode rewrite)
    {
        var map = YamlImport.FromMapping(rewrite);
        map.Remove("type");
        return map;
    }

    /// <summary>Flagger's name for the route that sends the session cookie's holders to the canary.</summary>
    private const string StickyRoute = "sticky-route";

    /// <summary>The route that keeps the primary cookie's holders on the primary (primaryCookieName).</summary>
    private const string PrimaryStickyRoute = "primary-sticky-route";

    /// <summary>The cookie header condition, Flagger's <c>.*name.*value.*</c> regex, merged into every entry of the route's match.</summary>
    private static YamlSeq CookieMatch(string cookie, YamlSeq? common) => MergedWith(common,
    [
        new YamlMap { ["headers"] = new YamlMap { ["cookie"] = new YamlMap { ["regex"] = RoutingContext.CookieRegex(cookie) } } },
    ]);

    /// <summary><c>service.match</c> as written: the conditions of every route, or null for all traffic.</summary>
    private static YamlSeq? ServiceMatch(RoutingContext context) =>
        context.Spec.Service.Match is { } match ? (YamlSeq)YamlImport.FromYamlDotNet(match) : null;

    /// <summary>The A/B conditions, merged with the route's match.</summary>
    private static YamlSeq AbMatch(RoutingContext context, YamlSeq? common) => MergedWith(common, [.. context.Match.Select(MatchRequest).Cast<YamlMap>()]);

    /// <summary>
    /// Conditions of one route (A/B rules, the session cookie), each merged with every entry of the route's own match
    /// (<c>service.match</c>, or the user's route) as Flagger's mergeMatchConditions does, so a request must satisfy
    /// both; a header or query parameter of the condition wins over the same one in the route's match. Without a
    /// match, the conditions as they are.
    /// </summary>
    private static YamlSeq MergedWith(YamlSeq? common, IReadOnlyList<YamlMap> conditions)
    {
        if (common is null)
        {
            return new YamlSeq(conditions);
        }

        var merged = new YamlSeq();
        foreach (var rule in conditions)
        {
            foreach (var entry in common.OfType<YamlMap>())
            {
                // A fresh copy per condition: the same node must not be edited for two routes.
                var copy = (YamlMap)entry.DeepClone();
                foreach (var key in new[] { "headers", "queryParams" })
                {
                    if (rule[key] is YamlMap overlay)
                    {
                        var target = copy[key] as YamlMap ?? new YamlMap();
                        foreach (var (name, condition) in overlay)
                        {
                            target[name] = condition.DeepClone();
                        }

                        copy[key] = target;
                    }
                }

                merged.Add(copy);
            }
        }

        return merged;
    }

    private static YamlMap Destination(RoutingContext context, string version, int weight, YamlNode? port) => new()
    {
        ["destination"] = DestinationTarget(context, version, port),
        ["weight"] = weight,
    };

    /// <summary>A version's subset; the port as the user's route names it, else the service's when it has several.</summary>
    private static YamlMap DestinationTarget(RoutingContext context, string version, YamlNode? port)
    {
        var target = new YamlMap { ["host"] = context.ServiceName, ["subset"] = VersionName.ObjectName(version) };
        if (port is not null)
        {
            target["port"] = port.DeepClone();
        }
        else if (context.Services.HasSeveralPorts)
        {
            target["port"] = new YamlMap { ["number"] = context.Services.Port };
        }

        return target;
    }

    /// <summary>One Flagger match entry as an Istio HTTPMatchRequest; cookies become a regex on the cookie header.</summary>
    private static YamlNode MatchRequest(MatchRule rule)
    {
        var headers = new SortedDictionary<string, YamlMap>(StringComparer.Ordinal);
        foreach (var (name, match) in rule.Headers)
        {
            // Istio wants header names in lower case.
            headers[name.ToLowerInvariant()] = StringMatch(match);
        }

        if (rule.Cookies.Count > 1 || (rule.Cookies.Count == 1 && headers.ContainsKey("cookie")))
        {
            throw KubeObject.Invalid(
                "an analysis.match entry has more than one cookie condition; Istio can match one cookie per entry",
                "split the conditions into separate match entries");
        }

        foreach (var (name, match) in rule.Cookies)
        {
            headers["cookie"] = new YamlMap { ["regex"] = MatchText.CookieRegex(name, match) };
        }

        var request = new YamlMap();
        if (headers.Count > 0)
        {
            request["headers"] = ToMap(headers);
        }

        if (rule.QueryParams.Count > 0)
        {
            request["queryParams"] = ToMap(rule.QueryParams.ToDictionary(p => p.Key, p => StringMatch(p.Value)));
        }

        if (request.Count == 0)
        {
            throw KubeObject.Invalid("an analysis.match entry has no condition", "give each match entry a header, cookie or query parameter");
        }

        return request;
    }

    private static YamlMap ToMap(IEnumerable<KeyValuePair<string, YamlMap>> entries)
    {
        var map = new YamlMap();
        foreach (var (key, value) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            map[key] = value;
        }

        return map;
    }

    /// <summary>Istio's StringMatch has exact, prefix and regex; a suffix becomes a regex.</summary>
    private static YamlMap StringMatch(StringMatch match) => match.Kind switch
    {
        StringMatchKind.Exact => new YamlMap { ["exact"] = match.Value },
        StringMatchKind.Prefix => new YamlMap { ["prefix"] = match.Value },
        _ => new YamlMap { ["regex"] = MatchText.AsRegex(match) },
    };
}
