using System.Text.Json;
using Graystep.Analysis.Tests.Support;
using Graystep.TestKit.Prometheus;

namespace Graystep.Analysis.Tests;

/// <summary><c>graystep analyze</c>: one round now, against the canary in progress, as text and as JSON.</summary>
[Collection(Lanes.Five)]
public sealed class AnalyzeCommandTests
{
    [PrometheusFact]
    public async Task Analyze_prints_metric_query_value_threshold_and_verdict_as_text_and_as_json()
    {
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.Healthy(100)), (Bookinfo.CanaryWorkload, Traffic.WithErrors(0.05, 100)));
        using var repo = Bookinfo.Repo("""
            interval: 1m
            threshold: 5
            stepWeights: [10, 50]
            metrics:
              - name: request-success-rate
                interval: 5s
                thresholdRange: {min: 99}
              - name: request-duration
                interval: 5s
                thresholdRange: {max: 500}
            """);

        // Start v2 and stop: the canary is in progress.
        var started = await repo.GraystepAsync(Bookinfo.RunV2(repo, rig.Address, "--once"), Bookinfo.RunBound);
        Assert.True(started.ExitCode == 5, started.ToString());

        // Analysis only looks at traffic after the last commit: let a whole 5s window pass since the start commit.
        await Bookinfo.WaitForAWholeWindowAsync(repo);

        var text = await repo.GraystepAsync(["analyze", Bookinfo.Spec, "--repo", repo.Bare, "--prometheus", rig.Address], Bookinfo.RunBound);
        var json = await repo.GraystepAsync(["analyze", Bookinfo.Spec, "--repo", repo.Bare, "--prometheus", rig.Address, "-o", "json"], Bookinfo.RunBound);

        // A failing metric: exit 1, the table and each query.
        Assert.True(text.ExitCode == 1, text.ToString());
        Assert.StartsWith("bookinfo/reviews: analysis of reviews-v2: 1 of 2 checks passed", text.Stdout, StringComparison.Ordinal);
        var rows = Bookinfo.Rows(text.Stdout);
        Assert.Equal(["request-success-rate", "request-duration"], rows.Select(r => r.Metric));
        Assert.Equal("fail", rows[0].Verdict);
        Assert.InRange(rows[0].NumericValue, 94, 96);
        Assert.Equal(">= 99", rows[0].Threshold);
        Assert.Equal("5s", rows[0].Window);
        Assert.Equal("pass", rows[1].Verdict);
        Expect.Contains("request-success-rate: sum( rate( istio_requests_total{ reporter=\"destination\"", text.Stdout);
        Expect.Contains("destination_workload=~\"reviews-v2\"", text.Stdout);
        Expect.Contains("[5s]", text.Stdout);

        // The same as data.
        Assert.True(json.ExitCode == 1, json.ToString());
        using var document = JsonDocument.Parse(json.Stdout);
        var root = document.RootElement;
        Assert.Equal("bookinfo/reviews", root.GetProperty("rollout").GetString());
        Assert.Equal("reviews-v2", root.GetProperty("workload").GetString());
        Assert.False(root.GetProperty("passed").GetBoolean());
        var metrics = root.GetProperty("metrics").EnumerateArray().ToList();
        Assert.Equal(2, metrics.Count);
        var success = metrics[0];
        Assert.Equal("request-success-rate", success.GetProperty("name").GetString());
        Expect.Contains("reviews-v2", success.GetProperty("query").GetString()!);
        Assert.InRange(success.GetProperty("value").GetDouble(), 94, 96);
        Assert.Equal(99, success.GetProperty("min").GetDouble());
        Assert.Equal(JsonValueKind.Null, success.GetProperty("max").ValueKind);
        Assert.Equal("5s", success.GetProperty("window").GetString());
        Assert.Equal("fail", success.GetProperty("verdict").GetString());
        Assert.Equal("pass", metrics[1].GetProperty("verdict").GetString());
        Assert.Equal(500, metrics[1].GetProperty("max").GetDouble());
    }

    [Fact]
    public async Task Analyze_rejects_a_prometheus_address_that_is_not_a_url_as_a_usage_error()
    {
        using var repo = Bookinfo.Repo("""
            interval: 1m
            threshold: 5
            stepWeights: [10, 50]
            metrics:
              - name: request-success-rate
                interval: 5s
                thresholdRange: {min: 99}
            """);

        var result = await repo.GraystepAsync(["analyze", Bookinfo.Spec, "--repo", repo.Bare, "--prometheus", "127.0.0.1:9090"], Bookinfo.RunBound);

        Assert.True(result.ExitCode == 2, result.ToString());
        Expect.Contains("error: --prometheus 127.0.0.1:9090: not an absolute URL", result.Stderr);
        Assert.DoesNotContain("unexpected failure", result.Stderr, StringComparison.Ordinal);
    }
}
