using Graystep.Sandbox.Cluster;
using Graystep.Sandbox.Metrics;

namespace Graystep.Sandbox.Routing;

/// <summary>
/// The simulated data plane of one traffic provider: how to find its routed apps among the applied objects, and the
/// metrics its proxy or controller exposes. One per Rendering router (the same id as its descriptor), registered in
/// <see cref="SandboxRouters"/>; each sits in its own folder beside the router that routes its requests.
/// </summary>
internal interface ISandboxRouter
{
    /// <summary>The traffic provider it simulates: a registered descriptor's id (<c>istio</c>, <c>gateway-api</c>).</summary>
    string ProviderId { get; }

    /// <summary>Which metrics its requests feed; providers without proxy metrics of their own share the app's.</summary>
    string MetricsKey { get; }

    ProxyMetrics CreateMetrics();

    /// <summary>
    /// Whether its proxy retries a refused connection on another endpoint of the same destination, as Envoy
    /// (<c>retryOn: connect-failure</c>) and NGINX (<c>proxy_next_upstream error</c>) do by default; kube-proxy does not.
    /// </summary>
    bool RetriesRefusedConnections { get; }

    /// <summary>The apps it routes in <paramref name="state"/>; <paramref name="found"/> are those earlier routers found.</summary>
    IEnumerable<RoutedApp> Discover(ClusterState state, IReadOnlyList<RoutedApp> found);
}
