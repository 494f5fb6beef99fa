using Graystep.Core.Errors;
using Graystep.Sandbox.Behaviour;
using Graystep.Sandbox.Tests.Support;
using Graystep.Sandbox.Traffic;

namespace Graystep.Sandbox.Tests;

public sealed class BehaviourTests
{
    private const string App = "bookinfo/reviews";

    [Fact]
    public async Task A_five_percent_error_rate_gives_about_five_percent_5xx_in_counters_and_metrics()
    {
        using var repo = new GitOpsRepo();
        repo.Commit("reviews: 50/50", Rendered.IstioApp("rendered", Rendered.IstioWeighted("reviews", "v1", 50, "v2", 50)));
        var behaviour = BehaviourConfig.Parse("""
            versions:
              v2:
                errorRate: 0.05
                latency: {p50: 40, p99: 200}
            """, "behaviour.yaml");
        await using var host = await Sandboxes.AppliedAsync(repo, Sandboxes.Options(repo) with { Behaviour = behaviour });

        host.SendUserRequests(20_000);

        var v1 = host.Version(App, "v1");
        var v2 = host.Version(App, "v2");
        Assert.Equal(0, v1.Total.Errors);
        Assert.InRange(v2.Total.Errors / (double)v2.Total.Requests, 0.04, 0.06);
        Assert.InRange(v1.Total.LatencySumMs / v1.Total.Requests, 12, 24);   // healthy default: p50 15 ms
        Assert.InRange(v2.Total.LatencySumMs / v2.Total.Requests, 40, 70);   // log-normal mean is above its median

        var samples = PrometheusTextParser.Parse(host.RenderMetrics()).Samples.Where(s => s.Name == "istio_requests_total" && s.Labels["destination_workload"] == "reviews-v2").ToList();
        Assert.Equal(v2.Total.Errors, samples.Single(s => s.Labels["response_code"] == "500").Value);
        Assert.Equal(v2.Total.Requests - v2.Total.Errors, samples.Single(s => s.Labels["response_code"] == "200").Value);
    }

    [Fact]
    public async Task Behaviour_keyed_by_image_wins_and_unknown_versions_are_healthy()
    {
        using var repo = new GitOpsRepo();
        repo.Commit("reviews: 50/50", Rendered.IstioApp("rendered", Rendered.IstioWeighted("reviews", "v1", 50, "v2", 50)));
        var behaviour = BehaviourConfig.Parse("""
            {"versions": {
              "v2": {"errorRate": "50%"},
              "docker.io/istio/examples-bookinfo-reviews-v2:1.20.1": {"notFoundRate": "10%", "errorStatus": 503, "errorRate": 0.02},
              "v9": {"errorRate": 1}
            }}
            """, "behaviour.json");
        await using var host = await Sandboxes.AppliedAsync(repo, Sandboxes.Options(repo) with { Behaviour = behaviour });

        host.SendUserRequests(10_000);

        var v2 = host.Version(App, "v2");
        Assert.InRange(v2.Total.NotFound / (double)v2.Total.Requests, 0.08, 0.12);
        Assert.InRange(v2.Total.Errors / (double)v2.Total.Requests, 0.01, 0.03);
        Assert.Equal(0, host.Version(App, "v1").Total.Errors);
        var codes = PrometheusTextParser.Parse(host.RenderMetrics()).Samples
            .Where(s => s.Name == "istio_requests_total" && s.Labels["destination_workload"] == "reviews-v2")
            .Select(s => s.Labels["response_code"]).Order(StringComparer.Ordinal);
        Assert.Equal(["200", "404", "503"], codes);
    }

    [Fact]
    public void Latency_percentiles_are_honoured()
    {
        var model = new LatencyModel.Percentiles(50, 400);
        var rng = new Prng(3);
        var samples = Enumerable.Range(0, 20_000).Select(_ => model.SampleMs(rng)).Order().ToList();
        Assert.InRange(samples[10_000], 45, 55);
        Assert.InRange(samples[19_800], 340, 470);
    }

    [Fact]
    public void Every_problem_in_a_behaviour_file_is_reported_with_its_place()
    {
        var error = Assert.Throws<GraystepException>(() => BehaviourConfig.Parse("""
            versions:
              v2:
                errorRate: 1.5
                latency: {p50: 100, p99: 10}
                colour: blue
            extra: 1
            """, "b.yaml"));

        Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
        Assert.Contains("b.yaml:3:16: versions.v2.errorRate: 1.5 is outside 0..1", error.Message, StringComparison.Ordinal);
        Assert.Contains("versions.v2.latency: p99 (10) is below p50 (100)", error.Message, StringComparison.Ordinal);
        Assert.Contains("b.yaml:5:5: versions.v2.colour: unknown field", error.Message, StringComparison.Ordinal);
        Assert.Contains("b.yaml:6:1: extra: unknown field", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mean_and_jitter_latency_and_duration_strings_parse()
    {
        var config = BehaviourConfig.Parse("""
            default: {latency: {mean: "1.5s", jitter: 100ms}}
            """, "b.yaml");

        Assert.Equal(new LatencyModel.MeanJitter(1500, 100), config.Default.Latency);
        Assert.Same(config.Default, config.For("v7", "reviews-v7", ["img:1"]));
    }
}
