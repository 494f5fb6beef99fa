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

        var runs = new List<(double Wall, double Overhead, double Fixed)>();
        for (var i = 0; i < 3; i++)
        {
            // scaleDownDelay 0s: the promotion removes v1 in its own commit, so the run is the five commits and four
            // intervals it measures (the default 30 s would add a wait for the retire commit).
            using var scenario = new Scenario("bookinfo", "2s", prometheus.Address.ToString().TrimEnd('/'), prepare: seed =>
            {
                var spec = Path.Combine(seed, "rollout.yaml");
                File.WriteAllText(spec, File.ReadAllText(spec).Replace("  analysis:\n", "  analysis:\n    scaleDownDelay: 0s\n", StringComparison.Ordinal));
            });
            var env = new Dictionary<string, string> { ["GRAYSTEP_WORKSPACE"] = scenario.Workspaces };
            // Initialize separately: the measured rollout is start → 3 steps → promote.
            Measure.Run(graystep, ["run", scenario.SpecPath, "--repo", scenario.Bare, "--once"], env: env);
            var (code, output, ms) = Measure.Run(graystep, ["run", scenario.SpecPath, "--repo", scenario.Bare, "--version", "v2", "--image", "reviews=docker.io/istio/examples-bookinfo-reviews-v2:1.20.1"], env: env);
            if (code != 0)
            {
                throw new InvalidOperationException($"rollout exited {code}: {output}");
            }

            // What every process pays once, whatever it does: start, open the managed workspace, read the rollout.
            var (statusCode, statusOutput, fixedMs) = Measure.Run(graystep, ["status", scenario.SpecPath, "--repo", scenario.Bare], env: env);
            if (statusCode != 0)
            {
                throw new InvalidOperationException($"status exited {statusCode}: {statusOutput}");
            }

            const double intervals = 4 * 2000;
            runs.Add((ms, ms - intervals, fixedMs));
        }

        var median = Measure.Median([.. runs.Select(r => r.Wall)]);
        var overhead = Measure.Median([.. runs.Select(r => r.Overhead)]);
        var fixedCost = Measure.Median([.. runs.Select(r => r.Fixed)]);

        // Five commits (start, 3 steps, promote): each is a refresh after the wait, the round, a render, a commit and a
        // push, and comes on top of its interval because the next interval only starts once the push is done.
        var perCommit = (overhead - fixedCost) / 5;
        report(string.Create(CultureInfo.InvariantCulture,
            $"full 3-step rollout, 2 s interval, real Prometheus (3 runs): median wall {median:0} ms vs 8000 ms of intervals; Graystep overhead {overhead:0} ms = {overhead / 8000 * 100:0.0}% (goal < 10%): process start + workspace open {fixedCost:0} ms (graystep status), then about {perCommit:0} ms per commit (5 commits)"));
    }
}
