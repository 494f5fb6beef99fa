using Graystep.TestKit.Prometheus;
using Xunit.Abstractions;

namespace Graystep.Metrics.Tests;

public sealed class AnalysisBenchmarkTests(ITestOutputHelper output)
{
    [PrometheusFact]
    public async Task One_round_of_ten_metrics_against_a_local_Prometheus_is_fast()
    {
        var handler = new SocketsHttpHandler();
        try
        {
            var result = await AnalysisBenchmark.MeasureAsync(_ => PrometheusAnalysis.Create(handler), rounds: 9, metrics: 10);

            output.WriteLine(result.ToString());
            Assert.Equal(10, result.Metrics);

            // The goal is 200ms; this bound only catches a regression by an order of magnitude on a busy machine.
            Assert.True(result.Median < TimeSpan.FromSeconds(2), result.ToString());
        }
        finally
        {
            handler.Dispose();
        }
    }
}
