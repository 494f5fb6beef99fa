using System.Text;
using Graystep.Core.History;
using Graystep.Core.Rollouts;
using Graystep.Engine.Rollouts;
using Graystep.Engine.Tests.Support;
using Graystep.TestKit;
using static Graystep.Engine.Tests.Support.HistoryAssert;

namespace Graystep.Engine.Tests;

/// <summary>Rollback: all traffic back to stable in one commit that restores the last good render byte for byte.</summary>
public sealed class RollbackTests
{
    private static readonly (string, string)[] Threshold2 = [("threshold: 5", "threshold: 2")];

    [Fact]
    public async Task Failing_analysis_rolls_back_at_the_threshold_and_restores_the_last_good_render()
    {
        using var rig = RolloutRig.Create("bookinfo", Threshold2);
        // Round 1 (before step 2) passes; rounds 2 and 3 fail: the second failure reaches the threshold.
        rig.Analysis.Healthy = round => round == 1;

        var result = await rig.RunAsync(RolloutRig.Start("v2", ("reviews", "registry.example/reviews:2.0.0")));

        Assert.Equal(RunOutcome.RolledBack, result.Outcome);
        Assert.Equal(4, result.ExitCode);
        var commits = Timeline(rig, Initialize("v1"), Adopted("v1"), Start("v2", 3), Step("v2", 10, 1, 3), Step("v2", 20, 2, 3), Rollback("v2", 2, 3));
        var rollback = commits[^1];
        Assert.Equal("reviews: roll back v2, all traffic to v1", rollback.Message.Subject);
        Assert.Equal(
            "Reason: analysis failed 2 times (threshold 2): request-success-rate 89 outside >= 99; request-duration 1000 outside <= 500",
            rollback.Message.Body.Split('\n')[0]);
        Assert.Contains("request-success-rate", rollback.Message.Body, StringComparison.Ordinal);

        // A failed check is not a traffic change: no commit for it, and the rollback comes one interval after it.
        Assert.Equal(3, rig.Analysis.Calls.Count);
        Assert.Equal(rig.Loaded.Spec.Analysis.Interval, rig.Analysis.Calls[2].At - rig.Analysis.Calls[1].At);

        var status = rig.StatusAt(rollback.Sha);
        Assert.Equal(RolloutPhase.Failed, status.Phase);
        Assert.Equal("v1", status.Stable.Name);
        Assert.Equal("v2", status.Canary!.Name);
        Assert.Equal(TrafficSplit.AllStable, status.Traffic);
        Assert.Equal(2, status.FailedChecks);
        Assert.StartsWith("analysis failed 2 times", status.Reason, StringComparison.Ordinal);

        AssertSameFiles(rig.OutputAt(commits[1].Sha), rig.OutputAt(rollback.Sha));
        Assert.DoesNotContain($"{rig.OutputPath}/deployment-reviews-v2.yaml", rig.OutputAt(rollback.Sha).Keys);

        // Asking for the rolled-back version again changes nothing and says so.
        var tip = rig.RemoteTip();
        var again = await rig.RunAsync(RolloutRig.Start("v2", ("reviews", "registry.example/reviews:2.0.0")));
        Assert.Equal(RunOutcome.RolledBack, again.Outcome);
        Assert.Contains("was rolled back", again.Reason, StringComparison.Ordinal);
        Assert.Equal(RunOutcome.RolledBack, (await rig.RunAsync(new RunRequest())).Outcome);
        Assert.Equal(tip, rig.RemoteTip());
    }

    [Fact]
    public async Task Rollback_of_a_later_version_restores_the_previous_promotion_byte_for_byte()
    {
        using var rig = RolloutRig.Create("bookinfo", Threshold2);
        Assert.Equal(RunOutcome.Promoted, (await rig.RunAsync(RolloutRig.Start("v2", ("reviews", "registry.example/reviews:2.0.0")))).Outcome);
        var promotedV2 = rig.RolloutCommits()[^1];

        rig.Analysis.Healthy = _ => false;
        var result = await rig.RunAsync(RolloutRig.Start("v3", ("reviews", "registry.example/reviews:3.0.0")));

        Assert.Equal(RunOutcome.RolledBack, result.Outcome);
        var rollback = rig.RolloutCommits()[^1];
        Assert.Equal("rollback", rollback.Action);
        Assert.Equal("v3", rollback.Trailer(Trailers.Version));
        AssertSameFiles(rig.OutputAt(promotedV2.Sha), rig.OutputAt(rollback.Sha));
        var status = rig.StatusAt(rollback.Sha);
        Assert.Equal("v2", status.Stable.Name);
        Assert.Equal("registry.example/reviews:2.0.0", status.Stable.Images["reviews"]);
    }

    [Fact]
    public async Task Rollback_restores_the_last_good_render_even_when_the_template_changed_during_the_rollout()
    {
        using var rig = RolloutRig.Create("bookinfo", Threshold2);
        Assert.Equal(RunOutcome.InProgress, (await rig.RunAsync(RolloutRig.Start("v2", ("reviews", "registry.example/reviews:2.0.0")) with { Once = true })).Outcome);

        // The last render at rest: the retire commit that ended the adoption of the user's Deployment.
        var init = rig.RolloutCommits()[1];

        // Someone edits the template while v2 is being analysed (a new variable the new version needs).
        ChangeTheTemplateElsewhere(rig);

        rig.Analysis.Healthy = _ => false;
        var result = await rig.RunAsync(new RunRequest());

        Assert.Equal(RunOutcome.RolledBack, result.Outcome);
        var rollback = rig.RolloutCommits()[^1];
        Assert.Equal("rollback", rollback.Action);
        AssertSameFiles(rig.OutputAt(init.Sha), rig.OutputAt(rollback.Sha));
    }

