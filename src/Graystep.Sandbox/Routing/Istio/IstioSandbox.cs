using System.Text;
using Graystep.Sandbox.Cluster;
using Graystep.Sandbox.Metrics;

namespace Graystep.Sandbox.Routing.Istio;

/// <summary>Istio's data plane: one routed app per VirtualService, and the sidecar's metrics (destination reporter).</summary>
internal sealed class IstioSandbox : ISandboxRouter
{
    public string ProviderId => "istio";

    public bool RetriesRefusedConnections => true;

    public string MetricsKey => "istio";

    public ProxyMetrics CreateMetrics() => new IstioMetrics();

    public IEnumerable<RoutedApp> Discover(ClusterState state, IReadOnlyList<RoutedApp> found) =>
        state.OfKind("VirtualService").Where(o => o.Group == "networking.istio.io").Select(vs => IstioRouteTable.Build(vs, state, this));

    private sealed class IstioMetrics : ProxyMetrics
    {
        // Istio's default buckets for istio_request_duration_milliseconds.
        private static readonly double[] BucketsMs = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

        private readonly CounterFamily _requests = new(
            "istio_requests_total",
            "Requests handled by an Istio proxy (simulated by graystep-sandbox).",
            "reporter", "destination_workload", "destination_workload_namespace", "destination_service_name", "response_code", "source_workload");

        private readonly HistogramFamily _duration = new(
            "istio_request_duration_milliseconds",
            "Request duration in milliseconds seen by an Istio proxy (simulated by graystep-sandbox).",
            BucketsMs,
            "reporter", "destination_workload", "destination_workload_namespace", "destination_service_name", "response_code", "source_workload");

        public override void Served(RoutedApp app, Backend backend, string nginxCanary, Workload workload, string pod, int status, double latencyMs)
        {
            string[] labels = ["destination", workload.Name, workload.Namespace, backend.Service, MeshMetrics.Code(status), MeshMetrics.SourceWorkload];
            _requests.Inc(labels);
            _duration.Observe(latencyMs, labels);
        }

        public override void Render(StringBuilder sb) => Write(sb, _requests, _duration);
    }
}
