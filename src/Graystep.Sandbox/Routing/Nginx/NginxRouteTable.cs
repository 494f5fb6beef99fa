using System.Globalization;
using Graystep.Sandbox.Cluster;
using Graystep.Sandbox.Traffic;

namespace Graystep.Sandbox.Routing.Nginx;

/// <summary>
/// ingress-nginx: a primary Ingress and, optionally, its canary Ingress. The canary rules are checked in the
/// controller's order: canary-by-header (with -value or -pattern; "always"/"never" otherwise), then canary-by-cookie
/// ("always"/"never"), then canary-weight out of canary-weight-total.
/// </summary>
internal sealed class NginxRouteTable : IAppRouter
{
    public const string Prefix = "nginx.ingress.kubernetes.io/";

    private readonly Backend _primary;
    private readonly Canary? _canary;

    private NginxRouteTable(Backend primary, Canary? canary)
    {
        _primary = primary;
        _canary = canary;
    }

    public RouteDecision Route(SimRequest request, Prng rng)
    {
        if (_canary is not { } c)
        {
            return RouteDecision.To(_primary);
        }

        if (c.Header is not null && request.Header(c.Header) is { } header)
        {
            if (!string.IsNullOrEmpty(c.HeaderValue))
            {
                if (header == c.HeaderValue)
                {
                    return ToCanary(true);
                }
            }
            else if (c.HeaderPattern is not null)
            {
                if (c.HeaderPattern.Matches(header))
                {
                    return ToCanary(true);
                }
            }
            else if (header == "always")
            {
                return ToCanary(true);
            }
            else if (header == "never")
            {
                return RouteDecision.To(_primary);
            }
        }

        if (c.Cookie is not null && request.Cookie(c.Cookie) is { } cookie)
        {
            if (cookie == "always")
            {
                return ToCanary(true);
            }

            if (cookie == "never")
            {
                return RouteDecision.To(_primary);
            }
        }

        // Lua's math.random(total) is uniform in 1..total; the canary gets it when the draw is <= weight.
        if (c.Weight > 0 && rng.NextInt(c.WeightTotal) + 1 <= c.Weight)
        {
            return ToCanary(false);
        }

        return RouteDecision.To(_primary);

        RouteDecision ToCanary(bool matchedAb) => RouteDecision.To(c.Backend, matchedAb, c.Upstream);
    }

