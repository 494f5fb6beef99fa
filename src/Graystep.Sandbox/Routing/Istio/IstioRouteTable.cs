using Graystep.Sandbox.Cluster;
using Graystep.Sandbox.Traffic;
using YamlDotNet.RepresentationModel;

namespace Graystep.Sandbox.Routing.Istio;

/// <summary>
/// Istio: a VirtualService's http routes, evaluated in order (first match wins), weighted destinations resolved
/// through DestinationRule subsets, and <c>mirror</c> + <c>mirrorPercentage</c> (default 100%) or <c>mirrors</c>.
/// </summary>
internal sealed class IstioRouteTable : IAppRouter
{
    private readonly IReadOnlyList<HttpRoute> _routes;

    private IstioRouteTable(IReadOnlyList<HttpRoute> routes) => _routes = routes;

    public RouteDecision Route(SimRequest request, Prng rng)
    {
        foreach (var route in _routes)
        {
            var matched = route.Matches.Count == 0 ? null : route.Matches.FirstOrDefault(m => m.Accepts(request));
            if (route.Matches.Count > 0 && matched is null)
            {
                continue;
            }

            // The user's own routes answer without a backend: a redirect, a direct response, an injected abort.
            if (route.Answer is { } answer && rng.NextDouble() * 100 < answer.Percent)
            {
                return new RouteDecision(null, answer.Status, false, string.Empty, []);
            }

            var backend = Weighted.Pick(route.Destinations, rng);
            if (backend is null)
            {
                // Envoy answers 503 when every weighted cluster has weight 0.
                return new RouteDecision(null, 503, false, string.Empty, []);
            }

            var mirrors = route.Mirrors.Where(m => rng.NextDouble() * 100 < m.Percent).Select(m => m.Backend).ToList();
            return RouteDecision.To(backend, matched?.IsAb ?? false, mirrors: mirrors) with { SetCookie = route.SetCookies.GetValueOrDefault(backend) };
        }

        // No route matched: the sidecar answers 404 (NR).
        return RouteDecision.NoRoute;
    }

