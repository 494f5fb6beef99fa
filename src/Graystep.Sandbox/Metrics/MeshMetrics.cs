using System.Globalization;
using System.Text;
using Graystep.Sandbox.Cluster;
using Graystep.Sandbox.Routing;

namespace Graystep.Sandbox.Metrics;

/// <summary>
/// The metrics the real components would expose, with the names and labels CONVENTIONS.md pins: one
/// <see cref="ProxyMetrics"/> per metrics key of the registered sandbox routers (the Istio sidecar, the ingress-nginx
/// controller, the app itself), in registration order.
/// </summary>
internal sealed class MeshMetrics
{
    // The Prometheus client default buckets, which ingress-nginx and most app libraries use (seconds).
    public static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public const string SourceWorkload = "loadgen";

    private readonly Dictionary<string, ProxyMetrics> _byKey = new(StringComparer.Ordinal);
    private readonly List<ProxyMetrics> _ordered = [];

    public MeshMetrics(IEnumerable<ISandboxRouter> routers)
    {
        foreach (var router in routers)
        {
            if (!_byKey.ContainsKey(router.MetricsKey))
            {
                var metrics = router.CreateMetrics();
                _byKey[router.MetricsKey] = metrics;
                _ordered.Add(metrics);
            }
        }
    }

    /// <summary>
    /// The proxy in front records the request, and so do the app's own pods (<c>http_requests_total</c>), whatever
    /// is in front of them: a plain Ingress before a kubernetes-provider app is measured by the app's metrics.
    /// </summary>
    public void Served(RoutedApp app, Backend backend, string nginxCanary, Workload workload, string pod, int status, double latencyMs)
    {
        _byKey[app.Provider.MetricsKey].Served(app, backend, nginxCanary, workload, pod, status, latencyMs);
        if (app.Provider.MetricsKey != AppMetrics.Key && _byKey.TryGetValue(AppMetrics.Key, out var own))
        {
            own.Served(app, backend, nginxCanary, workload, pod, status, latencyMs);
        }
    }

    public void Unavailable(RoutedApp app, Backend backend, string nginxCanary) =>
        _byKey[app.Provider.MetricsKey].Unavailable(app, backend, nginxCanary);

    public string Render()
    {
        var sb = new StringBuilder();
        foreach (var metrics in _ordered)
        {
            metrics.Render(sb);
        }

        return sb.ToString();
    }

    public static string Code(int status) => status.ToString(CultureInfo.InvariantCulture);
}
