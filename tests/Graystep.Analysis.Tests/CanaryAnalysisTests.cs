using Graystep.Analysis.Tests.Support;
using Graystep.TestKit.Prometheus;

namespace Graystep.Analysis.Tests;

/// <summary>
/// Whole rollouts of examples/bookinfo through the published CLI against a real Prometheus: what the canary serves
/// decides between a promotion (exit 0) and a rollback (exit 4), and every decision's inputs are in the commits.
/// </summary>
[Collection(Lanes.One)]
public sealed class CanaryAnalysisTests
{
    private const string TwoMetrics = """
        interval: 3s
        threshold: 2
        stepWeights: [20, 50]
        metrics:
          - name: request-success-rate
            interval: 5s
            thresholdRange: {min: 99}
          - name: request-duration
            interval: 5s
            thresholdRange: {max: 500}
        """;

    [PrometheusFact]
    public async Task A_healthy_canary_is_promoted_and_every_step_commit_carries_the_results_that_allowed_it()
    {
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.Healthy(100)), (Bookinfo.CanaryWorkload, Traffic.Healthy(100)));

        // The address comes from spec.metricsServer here (no --prometheus).
        using var repo = Bookinfo.Repo(TwoMetrics, sync: "kind: delay\ndelay: 1s", metricsServer: rig.Address);
        var result = await repo.GraystepAsync(Bookinfo.RunV2(repo, prometheus: null), Bookinfo.RunBound);

        Assert.True(result.ExitCode == 0, result.ToString());
        var commits = repo.RolloutCommits();
        Assert.Equal(["initialize", "retire", "start", "step", "step", "promote"], commits.Select(c => c.Action));

        // Step 1 follows the start: no traffic reached the canary, so no metrics were checked (as Flagger).
        Expect.Contains("no metrics were checked", commits[3].Body);
        Assert.Empty(Bookinfo.Rows(commits[3].Body));

        // Step 2 and the promotion were each allowed by a passing round of both metrics.
        foreach (var commit in new[] { commits[4], commits[5] })
        {
            var rows = Bookinfo.Rows(commit.Body);
            Assert.Equal(["request-success-rate", "request-duration"], rows.Select(r => r.Metric));
            Assert.All(rows, r => Assert.Equal("pass", r.Verdict));
            Assert.Equal(100, rows[0].NumericValue);
            Assert.Equal(">= 99", rows[0].Threshold);
            Assert.Equal("<= 500", rows[1].Threshold);
            Assert.InRange(rows[1].NumericValue, 1, 500);

            // The window never reaches before the step was applied: 3s after it, capped at the metric's 5s.
            Assert.All(rows, r => Assert.InRange(r.WindowSeconds, 3, 5));
        }

        var status = repo.ReadFile(Bookinfo.StatusFile)!;
        Expect.Contains("phase: Succeeded", status);
        Expect.Contains("analysis: 2 of 2 checks passed", result.Stdout);
    }

    [PrometheusFact]
    public async Task A_canary_with_5_percent_errors_is_rolled_back_after_threshold_failed_checks()
    {
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.Healthy(100)), (Bookinfo.CanaryWorkload, Traffic.WithErrors(0.05, 100)));
        using var repo = Bookinfo.Repo(TwoMetrics.Replace("[20, 50]", "[50]", StringComparison.Ordinal), sync: "kind: delay\ndelay: 1s");

        var result = await repo.GraystepAsync(Bookinfo.RunV2(repo, rig.Address), Bookinfo.RunBound);

        Assert.True(result.ExitCode == 4, result.ToString());
        var commits = repo.RolloutCommits();
        Assert.Equal(["initialize", "retire", "start", "step", "rollback"], commits.Select(c => c.Action));
        var rollback = commits[^1];
        Assert.Equal("reviews: roll back v2, all traffic to v1", rollback.Subject);
        Assert.Equal("0", rollback.Trailers["Graystep-Weight"]);
        Expect.Matches(@"^Reason: analysis failed 2 times \(threshold 2\): request-success-rate 9[45](\.\d+)? outside >= 99$", rollback.Body);

        // The body names the failing metric with its value, threshold and window; the healthy one passes.
        var rows = Bookinfo.Rows(rollback.Body);
        var failing = Assert.Single(rows, r => r.Verdict == "fail");
        Assert.Equal("request-success-rate", failing.Metric);
        Assert.InRange(failing.NumericValue, 94, 96);
        Assert.Equal(">= 99", failing.Threshold);
        Assert.Equal(5, failing.WindowSeconds);
        Assert.Equal("pass", Assert.Single(rows, r => r.Metric == "request-duration").Verdict);

        // And it lists both failed checks of the rollout, each with what it measured over which window.
        Expect.Matches(@"^Failed checks: 2 of threshold 2\n  \S+Z at step 1/1 \(50%\): request-success-rate 9[45](\.\d+)? outside >= 99 over [345]s\n  \S+Z at step 1/1 \(50%\): request-success-rate 9[45](\.\d+)? outside >= 99 over 5s$", rollback.Body);

        var status = repo.ReadFile(Bookinfo.StatusFile)!;
        Expect.Contains("phase: Failed", status);
        Expect.Contains("failedChecks: 2", status);
    }

    [PrometheusFact]
    public async Task A_slow_canary_is_rolled_back_on_request_duration()
    {
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.Healthy(100)), (Bookinfo.CanaryWorkload, Traffic.Slow(TimeSpan.FromMilliseconds(800), 100)));
        using var repo = Bookinfo.Repo(TwoMetrics.Replace("[20, 50]", "[50]", StringComparison.Ordinal).Replace("threshold: 2", "threshold: 1", StringComparison.Ordinal));

        var result = await repo.GraystepAsync(Bookinfo.RunV2(repo, rig.Address), Bookinfo.RunBound);

        Assert.True(result.ExitCode == 4, result.ToString());
        var rollback = repo.RolloutCommits()[^1];
        Assert.Equal("rollback", rollback.Action);
        var rows = Bookinfo.Rows(rollback.Body);
        var duration = Assert.Single(rows, r => r.Verdict == "fail");
        Assert.Equal("request-duration", duration.Metric);

        // 800ms lands in Istio's 500..1000 bucket; histogram_quantile reads its P99 near the top of it.
        Assert.InRange(duration.NumericValue, 501, 1000);
        Assert.Equal("<= 500", duration.Threshold);
        Assert.Equal("pass", Assert.Single(rows, r => r.Metric == "request-success-rate").Verdict);
        Expect.Contains("request-duration", rollback.Body.Split('\n')[0]);
    }

    [PrometheusFact]
    public async Task No_data_while_the_canary_gets_no_traffic_counts_as_failed_checks()
    {
        // The canary exists but nothing reaches it: its series never show up in Prometheus.
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.Healthy(100)), (Bookinfo.CanaryWorkload, Traffic.None));
        using var repo = Bookinfo.Repo(TwoMetrics.Replace("[20, 50]", "[50]", StringComparison.Ordinal));

        var result = await repo.GraystepAsync(Bookinfo.RunV2(repo, rig.Address), Bookinfo.RunBound);

        Assert.True(result.ExitCode == 4, result.ToString());
        var rollback = repo.RolloutCommits()[^1];
        Expect.Contains("Reason: analysis failed 2 times (threshold 2): request-success-rate has no data; request-duration has no data", rollback.Body);
        var rows = Bookinfo.Rows(rollback.Body);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal("no data", r.Verdict));
        Assert.All(rows, r => Assert.Equal("-", r.Value));
        Expect.Contains("is reviews-v2 receiving traffic?", rollback.Body);
        Expect.Contains("failed check 1/2", result.Stdout);
    }
}
