using System.Text;
using Graystep.Sandbox.Cluster;
using Graystep.Sandbox.Routing;

namespace Graystep.Sandbox.Metrics;

/// <summary>
/// The metric families one kind of proxy or controller exposes, with the real names and labels, so the built-in
/// queries run unchanged. A family appears in /metrics only once a request fed it.
/// </summary>
internal abstract class ProxyMetrics
{
    /// <summary>Records one request a pod served (user, mirrored or load-test traffic alike, as the real proxies do).</summary>
    public abstract void Served(RoutedApp app, Backend backend, string nginxCanary, Workload workload, string pod, int status, double latencyMs);

    /// <summary>The proxy answered itself because a backend had no endpoints; most record nothing for that.</summary>
    public virtual void Unavailable(RoutedApp app, Backend backend, string nginxCanary)
    {
    }

    public abstract void Render(StringBuilder sb);

    protected static void Write(StringBuilder sb, params object[] families)
    {
        foreach (var family in families)
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
    }
}

/// <summary>
/// The app's own HTTP metrics (<c>http_requests_total</c>, <c>http_request_duration_seconds</c> by pod): what the
/// Gateway API and plain Kubernetes providers are measured by, as Flagger's built-in queries for them expect.
/// </summary>
internal sealed class AppMetrics : ProxyMetrics
{
    public const string Key = "app";

    private readonly CounterFamily _requests = new(
        "http_requests_total",
        "HTTP requests served by the app's pod (simulated by graystep-sandbox).",
        "namespace", "pod", "status");

    private readonly HistogramFamily _duration = new(
        "http_request_duration_seconds",
        "HTTP request duration in seconds in the app's pod (simulated by graystep-sandbox).",
        MeshMetrics.SecondsBuckets,
        "namespace", "pod");

    public override void Served(RoutedApp app, Backend backend, string nginxCanary, Workload workload, string pod, int status, double latencyMs)
    {
        _requests.Inc(workload.Namespace, pod, MeshMetrics.Code(status));
        _duration.Observe(latencyMs / 1000, workload.Namespace, pod);
    }

    public override void Render(StringBuilder sb) => Write(sb, _requests, _duration);
}
