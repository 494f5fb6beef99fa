using Graystep.Analysis.Tests.Support;
using Graystep.TestKit.Prometheus;

namespace Graystep.Analysis.Tests;

/// <summary>Prometheus dies in the middle of a rollout: queries are retried, then count as failed checks.</summary>
[Collection(Lanes.Three)]
public sealed class PrometheusOutageTests
{
    [PrometheusFact]
    public async Task Prometheus_down_mid_rollout_is_retried_then_fails_checks_and_rolls_back_without_losing_a_commit()
    {
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.Healthy(100)), (Bookinfo.CanaryWorkload, Traffic.Healthy(100)));
        using var repo = Bookinfo.Repo("""
            interval: 3s
            threshold: 2
            stepWeights: [20, 50]
            metrics:
              - name: request-success-rate
                interval: 5s
                thresholdRange: {min: 99}
            """);

        using var run = repo.StartGraystep(Bookinfo.RunV2(repo, rig.Address));

        // Step 1 passes with Prometheus up (its commit carries a passing table); then Prometheus goes away.
        var step2 = await repo.WaitForCommitAsync(c => c.Action == "step" && c.Trailers["Graystep-Weight"] == "50", Bookinfo.RunBound, "shifting 50%", () => run.HasExited);
        Assert.Equal("pass", Assert.Single(Bookinfo.Rows(step2.Body)).Verdict);
        rig.Prometheus.Kill();

        var result = await run.WaitAsync(Bookinfo.RunBound);

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.DoesNotContain("unexpected failure", result.Stderr, StringComparison.Ordinal);

        // Every commit is there once, in order; the rollback is the last one.
        var commits = repo.RolloutCommits();
        Assert.Equal(["initialize", "retire", "start", "step", "step", "rollback"], commits.Select(c => c.Action));
        var rollback = commits[^1];
        Expect.Contains("Reason: analysis failed 2 times (threshold 2): request-success-rate could not be queried", rollback.Body);
        Expect.Contains($"Prometheus at {rig.Address}/ could not connect", rollback.Body);
        Expect.Contains("(4 attempts in", rollback.Body);
        Assert.Equal("error", Assert.Single(Bookinfo.Rows(rollback.Body)).Verdict);
        Expect.Contains("failed check 1/2", result.Stdout);

        var status = repo.ReadFile(Bookinfo.StatusFile)!;
        Expect.Contains("phase: Failed", status);
    }
}
