using Graystep.Sandbox.Cluster;
using Graystep.Sandbox.Traffic;
using YamlDotNet.RepresentationModel;

namespace Graystep.Sandbox.Routing.GatewayApi;

/// <summary>
/// Gateway API: an HTTPRoute's rules. Of the rules whose matches accept a request, the most specific wins (the
/// spec's precedence: exact path, longest prefix, method, most header matches, most query matches, then order);
/// backendRefs split by weight (default 1); RequestMirror filters copy the request.
/// </summary>
internal sealed class GatewayApiRouteTable : IAppRouter
{
    private readonly IReadOnlyList<Rule> _rules;

    private GatewayApiRouteTable(IReadOnlyList<Rule> rules) => _rules = rules;

    public RouteDecision Route(SimRequest request, Prng rng)
    {
        Rule? best = null;
        GwMatch? bestMatch = null;
        foreach (var rule in _rules)
        {
            foreach (var match in rule.Matches)
            {
                if (match.Accepts(request) && (bestMatch is null || match.Precedence.CompareTo(bestMatch.Precedence) > 0))
                {
                    best = rule;
                    bestMatch = match;
                }
            }
        }

        if (best is null || bestMatch is null)
        {
            return RouteDecision.NoRoute;
        }

        var backend = Weighted.Pick(best.Backends, rng);
        if (backend is null)
        {
            // The spec: when every backendRef has weight 0, the implementation returns 500.
            return new RouteDecision(null, 500, false, string.Empty, []);
        }

        var mirrors = best.Mirrors.Where(m => rng.NextDouble() * 100 < m.Percent).Select(m => m.Backend).ToList();
        return RouteDecision.To(backend, bestMatch.IsAb, mirrors: mirrors) with { SetCookie = best.SetCookies.GetValueOrDefault(backend) };
    }

    public static RoutedApp Build(ClusterObject route, ClusterState state, ISandboxRouter simulated)
    {
        var ns = route.Namespace;
        var rules = new List<Rule>();
        foreach (var (rule, index) in route.Spec.Seq("rules").Maps().Select((r, i) => (r, i)))
        {
            var matches = rule.Seq("matches").Maps().Select(m => ParseMatch(m, index)).ToList();
            if (matches.Count == 0)
            {
                // No matches means one match on path prefix "/".
                matches.Add(new GwMatch(new StringMatch(MatchKind.Prefix, "/"), null, [], [], -index));
            }

            var refs = rule.Seq("backendRefs").Maps().Select(b => (Node: b, Backend: BackendRef(b, ns, state))).ToList();
            var backends = refs.Select(b => (b.Backend, b.Node.Number("weight") ?? 1)).ToList();
            var setCookies = refs.Where(b => SetCookie(b.Node) is not null)
                .ToDictionary(b => b.Backend, b => SetCookie(b.Node)!, (IEqualityComparer<Backend>)ReferenceEqualityComparer.Instance);
            var mirrors = rule.Seq("filters").Maps()
                .Where(f => f.Str("type") == "RequestMirror")
                .Select(f => f.Map("requestMirror"))
                .Where(m => m.Map("backendRef") is not null)
                .Select(m => new Mirror(BackendRef(m.Map("backendRef")!, ns, state), MirrorPercent(m)))
                .ToList();
            rules.Add(new Rule(matches, backends, mirrors) { SetCookies = setCookies });
        }

        var defaultRule = rules.FirstOrDefault(r => r.Matches.All(m => !m.IsAb)) ?? rules.LastOrDefault();
        var stableBackend = defaultRule?.Backends.OrderByDescending(b => b.Weight).Select(b => b.Item).FirstOrDefault();
        var stable = stableBackend?.Version;
        var byVersion = new Dictionary<string, Backend>(StringComparer.Ordinal);
        foreach (var b in rules.SelectMany(r => r.Backends.Select(x => x.Item).Concat(r.Mirrors.Select(m => m.Backend))))
        {
            if (b.Version is not null)
            {
                byVersion.TryAdd(b.Version, b);
            }
        }

        var canaries = byVersion.Keys.Where(v => v != stable).Order(StringComparer.Ordinal).ToList();
        var views = rules.Select(r => new RouteView(
            r.Matches.Where(m => m.IsAb).Select(m => m.Describe()).ToList(),
            r.Backends.Select(b => new DestinationView(b.Item.Service, b.Item.Version, b.Weight)).ToList(),
            r.Mirrors.Select(m => new DestinationView(m.Backend.Service, m.Backend.Version, m.Percent)).FirstOrDefault())).ToList();
        var target = stableBackend?.Endpoints.FirstOrDefault()?.Target
            ?? byVersion.Values.SelectMany(b => b.Endpoints).FirstOrDefault()?.Target
            ?? route.Name;

        return new RoutedApp(
            ns,
            route.Name,
            simulated,
            route.Name,
            null,
            target,
            new GatewayApiRouteTable(rules),
            rules.SelectMany(r => r.Matches).Where(m => m.IsAb && !IsSessionCookie(m, rules)).Select(m => m.Alternative()).ToList(),
            stable,
            canaries,
            canaries.Select(c => RouteDecision.To(byVersion[c])).ToList(),
            views,
            route.File);
    }

    private static Backend BackendRef(YamlMappingNode backendRef, string ns, ClusterState state) =>
        Backends.Service(state, backendRef.Str("namespace") ?? ns, backendRef.Str("name") ?? string.Empty, backendRef.Str("port") ?? string.Empty);

