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
}
