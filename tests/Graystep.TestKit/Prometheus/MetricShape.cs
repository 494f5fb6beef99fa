namespace Graystep.TestKit.Prometheus;

/// <summary>
/// The metric names and labels a workload's traffic is reported under, as CONVENTIONS.md pins them for Istio,
/// NGINX ingress and app metrics: a request counter with a status label, and a latency histogram.
/// </summary>
public sealed record MetricShape
{
    public required string RequestsMetric { get; init; }

    /// <summary>Labels of the request counter, without the status label.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> RequestLabels { get; init; }

    public required string StatusLabel { get; init; }

    /// <summary>The histogram's base name (without <c>_bucket</c>, <c>_sum</c>, <c>_count</c>).</summary>
    public required string DurationMetric { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> DurationLabels { get; init; }

    /// <summary>Histogram units per second: 1000 for milliseconds, 1 for seconds.</summary>
    public required double UnitsPerSecond { get; init; }

    public required IReadOnlyList<double> Buckets { get; init; }

    /// <summary>Istio's default duration buckets, in milliseconds.</summary>
    public static IReadOnlyList<double> IstioBuckets { get; } =
        [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

    /// <summary>ingress-nginx's and the Prometheus client libraries' default buckets, in seconds.</summary>
    public static IReadOnlyList<double> SecondsBuckets { get; } = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Istio's sidecar metrics as the destination reports them, from the load generator.</summary>
    public static MetricShape Istio(string @namespace, string workload, string service) => new()
    {
        RequestsMetric = "istio_requests_total",
        RequestLabels = Labels(
            ("reporter", "destination"),
            ("destination_workload", workload),
            ("destination_workload_namespace", @namespace),
            ("destination_service_name", service),
            ("source_workload", "loadgen")),
        StatusLabel = "response_code",
        DurationMetric = "istio_request_duration_milliseconds",
        DurationLabels = Labels(
            ("reporter", "destination"),
            ("destination_workload", workload),
            ("destination_workload_namespace", @namespace),
            ("destination_service_name", service),
            ("source_workload", "loadgen")),
        UnitsPerSecond = 1000,
        Buckets = IstioBuckets,
    };

    /// <summary>
    /// ingress-nginx's metrics for requests through <paramref name="ingress"/> (the primary Ingress) served by
    /// <paramref name="service"/>; <paramref name="canary"/> is <c>&lt;ns&gt;-&lt;svc&gt;-&lt;version&gt;-&lt;port&gt;</c>
    /// for the canary backend and empty for the primary.
    /// </summary>
    public static MetricShape Nginx(string @namespace, string ingress, string service, string canary) => new()
    {
        RequestsMetric = "nginx_ingress_controller_requests",
        RequestLabels = Labels(("namespace", @namespace), ("ingress", ingress), ("service", service), ("canary", canary)),
        StatusLabel = "status",
        DurationMetric = "nginx_ingress_controller_request_duration_seconds",
        DurationLabels = Labels(("namespace", @namespace), ("ingress", ingress), ("canary", canary)),
        UnitsPerSecond = 1,
        Buckets = SecondsBuckets,
    };

    /// <summary>App metrics of one pod (gateway-api and kubernetes providers).</summary>
    public static MetricShape App(string @namespace, string pod) => new()
    {
        RequestsMetric = "http_requests_total",
        RequestLabels = Labels(("namespace", @namespace), ("pod", pod)),
        StatusLabel = "status",
        DurationMetric = "http_request_duration_seconds",
        DurationLabels = Labels(("namespace", @namespace), ("pod", pod)),
        UnitsPerSecond = 1,
        Buckets = SecondsBuckets,
    };

    private static KeyValuePair<string, string>[] Labels(params (string Name, string Value)[] labels) =>
        [.. labels.Select(l => KeyValuePair.Create(l.Name, l.Value))];
}