    [Fact]
    public async Task With_scaleDownDelay_the_rollback_keeps_the_canary_running_as_it_ran_and_the_retire_restores_the_last_good_render()
    {
        using var rig = RolloutRig.Create("bookinfo", [.. Threshold2, ("threshold: 2", "threshold: 2\n    scaleDownDelay: 20s")]);
        Assert.Equal(RunOutcome.InProgress, (await rig.RunAsync(RolloutRig.Start("v2", ("reviews", "registry.example/reviews:2.0.0")) with { Once = true })).Outcome);

        // The last render at rest: with scaleDownDelay the adoption ends with its second retire commit.
        var init = rig.RolloutCommits()[2];

        // The template changes mid-rollout: the restored stable must not pick it up; the canary runs on as it ran.
        ChangeTheTemplateElsewhere(rig);

        rig.Analysis.Healthy = _ => false;
        var result = await rig.RunAsync(new RunRequest());

        Assert.Equal(RunOutcome.RolledBack, result.Outcome);
        var commits = rig.RolloutCommits();
        Assert.Equal(["rollback", "retire"], commits.TakeLast(2).Select(c => c.Action));
        var (rollback, retire) = (commits[^2], commits[^1]);
        var atRollback = rig.OutputAt(rollback.Sha);
        var canaryFile = $"{rig.OutputPath}/deployment-reviews-v2.yaml";
        Assert.Equal(rig.OutputAt(commits[^3].Sha)[canaryFile], atRollback[canaryFile]);
        Assert.Equal("v2", rig.StatusAt(rollback.Sha).Retiring?.Name);
        var kustomization = Encoding.UTF8.GetString(atRollback[$"{rig.OutputPath}/kustomization.yaml"]);
        Assert.Contains("  - deployment-reviews-v2.yaml\n", kustomization, StringComparison.Ordinal);
        foreach (var (path, bytes) in rig.OutputAt(init.Sha).Where(f => !f.Key.EndsWith("kustomization.yaml", StringComparison.Ordinal) && !f.Key.EndsWith("graystep-status.yaml", StringComparison.Ordinal)))
        {
            Assert.True(bytes.AsSpan().SequenceEqual(atRollback[path]), $"{path} changed in the rollback");
        }

        Assert.Null(rig.StatusAt(retire.Sha).Retiring);
        var restored = rig.OutputAt(retire.Sha);
        var good = rig.OutputAt(init.Sha);
        restored.Remove($"{rig.OutputPath}/graystep-status.yaml");
        good.Remove($"{rig.OutputPath}/graystep-status.yaml");
        AssertSameFiles(good, restored);
    }

    [Fact]
    public async Task Manual_rollback_records_the_reason_and_restores_the_last_good_render()
    {
        using var rig = RolloutRig.Create("k8sdemo-nginx");
        await rig.RunAsync(RolloutRig.Start("v2", ("hello", "registry.example/hello:2.0.0")) with { Once = true });
        await rig.RunAsync(new RunRequest { Once = true });
        Assert.Equal(20, rig.StatusAt(rig.RemoteTip()).Traffic.CanaryWeight);

        var sha = await rig.ApplyAsync((state, now) => RolloutTransitions.Rollback(state.Spec, state.Status!, now, "customers report 502s", "Rolled back by hand at step 1/3."));

        Assert.NotNull(sha);
        Timeline(rig, Initialize("v1"), Adopted("v1"), Start("v2", 3), Step("v2", 20, 1, 3), Rollback("v2", 1, 3));
        var rollback = rig.RolloutCommits()[^1];
        Assert.Equal("Reason: customers report 502s", rollback.Message.Body.Split('\n')[0]);
        Assert.Equal("customers report 502s", rig.StatusAt(sha!).Reason);
        AssertSameFiles(rig.OutputAt(rig.RolloutCommits()[1].Sha), rig.OutputAt(sha!));

        // The runner then reports the rollback and changes nothing.
        var result = await rig.RunAsync(new RunRequest());
        Assert.Equal(RunOutcome.RolledBack, result.Outcome);
        Assert.Contains("customers report 502s", result.Reason, StringComparison.Ordinal);
        Assert.Equal(sha, rig.RemoteTip());
    }

    /// <summary>Another person pushes a template change (a new variable for the new version) while a rollout runs.</summary>
    private static void ChangeTheTemplateElsewhere(RolloutRig rig)
    {
        var template = $"{rig.App}/templates/reviews-deployment.yaml";
        var text = RawGit.Show(rig.Remote, "refs/heads/main", template);
        rig.PushFromElsewhere(template, text.Replace("value: /tmp/logs", "value: /tmp/logs\n            - name: FEATURE_X\n              value: \"on\"", StringComparison.Ordinal), "reviews: FEATURE_X for v2");
    }

    internal static void AssertSameFiles(SortedDictionary<string, byte[]> expected, SortedDictionary<string, byte[]> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (path, bytes) in expected)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(actual[path]), $"{path} differs:\n--- expected\n{Encoding.UTF8.GetString(bytes)}\n--- actual\n{Encoding.UTF8.GetString(actual[path])}");
        }
    }
}
