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
public sealed class IstioRouter : Router
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
        var hosts = (context.Spec.Service.Hosts.Count > 0 ? context.Spec.Service.Hosts : [context.ServiceName])
            .Append(context.ServiceName)
            .SelectMany(h => new[] { h, $"{h}.{context.Namespace}", $"{h}.{context.Namespace}.svc", $"{h}.{context.Namespace}.svc.cluster.local" })
            .ToHashSet(StringComparer.Ordinal);
        if (kind == "VirtualService" && (obj.Map("spec")?.Seq("hosts")?.OfType<YamlScalar>() ?? []).FirstOrDefault(h => hosts.Contains(h.Value)) is { } host)
        {
            return $"it routes host {host.Value}, whose VirtualService Graystep renders";
        }

        return kind == "DestinationRule" && obj.Map("spec")?.Text("host") is { } ruleHost && hosts.Contains(ruleHost)
            ? $"it sets the subsets of host {ruleHost}, whose DestinationRule Graystep renders"
            : null;
    }

    private static YamlMap DestinationRule(RoutingContext context)
    {
        var rule = KubeObject.New(ApiVersion, "DestinationRule", context.ServiceName, context.Namespace);
        var subsets = new YamlSeq();
        foreach (var version in context.LiveVersions)
        {
            subsets.Add(new YamlMap
            {
                ["name"] = VersionName.ObjectName(version),
                ["labels"] = new YamlMap { [KubeObject.VersionLabel] = version },
            });
        }

        rule["spec"] = new YamlMap { ["host"] = context.ServiceName, ["subsets"] = subsets };
        if (context.Spec.Service.TrafficPolicy is { } policy)
        {
            ((YamlMap)rule["spec"]!)["trafficPolicy"] = YamlImport.FromMapping(policy);
        }

        return rule;
    }

    private static YamlMap VirtualService(RoutingContext context)
    {
        var service = KubeObject.New(ApiVersion, "VirtualService", context.ServiceName, context.Namespace);
        var hosts = context.Spec.Service.Hosts.Count > 0 ? context.Spec.Service.Hosts : [context.ServiceName];
        var spec = new YamlMap { ["hosts"] = new YamlSeq(hosts.Select(h => (YamlNode)h)) };
        if (context.Spec.Service.Gateways.Count > 0)
        {
            spec["gateways"] = new YamlSeq(context.Spec.Service.Gateways.Select(g => (YamlNode)g));
        }

        var weighted = new YamlSeq { Destination(context, context.Stable, context.StableWeight) };
        if (context.Canary is not null)
        {
            weighted.Add(Destination(context, context.Canary, context.CanaryWeight));
        }

        var http = new YamlSeq();
        if (context.MatchActive)
        {
            // A/B testing: the users that match go to the canary.
            http.Add(HttpRoute(context, AbMatch(context), new YamlSeq { Destination(context, context.Canary!, 100) }));
        }
        else if (context.WeightedMatch)
        {
            // Flagger's match with step weights: the users that match get the weights, the others stay on stable.
            http.Add(HttpRoute(context, AbMatch(context), weighted));
            weighted = new YamlSeq { Destination(context, context.Stable, 100) };
        }

        var defaultRoute = HttpRoute(context, ServiceMatch(context), weighted);
        if (context.Spec.Analysis.SessionAffinity is { } affinity && context.Canary is not null && context.CanaryWeight > 0 && !context.WeightedMatch)
        {
            // Flagger's sticky sessions: the canary's answers set the cookie, and requests carrying it go to the canary.
            var cookie = affinity.CookieName + "=" + CookieValue(context);
            ((YamlMap)weighted[1])["headers"] = new YamlMap { ["response"] = new YamlMap { ["add"] = new YamlMap { ["Set-Cookie"] = affinity.SetCookie(cookie) } } };
            http.Add(HttpRoute(context, CookieMatch(context, affinity.CookieName, cookie),
                new YamlSeq { Destination(context, context.Stable, 0), Destination(context, context.Canary, 100) }, StickyRoute));
        }

        if (context.MirrorActive)
        {
            defaultRoute["mirror"] = DestinationTarget(context, context.Canary!);
            defaultRoute["mirrorPercentage"] = new YamlMap { ["value"] = context.MirrorPercent };
        }

        http.Add(defaultRoute);
        spec["http"] = http;
        service["spec"] = spec;
        return service;
    }

    /// <summary>One http route with Flagger's service fields (rewrite, timeout, retries, corsPolicy, headers), as Flagger renders every route.</summary>
    private static YamlMap HttpRoute(RoutingContext context, YamlSeq? match, YamlSeq route, string? routeName = null)
    {
        var http = new YamlMap();
        if (routeName is not null)
        {
            http["name"] = routeName;
        }

        if (match is not null)
        {
            http["match"] = match;
        }

        foreach (var (name, value) in context.Spec.Service.RouteFields)
        {
            http[name] = name == "rewrite" && value is YamlDotNet.RepresentationModel.YamlMappingNode rewrite ? IstioRewrite(rewrite) : YamlImport.FromYamlDotNet(value);
        }

        http["route"] = route;
        return http;
    }

    /// <summary>Flagger's rewrite has Gateway API's <c>type</c> too; Istio's HTTPRewrite takes uri and authority.</summary>
    private static YamlMap IstioRewrite(YamlDotNet.RepresentationModel.YamlMappingNode rewrite)
    {
        var map = YamlImport.FromMapping(rewrite);
        map.Remove("type");
        return map;
    }

    /// <summary>Flagger's name for the route that sends the session cookie's holders to the canary.</summary>
    private const string StickyRoute = "sticky-route";

    /// <summary>
    /// The session cookie's value: from the rollout and the canary version, so a re-run of the same step renders the
    /// same cookie (Flagger keeps a random one in the Canary's status) and the next canary gets a new one.
    /// </summary>
    private static string CookieValue(RoutingContext context)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(context.Spec.Id + "/" + context.Canary));
        return Convert.ToHexStringLower(hash)[..10];
    }

    /// <summary>The cookie header condition, Flagger's <c>.*name.*value.*</c> regex, merged into every <c>service.match</c> entry.</summary>
    private static YamlSeq CookieMatch(RoutingContext context, string name, string cookie) => MergedWithServiceMatch(context,
    [
        new YamlMap { ["headers"] = new YamlMap { ["cookie"] = new YamlMap { ["regex"] = ".*" + name.Replace(".", "\\.", StringComparison.Ordinal) + ".*" + cookie[(name.Length + 1)..] + ".*" } } },
    ]);

    /// <summary><c>service.match</c> as written: the conditions of every route, or null for all traffic.</summary>
    private static YamlSeq? ServiceMatch(RoutingContext context) =>
        context.Spec.Service.Match is { } match ? (YamlSeq)YamlImport.FromYamlDotNet(match) : null;

    /// <summary>The A/B conditions, merged with <c>service.match</c>.</summary>
    private static YamlSeq AbMatch(RoutingContext context) => MergedWithServiceMatch(context, [.. context.Match.Select(MatchRequest).Cast<YamlMap>()]);

    /// <summary>
    /// Conditions of one route (A/B rules, the session cookie), each merged with every <c>service.match</c> entry as
    /// Flagger's mergeMatchConditions does, so a request must satisfy both; a header or query parameter of the
    /// condition wins over the same one in service.match. Without service.match, the conditions as they are.
    /// </summary>
    private static YamlSeq MergedWithServiceMatch(RoutingContext context, IReadOnlyList<YamlMap> conditions)
    {
        if (context.Spec.Service.Match is not { } common)
        {
            return new YamlSeq(conditions);
        }

        var merged = new YamlSeq();
        foreach (var rule in conditions)
        {
            foreach (var entry in common.Children.OfType<YamlDotNet.RepresentationModel.YamlMappingNode>())
            {
                // A fresh copy per condition: the same node must not be edited for two routes.
                var copy = YamlImport.FromMapping(entry);
                foreach (var key in new[] { "headers", "queryParams" })
                {
                    if (rule[key] is YamlMap overlay)
                    {
                        var target = copy[key] as YamlMap ?? new YamlMap();
                        foreach (var (name, condition) in overlay)
                        {
                            target[name] = condition;
                        }

                        copy[key] = target;
                    }
                }

                merged.Add(copy);
            }
        }

        return merged;
    }

    private static YamlMap Destination(RoutingContext context, string version, int weight) => new()
    {
        ["destination"] = DestinationTarget(context, version),
        ["weight"] = weight,
    };

    private static YamlMap DestinationTarget(RoutingContext context, string version)
    {
        var target = new YamlMap { ["host"] = context.ServiceName, ["subset"] = VersionName.ObjectName(version) };
        if (context.Services.HasSeveralPorts)
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
