using Graystep.Analysis.Tests.Support;
using Graystep.TestKit.Prometheus;

namespace Graystep.Analysis.Tests;

/// <summary>Flagger's webhook semantics in whole rollouts, with a receiver on 127.0.0.1 the test controls.</summary>
[Collection(Lanes.Two)]
public sealed class WebhookGateTests
{
    private static string Analysis(string stepWeights, int threshold, params string[] webhooks) => $$"""
        interval: 3s
        threshold: {{threshold}}
        stepWeights: {{stepWeights}}
        metrics:
          - name: request-success-rate
            interval: 5s
            thresholdRange: {min: 99}
        webhooks:
        {{string.Join("\n", webhooks.Select(h => "  - " + h))}}
        """;

    private static string Hook(string name, string type, HookReceiver hooks) => $"{{name: {name}, type: {type}, url: \"{hooks.Url(name)}\"}}";

    [PrometheusFact]
    public async Task A_rollback_webhook_that_answers_any_2xx_rolls_back_at_once()
    {
        await using var hooks = await HookReceiver.StartAsync();
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.Healthy(100)), (Bookinfo.CanaryWorkload, Traffic.Healthy(100)));
        using var repo = Bookinfo.Repo(Analysis("[20, 50]", 5,
            Hook("kill-switch", "rollback", hooks),
            Hook("notify", "post-rollout", hooks)));

        // "Not signalling a rollback" until the test pulls the switch after the first step.
        hooks.Answer("kill-switch", 404);
        using var run = repo.StartGraystep(Bookinfo.RunV2(repo, rig.Address));
        await repo.WaitForCommitAsync(c => c.Action == "step", Bookinfo.RunBound, "of step 1", () => run.HasExited);
        hooks.Answer("kill-switch", 204);

        var result = await run.WaitAsync(Bookinfo.RunBound);

        Assert.True(result.ExitCode == 4, result.ToString());
        var commits = repo.RolloutCommits();
        Assert.Equal(["initialize", "retire", "start", "step", "rollback"], commits.Select(c => c.Action));
        Expect.Contains("Reason: rollback webhook kill-switch asked for a rollback", commits[^1].Body);
        Expect.Contains("kill-switch (rollback): ok", commits[^1].Body);

        // Asked every interval in the current phase; the post-rollout hook hears about the failure once.
        Assert.True(hooks.Calls("kill-switch").Count >= 2);
        Assert.All(hooks.Calls("kill-switch"), c => Assert.Equal("Progressing", c.Phase));
        Assert.Equal("Failed", Assert.Single(hooks.Calls("notify")).Phase);
    }

    [PrometheusFact]
    public async Task A_confirm_promotion_gate_holds_the_promotion_without_counting_failures_until_it_opens()
    {
        await using var hooks = await HookReceiver.StartAsync();
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.Healthy(100)), (Bookinfo.CanaryWorkload, Traffic.Healthy(100)));
        using var repo = Bookinfo.Repo(Analysis("[50]", 1,
            Hook("approve", "confirm-promotion", hooks)));
        hooks.Answer("approve", 403);

        using var run = repo.StartGraystep(Bookinfo.RunV2(repo, rig.Address));
        await hooks.WaitForCallsAsync("approve", 2, Bookinfo.RunBound, () => run.HasExited);

        // Closed twice, with threshold 1: a counted failure would have rolled back. Nothing was committed meanwhile.
        Assert.False(run.HasExited, run.OutputSoFar);
        Assert.Equal(["initialize", "retire", "start", "step"], repo.RolloutCommits().Select(c => c.Action));
        hooks.Answer("approve", 200);

        var result = await run.WaitAsync(Bookinfo.RunBound);

        Assert.True(result.ExitCode == 0, result.ToString());
        var promote = repo.RolloutCommits()[^1];
        Assert.Equal("promote", promote.Action);
        Assert.Equal("pass", Assert.Single(Bookinfo.Rows(promote.Body)).Verdict);
        Expect.Contains("confirm-promotion gate approve is closed", result.Stdout);
        Assert.All(hooks.Calls("approve"), c => Assert.Equal("Progressing", c.Phase));
    }

    [PrometheusFact]
    public async Task A_failing_pre_rollout_hook_counts_failed_checks_and_rolls_back_before_any_traffic_moves()
    {
        await using var hooks = await HookReceiver.StartAsync();
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.Healthy(100)), (Bookinfo.CanaryWorkload, Traffic.Healthy(100)));
        using var repo = Bookinfo.Repo(Analysis("[50]", 2,
            Hook("acceptance-test", "pre-rollout", hooks)));
        hooks.Answer("acceptance-test", 500);

        var result = await repo.GraystepAsync(Bookinfo.RunV2(repo, rig.Address), Bookinfo.RunBound);

        Assert.True(result.ExitCode == 4, result.ToString());
        var commits = repo.RolloutCommits();
        Assert.Equal(["initialize", "retire", "start", "rollback"], commits.Select(c => c.Action));
        Expect.Contains("Reason: analysis failed 2 times (threshold 2): webhook acceptance-test failed", commits[^1].Body);
        Assert.Equal(2, hooks.Calls("acceptance-test").Count);
        Assert.All(hooks.Calls("acceptance-test"), c => Assert.Equal("Progressing", c.Phase));
    }
}