    public static RoutedApp? Build(ClusterObject primary, ClusterObject? canaryIngress, ClusterState state, ISandboxRouter simulated)
    {
        var primaryBackend = FirstBackend(primary, state);
        if (primaryBackend is null)
        {
            return null;
        }

        Canary? canary = null;
        var alternatives = new List<AbAlternative>();
        if (canaryIngress is not null && FirstBackend(canaryIngress, state) is { } canaryBackend)
        {
            var a = canaryIngress.Annotations;
            string? Annotation(string name) => a.TryGetValue(Prefix + name, out var v) && v.Length > 0 ? v : null;
            var weight = int.TryParse(Annotation("canary-weight"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var w) ? w : 0;
            var total = int.TryParse(Annotation("canary-weight-total"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) && t > 0 ? t : 100;
            var pattern = Annotation("canary-by-header-pattern") is { } p ? new StringMatch(MatchKind.Regex, p, FullRegex: false) : null;
            canary = new Canary(
                canaryBackend,
                $"{canaryBackend.Namespace}-{canaryBackend.Service}-{canaryBackend.Port}",
                Annotation("canary-by-header"),
                Annotation("canary-by-header-value"),
                pattern,
                Annotation("canary-by-cookie"),
                Math.Clamp(weight, 0, total),
                total);

            if (canary.Header is { } header)
            {
                var value = canary.HeaderValue ?? (pattern is not null ? pattern.Witness() : "always");
                var rule = canary.HeaderValue is not null ? $"header {header} = {canary.HeaderValue}"
                    : pattern is not null ? $"header {header} ~ {pattern.Value}"
                    : $"header {header} = always";
                alternatives.Add(new AbAlternative(rule, value is null ? null : [new RequestAttribute(AttributeKind.Header, header, value)]));
            }

            if (canary.Cookie is { } cookieName)
            {
                alternatives.Add(new AbAlternative($"cookie {cookieName}=always", [new RequestAttribute(AttributeKind.Cookie, cookieName, "always")]));
            }
        }

        var stable = primaryBackend.Version;
        var target = primaryBackend.Endpoints.FirstOrDefault()?.Target ?? ServiceName(primaryBackend);
        var views = new List<RouteView>();
        if (alternatives.Count > 0 && canary is not null)
        {
            views.Add(new RouteView(alternatives.Select(x => x.Rule).ToList(), [new DestinationView(canary.Backend.Service, canary.Backend.Version, 100)], null));
        }

        views.Add(new RouteView(
            [],
            canary is null
                ? [new DestinationView(primaryBackend.Service, primaryBackend.Version, 100)]
                : [new DestinationView(primaryBackend.Service, primaryBackend.Version, canary.WeightTotal - canary.Weight),
                   new DestinationView(canary.Backend.Service, canary.Backend.Version, canary.Weight)],
            null));

        var canaries = canary?.Backend.Version is { } cv && cv != stable ? new[] { cv } : [];
        IReadOnlyList<RouteDecision> loadTest = canary is null ? [] : [RouteDecision.To(canary.Backend, false, canary.Upstream)];
        if (canary is null && state.Find("Service", primary.Namespace, primaryBackend.Service + "-canary") is { } companion)
        {
            // A plain Ingress in front of a kubernetes-provider app (blue/green by Service selector): Flagger's load
            // tester calls <svc>-canary directly, not through the Ingress.
            var companionBackend = Backends.Service(state, primary.Namespace, companion.Name, primaryBackend.Port);
            if (companionBackend.Version is { } version && version != stable)
            {
                loadTest = [RouteDecision.To(companionBackend)];
                canaries = [version];
            }
        }

        return new RoutedApp(
            primary.Namespace,
            ServiceName(primaryBackend),
            simulated,
            ServiceName(primaryBackend),
            primary.Name,
            target,
            new NginxRouteTable(primaryBackend, canary),
            alternatives,
            stable,
            canaries,
            loadTest,
            views,
            primary.File);
    }

    /// <summary>An Ingress is a canary when it carries <c>nginx.ingress.kubernetes.io/canary: "true"</c>.</summary>
    public static bool IsCanary(ClusterObject ingress) =>
        ingress.Annotations.TryGetValue(Prefix + "canary", out var v) && v.Equals("true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The host and path of an Ingress's first rule, which pairs a canary Ingress with its primary.</summary>
    public static (string Host, string Path) FirstHostPath(ClusterObject ingress)
    {
        var rule = ingress.Spec.Seq("rules").Maps().FirstOrDefault();
        var path = rule.Map("http").Seq("paths").Maps().FirstOrDefault();
        return (rule.Str("host") ?? string.Empty, path.Str("path") ?? "/");
    }

    /// <summary><c>&lt;svc&gt;-&lt;version&gt;</c> names the app <c>&lt;svc&gt;</c>.</summary>
    private static string ServiceName(Backend backend) =>
        backend.Version is { } v && backend.Service.EndsWith("-" + v, StringComparison.Ordinal) ? backend.Service[..^(v.Length + 1)] : backend.Service;

    private static Backend? FirstBackend(ClusterObject ingress, ClusterState state)
    {
        var paths = ingress.Spec.Seq("rules").Maps().SelectMany(r => r.Map("http").Seq("paths").Maps());
        var backend = paths.Select(p => p.Map("backend")).FirstOrDefault(b => b is not null) ?? ingress.Spec.Map("defaultBackend") ?? ingress.Spec.Map("backend");
        var service = backend.Map("service");
        var name = service.Str("name") ?? backend.Str("serviceName");
        if (name is null)
        {
            return null;
        }

        var port = service is not null ? Backends.Port(service.Get("port")) : backend.Str("servicePort") ?? string.Empty;
        return Backends.Service(state, ingress.Namespace, name, port);
    }

    private sealed record Canary(
        Backend Backend,
        string Upstream,
        string? Header,
        string? HeaderValue,
        StringMatch? HeaderPattern,
        string? Cookie,
        int Weight,
        int WeightTotal);
}
