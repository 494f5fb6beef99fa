using Graystep.Sandbox.Cluster;
using Graystep.Sandbox.Metrics;

namespace Graystep.Sandbox.Routing.GatewayApi;

/// <summary>The Gateway API: one routed app per HTTPRoute; measured by the app's own metrics, as Flagger does.</summary>
internal sealed class GatewayApiSandbox : ISandboxRouter
{
    public string ProviderId => "gateway-api";

    public bool RetriesRefusedConnections => true;

    public string MetricsKey => AppMetrics.Key;

    public ProxyMetrics CreateMetrics() => new AppMetrics();

    public IEnumerable<RoutedApp> Discover(ClusterState state, IReadOnlyList<RoutedApp> found) =>
        state.OfKind("HTTPRoute").Where(o => o.Group == "gateway.networking.k8s.io").Select(route => GatewayApiRouteTable.Build(route, state, this));
}