    /// <summary><c>percent</c>, or <c>fraction</c> (numerator over denominator, default 100); absent means 100%.</summary>
    private static double MirrorPercent(YamlMappingNode? mirror)
    {
        if (mirror.Number("percent") is { } percent)
        {
            return percent;
        }

        if (mirror.Map("fraction") is { } fraction && fraction.Number("numerator") is { } numerator)
        {
            var denominator = fraction.Number("denominator") ?? 100;
            return denominator > 0 ? numerator * 100 / denominator : 0;
        }

        return 100;
    }

    private static GwMatch ParseMatch(YamlMappingNode node, int index)
    {
        var pathNode = node.Map("path");
        var path = pathNode is null
            ? new StringMatch(MatchKind.Prefix, "/")
            : new StringMatch(
                pathNode.Str("type") switch
                {
                    "Exact" => MatchKind.Exact,
                    "RegularExpression" => MatchKind.Regex,
                    _ => MatchKind.Prefix,
                },
                pathNode.Str("value") ?? "/");
        return new GwMatch(
            path,
            node.Str("method") is { } m ? new StringMatch(MatchKind.Exact, m) : null,
            node.Seq("headers").Maps().Select(h => Condition(h, lower: true)).ToList(),
            node.Seq("queryParams").Maps().Select(q => Condition(q, lower: false)).ToList(),
            -index);

        static (string Name, StringMatch Match) Condition(YamlMappingNode h, bool lower)
        {
            var name = h.Str("name") ?? string.Empty;
            var kind = h.Str("type") == "RegularExpression" ? MatchKind.Regex : MatchKind.Exact;
            return (lower ? name.ToLowerInvariant() : name, new StringMatch(kind, h.Str("value") ?? string.Empty));
        }
    }

    /// <summary>A backend's ResponseHeaderModifier Set-Cookie: how Flagger's session affinity hands out its cookie.</summary>
    private static string? SetCookie(YamlMappingNode backendRef) =>
        backendRef.Seq("filters").Maps()
            .Where(f => f.Str("type") == "ResponseHeaderModifier")
            .SelectMany(f => f.Map("responseHeaderModifier").Seq("add").Maps().Concat(f.Map("responseHeaderModifier").Seq("set").Maps()))
            .FirstOrDefault(h => string.Equals(h.Str("name"), "Set-Cookie", StringComparison.OrdinalIgnoreCase))?.Str("value");

    /// <summary>Flagger's sticky rule matches the session cookie users get from the canary, not an attribute A/B users carry.</summary>
    private static bool IsSessionCookie(GwMatch match, IReadOnlyList<Rule> rules) =>
        match.Headers.Count == 1 && match.Headers[0].Name == "cookie" &&
        rules.SelectMany(r => r.SetCookies.Values).Any(c => match.Headers[0].Match.Matches(c.Split(';')[0]));

    private sealed record Mirror(Backend Backend, double Percent);

    private sealed record Rule(IReadOnlyList<GwMatch> Matches, IReadOnlyList<(Backend Item, double Weight)> Backends, IReadOnlyList<Mirror> Mirrors)
    {
        public IReadOnlyDictionary<Backend, string> SetCookies { get; init; } = new Dictionary<Backend, string>();
    }

    private sealed record GwMatch(
        StringMatch Path,
        StringMatch? Method,
        IReadOnlyList<(string Name, StringMatch Match)> Headers,
        IReadOnlyList<(string Name, StringMatch Match)> Query,
        int Order)
    {
        public bool IsAb => Headers.Count + Query.Count > 0;

        public (int, int, int, int, int, int) Precedence => (
            Path.Kind == MatchKind.Exact ? 1 : 0,
            Path.Kind == MatchKind.Prefix ? Path.Value.Length : 0,
            Method is null ? 0 : 1,
            Headers.Count,
            Query.Count,
            Order);

        public bool Accepts(SimRequest r) =>
            (Path.Kind != MatchKind.Prefix ? Path.Matches(r.Path) : PrefixMatches(Path.Value, r.Path))
            && (Method is null || Method.Matches(r.Method))
            && Headers.All(h => h.Match.Matches(r.Header(h.Name)))
            && Query.All(q => q.Match.Matches(r.Query.GetValueOrDefault(q.Name)));

        public AbAlternative Alternative()
        {
            var attributes = new List<RequestAttribute>();
            foreach (var (name, match) in Headers)
            {
                if (match.Witness() is not { } value)
                {
                    return new AbAlternative(Describe(), null);
                }

                attributes.Add(new RequestAttribute(AttributeKind.Header, name, value));
            }

            foreach (var (name, match) in Query)
            {
                if (match.Witness() is not { } value)
                {
                    return new AbAlternative(Describe(), null);
                }

                attributes.Add(new RequestAttribute(AttributeKind.Query, name, value));
            }

            if (Path.Value != "/" && Path.Witness() is { } path)
            {
                attributes.Add(new RequestAttribute(AttributeKind.Path, "path", path));
            }

            if (Method is not null)
            {
                attributes.Add(new RequestAttribute(AttributeKind.Method, "method", Method.Value));
            }

            return new AbAlternative(Describe(), attributes);
        }

        public string Describe() => string.Join(" and ",
            Headers.Select(h => $"header {h.Name} {h.Match}")
                .Concat(Query.Select(q => $"query {q.Name} {q.Match}"))
                .Concat(Path.Value == "/" ? [] : [$"path {Path}"])
                .Concat(Method is null ? [] : [$"method {Method}"]));

        /// <summary>PathPrefix matches whole path elements: <c>/api</c> matches <c>/api</c> and <c>/api/x</c>, not <c>/apix</c>.</summary>
        private static bool PrefixMatches(string prefix, string path)
        {
            var p = prefix.TrimEnd('/');
            return p.Length == 0 || path == p || path.StartsWith(p + "/", StringComparison.Ordinal);
        }
    }
}
