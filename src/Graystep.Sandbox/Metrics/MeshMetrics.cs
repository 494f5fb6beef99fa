using System.Globalization;
using System.Text;
using Graystep.Sandbox.Cluster;
using Graystep.Sandbox.Routing;

namespace Graystep.Sandbox.Metrics;

/// <summary>
/// The metrics the real components would expose, with the names and labels CONVENTIONS.md pins: the Istio sidecar
/// (destination reporter), the ingress-nginx controller, and the app's own HTTP metrics (gateway-api and kubernetes
/// providers). A family appears only once an app of its provider has served a request.
/// </summary>
internal sealed class MeshMetrics
{
    // Istio's default buckets for istio_request_duration_milliseconds.
    private static readonly double[] IstioBucketsMs = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

    // The Prometheus client default buckets, which ingress-nginx and most app libraries use (seconds).
    private static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly CounterFamily _istioRequests = new(
        "istio_requests_total",
        "Requests handled by an Istio proxy (simulated by graystep-sandbox).",
        "reporter", "destination_workload", "destination_workload_namespace", "destination_service_name", "response_code", "source_workload");

    private readonly HistogramFamily _istioDuration = new(
        "istio_request_duration_milliseconds",
        "Request duration in milliseconds seen by an Istio proxy (simulated by graystep-sandbox).",
        IstioBucketsMs,
        "reporter", "destination_workload", "destination_workload_namespace", "destination_service_name", "response_code", "source_workload");

    private readonly CounterFamily _nginxRequests = new(
        "nginx_ingress_controller_requests",
        "The total number of client requests (simulated by graystep-sandbox).",
        "namespace", "ingress", "service", "status", "canary");

    private readonly HistogramFamily _nginxDuration = new(
        "nginx_ingress_controller_request_duration_seconds",
        "The request processing time in seconds (simulated by graystep-sandbox).",
        SecondsBuckets,
        "namespace", "ingress", "canary");

    private readonly CounterFamily _appRequests = new(
        "http_requests_total",
        "HTTP requests served by the app's pod (simulated by graystep-sandbox).",
        "namespace", "pod", "status");

    private readonly HistogramFamily _appDuration = new(
        "http_request_duration_seconds",
        "HTTP request duration in seconds in the app's pod (simulated by graystep-sandbox).",
        SecondsBuckets,
        "namespace", "pod");

    public const string SourceWorkload = "loadgen";

    /// <summary>Records one request a pod served (user, mirrored or load-test traffic alike, as the real proxies do).</summary>
    public void Served(RoutedApp app, Backend backend, string nginxCanary, Workload workload, string pod, int status, double latencyMs)
    {
        var code = status.ToString(CultureInfo.InvariantCulture);
        switch (app.Provider)
        {
            case Provider.Istio:
                string[] labels = ["destination", workload.Name, workload.Namespace, backend.Service, code, SourceWorkload];
                _istioRequests.Inc(labels);
                _istioDuration.Observe(latencyMs, labels);
                break;
            case Provider.Nginx:
                _nginxRequests.Inc(app.Namespace, app.Ingress ?? string.Empty, backend.Service, code, nginxCanary);
                _nginxDuration.Observe(latencyMs / 1000, app.Namespace, app.Ingress ?? string.Empty, nginxCanary);
                break;
            default:
                _appRequests.Inc(workload.Namespace, pod, code);
                _appDuration.Observe(latencyMs / 1000, workload.Namespace, pod);
                break;
        }
    }

    /// <summary>The ingress controller answers 503 itself when a backend Service has no endpoints.</summary>
    public void Unavailable(RoutedApp app, Backend backend, string nginxCanary)
    {
        if (app.Provider == Provider.Nginx)
        {
            _nginxRequests.Inc(app.Namespace, app.Ingress ?? string.Empty, backend.Service, "503", nginxCanary);
            _nginxDuration.Observe(0.001, app.Namespace, app.Ingress ?? string.Empty, nginxCanary);
        }
    }

    public string Render()
    {
        var sb = new StringBuilder();
        foreach (var family in new object[] { _istioRequests, _istioDuration, _nginxRequests, _nginxDuration, _appRequests, _appDuration })
        {
            switch (family)
            {
                case CounterFamily { IsEmpty: false } c:
                    c.Write(sb);
                    break;
                case HistogramFamily { IsEmpty: false } h:
                    h.Write(sb);
                    break;
            }
        }

        return sb.ToString();
    }
}
