using System.Globalization;
using Graystep.TestKit;
using Graystep.TestKit.Prometheus;

namespace Graystep.Benchmarks;

/// <summary>
/// A full 3-step canary (bookinfo, 10/20/50) with a 2 s interval against a real Prometheus: wall time compared
/// with the sum of its intervals (start + 3 steps = 4 intervals).
/// </summary>
internal static class RolloutBench
{
    public static async Task RunAsync(string graystep, Action<string> report)
    {
        await using var exporter = await TestExporter.StartAsync();
        exporter.Serve(MetricShape.Istio("bookinfo", "reviews-v1", "reviews"), Traffic.Healthy(100));
        exporter.Serve(MetricShape.Istio("bookinfo", "reviews-v2", "reviews"), Traffic.Healthy(100));
        await using var prometheus = await PrometheusServer.StartAsync([exporter.Target]);
        await prometheus.WaitForSamplesAsync("istio_requests_total{destination_workload=\"reviews-v2\"}", 3, "5s");

        var runs = new List<(double Wall, double Overhead)>();
        for (var i = 0; i < 3; i++)
        {
            using var scenario = new Scenario("bookinfo", "2s", prometheus.Address.ToString().TrimEnd('/'));
            var env = new Dictionary<string, string> { ["GRAYSTEP_WORKSPACE"] = scenario.Workspaces };
            // Initialize separately: the measured rollout is start → 3 steps → promote.
            Measure.Run(graystep, ["run", scenario.SpecPath, "--repo", scenario.Bare, "--once"], env: env);
            var (code, output, ms) = Measure.Run(graystep, ["run", scenario.SpecPath, "--repo", scenario.Bare, "--version", "v2", "--image", "reviews=docker.io/istio/examples-bookinfo-reviews-v2:1.20.1"], env: env);
            if (code != 0)
            {
                throw new InvalidOperationException($"rollout exited {code}: {output}");
            }

            const double intervals = 4 * 2000;
            runs.Add((ms, ms - intervals));
        }

        var median = Measure.Median([.. runs.Select(r => r.Wall)]);
        var overhead = Measure.Median([.. runs.Select(r => r.Overhead)]);
        report(string.Create(CultureInfo.InvariantCulture,
            $"full 3-step rollout, 2 s interval, real Prometheus (3 runs): median wall {median:0} ms vs 8000 ms of intervals; Graystep overhead {overhead:0} ms = {overhead / 8000 * 100:0.0}% (goal < 10%)"));
    }
}