    public static RoutedApp Build(ClusterObject vs, ClusterState state, ISandboxRouter simulated)
    {
        var ns = vs.Namespace;
        var routes = new List<HttpRoute>();
        foreach (var http in vs.Spec.Seq("http").Maps())
        {
            var matches = http.Seq("match").Maps().Select(ParseMatch).ToList();
            var destinations = http.Seq("route").Maps()
                .Select(r => (Backend: Destination(r.Map("destination"), ns, state), Weight: r.Number("weight"), Cookie: SetCookie(r)))
                .Where(d => d.Backend is not null)
                .ToList();

            // A single destination needs no weight; with several, a missing weight is 0 (Istio requires them).
            var weighted = destinations.Select(d => (d.Backend!, d.Weight ?? (destinations.Count == 1 ? 100 : 0))).ToList();

            var mirrors = new List<(Backend, double)>();
            if (Destination(http.Map("mirror"), ns, state) is { } mirror)
            {
                var percent = http.Map("mirrorPercentage").Number("value") ?? http.Number("mirrorPercent") ?? http.Number("mirror_percent") ?? 100;
                mirrors.Add((mirror, percent));
            }

            foreach (var m in http.Seq("mirrors").Maps())
            {
                if (Destination(m.Map("destination"), ns, state) is { } mirrorTarget)
                {
                    mirrors.Add((mirrorTarget, m.Map("percentage").Number("value") ?? 100));
                }
            }

            var setCookies = destinations.Where(d => d.Cookie is not null)
                .ToDictionary(d => d.Backend!, d => d.Cookie!, (IEqualityComparer<Backend>)ReferenceEqualityComparer.Instance);
            routes.Add(new HttpRoute(matches, weighted, mirrors.Select(m => new Mirror(m.Item1, m.Item2)).ToList(), http.Str("name"), setCookies) { Answer = AnswerOf(http) });
        }

        // The default route carries the plain traffic: routes that answer by themselves (a team's redirect) are not it.
        var routing = routes.Where(r => r.Answer is null && r.Destinations.Count > 0).ToList();
        var defaultRoute = routing.FirstOrDefault(r => r.Matches.Count == 0) ?? routing.FirstOrDefault(r => r.Matches.All(m => !m.IsAb));
        var stableBackend = defaultRoute?.Destinations.OrderByDescending(d => d.Weight).Select(d => d.Item).FirstOrDefault();
        var stable = stableBackend?.Version;
        var service = stableBackend?.Service ?? routes.SelectMany(r => r.Destinations).Select(d => d.Item.Service).FirstOrDefault() ?? vs.Name;

        // Every version the app can reach: destinations, mirrors, and the DestinationRule's subsets.
        var byVersion = new Dictionary<string, Backend>(StringComparer.Ordinal);
        foreach (var b in routes.SelectMany(r => r.Destinations.Select(d => d.Item).Concat(r.Mirrors.Select(m => m.Backend))))
        {
            if (b.Version is not null)
            {
                byVersion.TryAdd(b.Version, b);
            }
        }

        foreach (var rule in state.OfKind("DestinationRule").Where(r => r.Namespace == ns && r.Spec.Str("host") is { } h && Backends.SplitHost(h, ns).Name == service))
        {
            foreach (var subset in rule.Spec.Seq("subsets").Maps())
            {
                if (subset.StringMap("labels").TryGetValue("version", out var v) && subset.Str("name") is { } name)
                {
                    byVersion.TryAdd(v, Backends.Istio(state, ns, service, name, stableBackend?.Port ?? string.Empty));
                }
            }
        }

        var canaries = byVersion.Keys.Where(v => v != stable).Order(StringComparer.Ordinal).ToList();
        // Flagger's sticky route matches the session cookie users get from the canary, not an attribute A/B users carry.
        var abAlternatives = routes.Where(r => r.Name is not ("sticky-route" or "primary-sticky-route")).SelectMany(r => r.Matches).Where(m => m.IsAb).Select(m => m.Alternative()).ToList();
        var views = routes.Select(r => new RouteView(
            r.Matches.Select(m => m.Describe()).ToList(),
            r.Destinations.Select(d => new DestinationView(d.Item.Service, d.Item.Version, d.Weight)).ToList(),
            r.Mirrors.Select(m => new DestinationView(m.Backend.Service, m.Backend.Version, m.Percent)).FirstOrDefault())).ToList();
        var target = stableBackend?.Endpoints.FirstOrDefault()?.Target
            ?? byVersion.Values.SelectMany(b => b.Endpoints).FirstOrDefault()?.Target
            ?? service;

        return new RoutedApp(
            ns,
            vs.Name,
            simulated,
            service,
            null,
            target,
            new IstioRouteTable(routes),
            abAlternatives,
            stable,
            canaries,
            canaries.Select(c => RouteDecision.To(byVersion[c])).ToList(),
            views,
            vs.File);
    }

    private static Backend? Destination(YamlMappingNode? destination, string ns, ClusterState state) =>
        destination?.Str("host") is { } host
            ? Backends.Istio(state, ns, host, destination.Str("subset"), Backends.Port(destination.Get("port")))
            : null;

