using Graystep.Core.Rollouts;
using Graystep.Sandbox.Cluster;
using Graystep.Sandbox.Metrics;
using Graystep.Sandbox.Traffic;

namespace Graystep.Sandbox.Routing.Kubernetes;

/// <summary>Plain Kubernetes blue/green: the Service's selector picks the version; <c>&lt;svc&gt;-canary</c> reaches the canary for load tests.</summary>
internal sealed class ServiceRouter(Backend backend) : IAppRouter
{
    public RouteDecision Route(SimRequest request, Prng rng) => RouteDecision.To(backend);
}

/// <summary>Plain Kubernetes: Services that select a version, measured by the app's own metrics.</summary>
internal sealed class KubernetesSandbox : ISandboxRouter
{
    public string ProviderId => "kubernetes";

    public bool RetriesRefusedConnections => false;

    public string MetricsKey => AppMetrics.Key;

    public ProxyMetrics CreateMetrics() => new AppMetrics();

    /// <summary>
    /// A Service whose selector names a version and that no router above sends traffic to is a kubernetes-provider
    /// app, unless it is a per-version Service (<c>&lt;svc&gt;-&lt;version&gt;</c>) or a <c>-canary</c> or <c>-primary</c>
    /// companion of another Service.
    /// So is a Service that selects every version while a <c>-canary</c> companion selects one: a replica-ratio
    /// canary, where each version gets its share of the pods.
    /// </summary>
    public IEnumerable<RoutedApp> Discover(ClusterState state, IReadOnlyList<RoutedApp> routed)
    {
        var referenced = new HashSet<string>(
            routed.SelectMany(a => a.Routes.SelectMany(r => r.Destinations.Concat(r.Mirror is null ? [] : [r.Mirror])))
                .Select(d => d.Service)
                .Concat(routed.Select(a => a.Service)),
            StringComparer.Ordinal);
        var services = state.OfKind("Service").ToList();
        bool SelectsVersion(ClusterObject s) => s.Spec.StringMap("selector").ContainsKey("version");
        var candidates = services
            .Where(s => s.Spec.StringMap("selector").TryGetValue("version", out var v)
                ? !s.Name.EndsWith("-" + VersionName.ObjectName(v), StringComparison.Ordinal)
                : s.Spec.StringMap("selector").Count > 0
                    && (services.Any(c => c.Namespace == s.Namespace && c.Name == s.Name + "-canary" && SelectsVersion(c)) || Adopting(state, s)))
            .Where(s => !referenced.Contains(s.Name))
            .ToList();
        foreach (var service in candidates)
        {
            // Flagger's companions of an app's Service (<svc>-primary, <svc>-canary) are for load tests, not users.
            if (Companion(service) is { } apex && services.Any(c => c.Namespace == service.Namespace && c.Name == apex))
            {
                continue;
            }

            var port = service.Spec.Seq("ports").Maps().FirstOrDefault().Str("port") ?? string.Empty;
            var backend = Backends.Service(state, service.Namespace, service.Name, port);
            var canaryService = state.Find("Service", service.Namespace, service.Name + "-canary");
            var canaryBackend = canaryService is null
                ? null
                : Backends.Service(state, service.Namespace, canaryService.Name, canaryService.Spec.Seq("ports").Maps().FirstOrDefault().Str("port") ?? port);
            var canaryVersions = canaryBackend?.Version is { } cv && cv != backend.Version ? new[] { cv } : [];
            var routes = new List<RouteView> { new([], Shares(backend), null) };
            yield return new RoutedApp(
                service.Namespace,
                service.Name,
                this,
                service.Name,
                null,
                backend.Endpoints.FirstOrDefault()?.Target ?? service.Name,
                new ServiceRouter(backend),
                [],
                backend.Version ?? StableOf(backend, canaryVersions),
                canaryVersions,
                canaryBackend is null ? [] : [RouteDecision.To(canaryBackend)],
                routes,
                service.File);
        }
    }

    private static string? Companion(ClusterObject service) =>
        service.Name.EndsWith("-canary", StringComparison.Ordinal) ? service.Name[..^"-canary".Length]
        : service.Name.EndsWith("-primary", StringComparison.Ordinal) ? service.Name[..^"-primary".Length]
        : null;

    /// <summary>
    /// The user's own Service while the first rollout adopts their Deployment: it selects that unversioned Deployment
    /// and its versioned copy, and kube-proxy spreads requests over both.
    /// </summary>
    private static bool Adopting(ClusterState state, ClusterObject service)
    {
        var endpoints = Backends.Service(state, service.Namespace, service.Name, string.Empty).Endpoints;
        return endpoints.Any(c => c.PodLabels.TryGetValue("version", out var v)
            && endpoints.Any(o => c.Name == VersionName.Workload(o.Name, v)));
    }

    /// <summary>Where the Service sends users: its version, or each version by its share of the endpoints' pods.</summary>
    private static List<DestinationView> Shares(Backend backend)
    {
        if (backend.Version is not null || backend.PodCount == 0)
        {
            return [new DestinationView(backend.Service, backend.Version, 100)];
        }

        return [.. backend.Endpoints.GroupBy(e => e.Version, StringComparer.Ordinal)
            .Select(g => new DestinationView(backend.Service, g.Key, Math.Round(100.0 * g.Sum(e => e.Pods.Count) / backend.PodCount, 2)))];
    }

    /// <summary>With both versions behind the Service, the stable one is the version the canary Service does not select.</summary>
    private static string? StableOf(Backend backend, IReadOnlyList<string> canaries) =>
        backend.Endpoints.Select(e => e.Version).FirstOrDefault(v => !canaries.Contains(v, StringComparer.Ordinal));
}
