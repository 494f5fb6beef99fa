using Graystep.Core.Spec;

namespace Graystep.Metrics;

/// <summary>
/// Flagger's two built-in checks, per provider, as query templates rendered by
/// <see cref="Graystep.Core.Analysis.MetricQueryBuilder"/>. docs/metrics.md shows every one verbatim (a test keeps
/// them in step). request-success-rate is a percentage of non-5xx requests; request-duration is the P99 in
/// milliseconds for every provider.
/// </summary>
public static class BuiltinMetrics
{
    public const string RequestSuccessRate = "request-success-rate";
    public const string RequestDuration = "request-duration";

    public static IReadOnlyList<string> Names { get; } = [RequestSuccessRate, RequestDuration];

    public static bool IsBuiltin(string name) => name is RequestSuccessRate or RequestDuration;

    /// <summary>The query template of a built-in metric for a provider.</summary>
    public static string QueryTemplate(Provider provider, string name) => (provider, name) switch
    {
        (Provider.Istio, RequestSuccessRate) => IstioRequestSuccessRate,
        (Provider.Istio, RequestDuration) => IstioRequestDuration,
        (Provider.Nginx, RequestSuccessRate) => NginxRequestSuccessRate,
        (Provider.Nginx, RequestDuration) => NginxRequestDuration,
        (Provider.GatewayApi or Provider.Kubernetes, RequestSuccessRate) => AppRequestSuccessRate,
        (Provider.GatewayApi or Provider.Kubernetes, RequestDuration) => AppRequestDuration,
        _ => throw new ArgumentException($"\"{name}\" is not a built-in metric; built-ins: {string.Join(", ", Names)}", nameof(name)),
    };

    public const string IstioRequestSuccessRate = """
        sum(
          rate(
            istio_requests_total{
              reporter="destination",
              destination_workload_namespace="{{ namespace }}",
              destination_workload=~"{{ target }}",
              response_code!~"5.*"
            }[{{ interval }}]
          )
        )
        /
        sum(
          rate(
            istio_requests_total{
              reporter="destination",
              destination_workload_namespace="{{ namespace }}",
              destination_workload=~"{{ target }}"
            }[{{ interval }}]
          )
        )
        * 100
        """;

    public const string IstioRequestDuration = """
        histogram_quantile(
          0.99,
          sum(
            rate(
              istio_request_duration_milliseconds_bucket{
                reporter="destination",
                destination_workload_namespace="{{ namespace }}",
                destination_workload=~"{{ target }}"
              }[{{ interval }}]
            )
          ) by (le)
        )
        """;

    public const string NginxRequestSuccessRate = """
        sum(
          rate(
            nginx_ingress_controller_requests{
              namespace="{{ namespace }}",
              ingress="{{ ingress }}",
              canary!="",
              status!~"5.*"
            }[{{ interval }}]
          )
        )
        /
        sum(
          rate(
            nginx_ingress_controller_requests{
              namespace="{{ namespace }}",
              ingress="{{ ingress }}",
              canary!=""
            }[{{ interval }}]
          )
        )
        * 100
        """;

    public const string NginxRequestDuration = """
        histogram_quantile(
          0.99,
          sum(
            rate(
              nginx_ingress_controller_request_duration_seconds_bucket{
                namespace="{{ namespace }}",
                ingress="{{ ingress }}",
                canary!=""
              }[{{ interval }}]
            )
          ) by (le)
        )
        * 1000
        """;

    public const string AppRequestSuccessRate = """
        sum(
          rate(
            http_requests_total{
              namespace="{{ namespace }}",
              pod=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)",
              status!~"5.*"
            }[{{ interval }}]
          )
        )
        /
        sum(
          rate(
            http_requests_total{
              namespace="{{ namespace }}",
              pod=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"
            }[{{ interval }}]
          )
        )
        * 100
        """;

    public const string AppRequestDuration = """
        histogram_quantile(
          0.99,
          sum(
            rate(
              http_request_duration_seconds_bucket{
                namespace="{{ namespace }}",
                pod=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"
              }[{{ interval }}]
            )
          ) by (le)
        )
        * 1000
        """;
}
