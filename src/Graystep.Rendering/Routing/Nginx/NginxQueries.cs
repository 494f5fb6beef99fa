using Graystep.Core.Providers;

namespace Graystep.Rendering.Routing.Nginx;

/// <summary>Flagger's built-in checks on the ingress-nginx controller's metrics for the canary Ingress; the duration is the P99 in milliseconds.</summary>
internal static class NginxQueries
{
    public const string RequestSuccessRate = """
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

    public const string RequestDuration = """
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

    /// <summary>
    /// Per-version counters for the sequential judge: the controller labels a request with <c>canary</c> when the
    /// canary Ingress served it, so the canary is <c>canary!=""</c> and the stable version <c>canary=""</c>.
    /// </summary>
    public static CounterQueries Counters { get; } = new(Version("canary!=\"\""), Version("canary=\"\""), BucketsInMilliseconds: false);

    private static VersionCounterQueries Version(string canary)
    {
        var selector = "namespace=\"{{ namespace }}\", ingress=\"{{ ingress }}\", " + canary;
        return CounterTemplates.Version("nginx_ingress_controller_requests", selector, "status", "nginx_ingress_controller_request_duration_seconds", selector);
    }
}