    /// <summary>A destination's <c>headers.response.add</c> Set-Cookie: how Flagger's session affinity hands out its cookie.</summary>
    private static string? SetCookie(YamlMappingNode route) =>
        route.Map("headers").Map("response").Map("add") is { } add
        && add.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: { } k } && k.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase)).Value is YamlScalarNode { Value: { } cookie }
            ? cookie
            : null;

    private static IstioMatch ParseMatch(YamlMappingNode node)
    {
        static IReadOnlyList<(string Name, StringMatch? Match)> Conditions(YamlMappingNode? map, bool lowerNames) =>
            map is null
                ? []
                : map.Children
                    .Where(c => c.Key is YamlScalarNode { Value: not null })
                    .Select(c => ((((YamlScalarNode)c.Key).Value!) is var n && lowerNames ? n.ToLowerInvariant() : n, StringMatch.FromIstio(c.Value)))
                    .ToList();

        return new IstioMatch(
            Conditions(node.Map("headers"), lowerNames: true),
            Conditions(node.Map("withoutHeaders"), lowerNames: true),
            Conditions(node.Map("queryParams"), lowerNames: false),
            StringMatch.FromIstio(node.Get("uri")),
            StringMatch.FromIstio(node.Get("method")),
            node.Str("ignoreUriCase") == "true");
    }

    /// <summary>
    /// What a route answers by itself: <c>redirect</c> (301, or its redirectCode), <c>directResponse</c>, or
    /// <c>fault.abort</c> (its httpStatus for its percentage of requests, all when unset).
    /// </summary>
    private static Answer? AnswerOf(YamlMappingNode http)
    {
        if (http.Map("redirect") is { } redirect)
        {
            return new Answer((int)(redirect.Number("redirectCode") ?? 301), 100);
        }

        if (http.Map("directResponse") is { } direct)
        {
            return new Answer((int)(direct.Number("status") ?? 200), 100);
        }

        return http.Map("fault").Map("abort") is { } abort && abort.Number("httpStatus") is { } status
            ? new Answer((int)status, abort.Map("percentage").Number("value") ?? 100)
            : null;
    }

    private sealed record Answer(int Status, double Percent);

    private sealed record Mirror(Backend Backend, double Percent);

    private sealed record HttpRoute(
        IReadOnlyList<IstioMatch> Matches,
        IReadOnlyList<(Backend Item, double Weight)> Destinations,
        IReadOnlyList<Mirror> Mirrors,
        string? Name,
        IReadOnlyDictionary<Backend, string> SetCookies)
    {
        public Answer? Answer { get; init; }
    }

    /// <summary>One HTTPMatchRequest: every condition must hold. A header with an empty StringMatch only has to be present.</summary>
    private sealed record IstioMatch(
        IReadOnlyList<(string Name, StringMatch? Match)> Headers,
        IReadOnlyList<(string Name, StringMatch? Match)> WithoutHeaders,
        IReadOnlyList<(string Name, StringMatch? Match)> Query,
        StringMatch? Uri,
        StringMatch? Method,
        bool IgnoreUriCase)
    {
        public bool IsAb => Headers.Count + Query.Count > 0;

        public bool Accepts(SimRequest r) =>
            Headers.All(h => h.Match is null ? r.Header(h.Name) is not null : h.Match.Matches(r.Header(h.Name)))
            && WithoutHeaders.All(h => h.Match is null ? r.Header(h.Name) is null : !h.Match.Matches(r.Header(h.Name)))
            && Query.All(q => q.Match is null ? r.Query.ContainsKey(q.Name) : q.Match.Matches(r.Query.GetValueOrDefault(q.Name)))
            && (Uri is null || Uri.Matches(r.Path, IgnoreUriCase))
            && (Method is null || Method.Matches(r.Method));

        public AbAlternative Alternative()
        {
            var attributes = new List<RequestAttribute>();
            foreach (var (name, match) in Headers)
            {
                var value = match is null ? "1" : match.Witness();
                if (value is null)
                {
                    return new AbAlternative(Describe(), null);
                }

                attributes.Add(new RequestAttribute(AttributeKind.Header, name, value));
            }

            foreach (var (name, match) in Query)
            {
                var value = match is null ? "1" : match.Witness();
                if (value is null)
                {
                    return new AbAlternative(Describe(), null);
                }

                attributes.Add(new RequestAttribute(AttributeKind.Query, name, value));
            }

            if (Uri?.Witness() is { } path)
            {
                attributes.Add(new RequestAttribute(AttributeKind.Path, "path", path));
            }

            if (Method?.Witness() is { } method)
            {
                attributes.Add(new RequestAttribute(AttributeKind.Method, "method", method));
            }

            return new AbAlternative(Describe(), attributes);
        }

        public string Describe() => string.Join(" and ",
            Headers.Select(h => $"header {h.Name} {h.Match?.ToString() ?? "present"}")
                .Concat(WithoutHeaders.Select(h => $"no header {h.Name} {h.Match}"))
                .Concat(Query.Select(q => $"query {q.Name} {q.Match?.ToString() ?? "present"}"))
                .Concat(Uri is null ? [] : [$"uri {Uri}"])
                .Concat(Method is null ? [] : [$"method {Method}"]));
    }
}
