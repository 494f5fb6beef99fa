namespace Graystep.Rendering.Routing;

/// <summary>Flagger's built-in checks on the app's own HTTP metrics (<c>http_requests_total</c>), for providers with no proxy metrics of their own (Gateway API, plain Kubernetes); the duration is the P99 in milliseconds.</summary>
internal static class AppQueries
{
    public const string RequestSuccessRate = """
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

    public const string RequestDuration = """
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
