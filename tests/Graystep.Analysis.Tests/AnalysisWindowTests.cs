using Graystep.Core.Rollouts;
using Graystep.Analysis.Tests.Support;
using Graystep.Engine.Rollouts;
using Graystep.TestKit.Prometheus;

namespace Graystep.Analysis.Tests;

/// <summary>
/// The window of each check covers only time after the step's commit was applied: a canary that was faulty before
/// the step and is healthy after it must pass. The metric interval is long (30s) on purpose: a check that looked back
/// a whole metric interval, as Flagger does, would see the faulty traffic and fail (threshold 1).
/// </summary>
[Collection(Lanes.Five)]
public sealed class AnalysisWindowTests
{
    private const string Analysis = """
        interval: 3s
        threshold: 1
        stepWeights: [50]
        metrics:
          - name: request-success-rate
            interval: 30s
            thresholdRange: {min: 99}
        """;

    [PrometheusFact]
    public async Task With_a_sync_delay_the_window_starts_when_the_commit_is_applied_not_when_it_is_made()
    {
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.Healthy(100)), (Bookinfo.CanaryWorkload, Traffic.WithErrors(0.5, 100)));

        // The cluster applies a commit 3s after it is made.
        using var repo = Bookinfo.Repo(Analysis, sync: "kind: delay\ndelay: 3s");
        using var run = repo.StartGraystep(Bookinfo.RunV2(repo, rig.Address));

        // Half of the canary's requests fail until a second after the step's commit (the commit is made, not yet
        // applied); from then on it is healthy. The window must start at the apply, 3s after the commit.
        var step = await repo.WaitForCommitAsync(c => c.Action == "step", Bookinfo.RunBound, "of step 1", () => run.HasExited);
        await Task.Delay(TimeSpan.FromSeconds(1));
        rig[Bookinfo.CanaryWorkload].Update(Traffic.Healthy(100));

        var result = await run.WaitAsync(Bookinfo.RunBound);

        Assert.True(result.ExitCode == 0, result.ToString());
        var promote = repo.RolloutCommits()[^1];
        Assert.Equal("promote", promote.Action);
        var row = Assert.Single(Bookinfo.Rows(promote.Body));
        Assert.Equal(100, row.NumericValue);
        Assert.InRange(row.WindowSeconds, 3, 10);
        Assert.NotEqual(step.Sha, promote.Sha);
    }

    [PrometheusFact]
    public async Task Without_a_sync_delay_the_window_starts_when_the_commit_is_pushed_to_the_sub_second()
    {
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.Healthy(100)), (Bookinfo.CanaryWorkload, Traffic.WithErrors(0.5, 100)));
        using var repo = Bookinfo.Repo(Analysis, sync: "kind: none");

        // sync.kind none: the cluster runs a commit as soon as it is pushed, so the canary turns healthy right then.
        // Git keeps whole seconds; the window must not start at the commit's second, up to a second too early.
        var observer = new CallbackObserver((transition, _) =>
        {
            if (transition.Action == Core.History.RolloutAction.Step)
            {
                rig[Bookinfo.CanaryWorkload].Update(Traffic.Healthy(100));
            }
        });
        using var timeout = new CancellationTokenSource(Bookinfo.RunBound);

        var result = await InProcessRollout.RunAsync(repo, InProcessRollout.StartV2, observer, new RolloutWiring { Prometheus = rig.Prometheus.Address }, timeout.Token);

        Assert.True(result.Outcome == RunOutcome.Promoted, result.Reason + "\n" + string.Join('\n', observer.Lines));
        var row = Assert.Single(Bookinfo.Rows(repo.RolloutCommits()[^1].Body));
        Assert.Equal(100, row.NumericValue);
    }
}
