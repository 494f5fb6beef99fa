using Graystep.Sandbox.Cluster;
using Graystep.Sandbox.Traffic;

namespace Graystep.Sandbox.Routing;

/// <summary>Plain Kubernetes blue/green: the Service's selector picks the version; <c>&lt;svc&gt;-canary</c> reaches the canary for load tests.</summary>
internal sealed class ServiceRouter(Backend backend) : IAppRouter
{
    public RouteDecision Route(SimRequest request, Prng rng) => RouteDecision.To(backend);
}

/// <summary>Finds the routed apps in the applied objects: one per VirtualService, primary Ingress, HTTPRoute, or version-selecting Service.</summary>
internal static class AppDiscovery
{
    public static IReadOnlyList<RoutedApp> Discover(ClusterState state)
    {
        var apps = new List<RoutedApp>();

        foreach (var vs in state.OfKind("VirtualService").Where(o => o.Group == "networking.istio.io"))
        {
            apps.Add(IstioRouter.Build(vs, state));
        }

        var ingresses = state.OfKind("Ingress").ToList();
        var canaries = ingresses.Where(NginxRouter.IsCanary).ToList();
        foreach (var primary in ingresses.Where(i => !NginxRouter.IsCanary(i)))
        {
            // The convention names the canary <ingress>-canary; otherwise pair by the first rule's host and path, as the controller does.
            var canary = canaries.FirstOrDefault(c => c.Namespace == primary.Namespace && c.Name == primary.Name + "-canary")
                ?? canaries.FirstOrDefault(c => c.Namespace == primary.Namespace && NginxRouter.FirstHostPath(c) == NginxRouter.FirstHostPath(primary));
            if (NginxRouter.Build(primary, canary, state) is { } app)
            {
                apps.Add(app);
            }
        }

        foreach (var route in state.OfKind("HTTPRoute").Where(o => o.Group == "gateway.networking.k8s.io"))
        {
            apps.Add(GatewayApiRouter.Build(route, state));
        }

        apps.AddRange(KubernetesApps(state, apps));
        return apps.OrderBy(a => a.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// A Service whose selector names a version and that no router above sends traffic to is a kubernetes-provider
    /// app, unless it is a per-version Service (<c>&lt;svc&gt;-&lt;version&gt;</c>) or the <c>-canary</c> companion of one.
    /// </summary>
    private static IEnumerable<RoutedApp> KubernetesApps(ClusterState state, IReadOnlyList<RoutedApp> routed)
    {
        var referenced = new HashSet<string>(
            routed.SelectMany(a => a.Routes.SelectMany(r => r.Destinations.Concat(r.Mirror is null ? [] : [r.Mirror])))
                .Select(d => d.Service)
                .Concat(routed.Select(a => a.Service)),
            StringComparer.Ordinal);
        var candidates = state.OfKind("Service")
            .Where(s => s.Spec.StringMap("selector").TryGetValue("version", out var v) && !s.Name.EndsWith("-" + v, StringComparison.Ordinal))
            .Where(s => !referenced.Contains(s.Name))
            .ToList();
        foreach (var service in candidates)
        {
            if (service.Name.EndsWith("-canary", StringComparison.Ordinal)
                && candidates.Any(c => c.Namespace == service.Namespace && c.Name == service.Name[..^"-canary".Length]))
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
            var routes = new List<RouteView> { new([], [new DestinationView(backend.Service, backend.Version, 100)], null) };
            yield return new RoutedApp(
                service.Namespace,
                service.Name,
                Provider.Kubernetes,
                service.Name,
                null,
                backend.Endpoints.FirstOrDefault()?.Target ?? service.Name,
                new ServiceRouter(backend),
                [],
                backend.Version,
                canaryVersions,
                canaryBackend is null ? [] : [RouteDecision.To(canaryBackend)],
                routes,
                service.File);
        }
    }
}
