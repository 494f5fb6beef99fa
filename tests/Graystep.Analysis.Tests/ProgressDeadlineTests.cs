using Graystep.Analysis.Tests.Support;
using Graystep.TestKit.Prometheus;

namespace Graystep.Analysis.Tests;

/// <summary><c>progressDeadlineSeconds</c>: a rollout stuck waiting rolls back with a clear reason, never hangs a CI job.</summary>
[Collection(Lanes.Three)]
public sealed class ProgressDeadlineTests
{
    [PrometheusFact]
    public async Task A_commit_the_cluster_does_not_apply_within_the_deadline_is_rolled_back()
    {
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.Healthy(100)), (Bookinfo.CanaryWorkload, Traffic.Healthy(100)));

        // The first run adopts the Deployment while the cluster applies at once; from then on the cluster takes 10
        // minutes to apply a commit, and the rollout may wait 4 seconds.
        using var repo = Bookinfo.Repo("""
            interval: 3s
            threshold: 2
            stepWeights: [50]
            metrics:
              - name: request-success-rate
                interval: 5s
                thresholdRange: {min: 99}
            """, sync: "kind: none", progressDeadlineSeconds: 4);
        var adopted = await repo.GraystepAsync(["run", Bookinfo.Spec, "--repo", repo.Bare], Bookinfo.RunBound);
        Assert.True(adopted.ExitCode == 0, adopted.ToString());
        repo.PushEdit(seed => SpecEdits.Edit(Path.Combine(seed, Bookinfo.Spec), text => SpecEdits.SetBlock(text, "sync", "kind: delay\ndelay: 10m")), "the cluster got slow");

        var result = await repo.GraystepAsync(Bookinfo.RunV2(repo, rig.Address), Bookinfo.RunBound);

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(90), result.ToString());
        var commits = repo.RolloutCommits();
        Assert.Equal(["initialize", "retire", "start", "rollback"], commits.Select(c => c.Action));
        var start = commits[2];
        Expect.Contains($"Reason: progress deadline exceeded: waiting 4s for the cluster to apply {start.Sha[..7]}", commits[^1].Body);
        Expect.Contains("progress deadline exceeded", result.Stdout);
    }

    [PrometheusFact]
    public async Task A_gate_that_stays_closed_past_the_deadline_is_rolled_back()
    {
        await using var hooks = await HookReceiver.StartAsync();
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.Healthy(100)), (Bookinfo.CanaryWorkload, Traffic.Healthy(100)));
        using var repo = Bookinfo.Repo($$"""
            interval: 3s
            threshold: 2
            stepWeights: [50]
            metrics:
              - name: request-success-rate
                interval: 5s
                thresholdRange: {min: 99}
            webhooks:
              - {name: approve, type: confirm-promotion, url: "{{hooks.Url("approve")}}"}
            """, progressDeadlineSeconds: 5);
        hooks.Answer("approve", 403);

        var result = await repo.GraystepAsync(Bookinfo.RunV2(repo, rig.Address), Bookinfo.RunBound);

        Assert.True(result.ExitCode == 4, result.ToString());
        var commits = repo.RolloutCommits();
        Assert.Equal(["initialize", "retire", "start", "step", "rollback"], commits.Select(c => c.Action));
        Expect.Contains("Reason: progress deadline exceeded: the confirm-promotion gate approve stayed closed for 5s", commits[^1].Body);
        Expect.Contains("approve (confirm-promotion): failed - ", commits[^1].Body);
        Assert.True(hooks.Calls("approve").Count >= 2);
    }
}
