using System.Text;
using Graystep.Sandbox.Cluster;
using Graystep.Sandbox.Metrics;

namespace Graystep.Sandbox.Routing.Nginx;

/// <summary>
/// ingress-nginx: one routed app per primary Ingress, paired with its canary Ingress, and the controller's request
/// metrics (which also count the 503s it answers itself when a backend has no endpoints).
/// </summary>
internal sealed class NginxSandbox : ISandboxRouter
{
    public string ProviderId => "nginx";

    public bool RetriesRefusedConnections => true;

    public string MetricsKey => "nginx";

    public ProxyMetrics CreateMetrics() => new NginxMetrics();

    public IEnumerable<RoutedApp> Discover(ClusterState state, IReadOnlyList<RoutedApp> found)
    {
        var ingresses = state.OfKind("Ingress").ToList();
        var canaries = ingresses.Where(NginxRouteTable.IsCanary).ToList();
        foreach (var primary in ingresses.Where(i => !NginxRouteTable.IsCanary(i)))
        {
            // The convention names the canary <ingress>-canary; otherwise pair by the first rule's host and path, as the controller does.
            var canary = canaries.FirstOrDefault(c => c.Namespace == primary.Namespace && c.Name == primary.Name + "-canary")
                ?? canaries.FirstOrDefault(c => c.Namespace == primary.Namespace && NginxRouteTable.FirstHostPath(c) == NginxRouteTable.FirstHostPath(primary));
            if (NginxRouteTable.Build(primary, canary, state, this) is { } app)
            {
                yield return app;
            }
        }
    }

    private sealed class NginxMetrics : ProxyMetrics
    {
        private readonly CounterFamily _requests = new(
            "nginx_ingress_controller_requests",
            "The total number of client requests (simulated by graystep-sandbox).",
            "namespace", "ingress", "service", "status", "canary");

        private readonly HistogramFamily _duration = new(
            "nginx_ingress_controller_request_duration_seconds",
            "The request processing time in seconds (simulated by graystep-sandbox).",
            MeshMetrics.SecondsBuckets,
            "namespace", "ingress", "canary");

        public override void Served(RoutedApp app, Backend backend, string nginxCanary, Workload workload, string pod, int status, double latencyMs)
        {
            _requests.Inc(app.Namespace, app.Ingress ?? string.Empty, backend.Service, MeshMetrics.Code(status), nginxCanary);
            _duration.Observe(latencyMs / 1000, app.Namespace, app.Ingress ?? string.Empty, nginxCanary);
        }

        /// <summary>The ingress controller answers 503 itself when a backend Service has no endpoints.</summary>
        public override void Unavailable(RoutedApp app, Backend backend, string nginxCanary)
        {
            _requests.Inc(app.Namespace, app.Ingress ?? string.Empty, backend.Service, "503", nginxCanary);
            _duration.Observe(0.001, app.Namespace, app.Ingress ?? string.Empty, nginxCanary);
        }

        public override void Render(StringBuilder sb) => Write(sb, _requests, _duration);
    }
}
