using Graystep.Sandbox.Cluster;
using Graystep.Sandbox.Routing.GatewayApi;
using Graystep.Sandbox.Routing.Istio;
using Graystep.Sandbox.Routing.Kubernetes;
using Graystep.Sandbox.Routing.Nginx;

namespace Graystep.Sandbox.Routing;

/// <summary>
/// The simulated data planes, one registration line each, in the order they claim apps: plain Services last, since
/// they are apps only when no other router sends traffic to them.
/// </summary>
internal static class SandboxRouters
{
    public static IReadOnlyList<ISandboxRouter> Default { get; } =
    [
        new IstioSandbox(),
        new NginxSandbox(),
        new GatewayApiSandbox(),
        new KubernetesSandbox(),
    ];
}

/// <summary>Finds the routed apps in the applied objects: each registered sandbox router finds its own.</summary>
internal static class AppDiscovery
{
    public static IReadOnlyList<RoutedApp> Discover(ClusterState state) => Discover(state, SandboxRouters.Default);

    public static IReadOnlyList<RoutedApp> Discover(ClusterState state, IReadOnlyList<ISandboxRouter> routers)
    {
        var apps = new List<RoutedApp>();
        foreach (var router in routers)
        {
            apps.AddRange(router.Discover(state, apps).ToList());
        }

        return apps.OrderBy(a => a.Key, StringComparer.Ordinal).ToList();
    }
}
