using Graystep.Metrics;
using Graystep.TestKit.Prometheus;

namespace Graystep.Benchmarks;

/// <summary>One analysis round of 10 metrics against a real local Prometheus (goal: median under 200 ms).</summary>
internal static class AnalysisBench
{
    public static async Task RunAsync(Action<string> report)
    {
        using var handler = new SocketsHttpHandler();
        var result = await AnalysisBenchmark.MeasureAsync(_ => PrometheusAnalysis.Create(handler), rounds: 25, metrics: 10);
        report(result + "; goal < 200 ms");
    }
}
