using Graystep.Core.Providers;

namespace Graystep.Rendering.Routing.Istio;

/// <summary>Flagger's built-in checks on the Istio proxy's metrics (destination reporter); the duration is the P99 in milliseconds.</summary>
internal static class IstioQueries
{
    public const string RequestSuccessRate = """
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

    public const string RequestDuration = """
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

    /// <summary>Per-version counters for the sequential judge (destination reporter, by workload).</summary>
    public static CounterQueries Counters { get; } = CounterTemplates.Same(CounterTemplates.Version(
        "istio_requests_total",
        "reporter=\"destination\", destination_workload_namespace=\"{{ namespace }}\", destination_workload=~\"{{ target }}\"",
        "response_code",
        "istio_request_duration_milliseconds",
        "reporter=\"destination\", destination_workload_namespace=\"{{ namespace }}\", destination_workload=~\"{{ target }}\""), milliseconds: true);
}
