using Graystep.Core.History;
using Graystep.Engine.Rollouts;
using Graystep.Engine.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Engine.Tests;

/// <summary><c>graystep history</c>'s source: the timeline of every rollout of the app, from git log alone.</summary>
public sealed class HistoryTests
{
    [Fact]
    public async Task The_timeline_is_rebuilt_from_git_log_alone_with_unrelated_commits_interleaved()
    {
        using var rig = RolloutRig.Create("bookinfo", ("stepWeights: [10, 20, 50]", "stepWeights: [25, 50]"), ("threshold: 5", "threshold: 1"));
        var v2 = RolloutRig.Start("v2", ("reviews", "registry.example/reviews:2.0.0"));
        await rig.RunAsync(v2 with { Once = true });
        rig.PushFromElsewhere("apps/other/config.yaml", "name: other\nreplicas: 3\n", "other: scale to 3");
        await rig.RunAsync(new RunRequest { Once = true });
        // A hand edit inside the output folder, and another app's Graystep commit: neither belongs to this timeline.
        rig.PushFromElsewhere($"{rig.OutputPath}/NOTES.md", "hand-written notes\n", "docs: notes beside the render");
        var foreign = new CommitMessage("ratings: shift 10% to v9 (step 1/3)", "not ours", [new(Trailers.Rollout, "bookinfo/ratings"), new(Trailers.Version, "v9"), new(Trailers.Action, "step"), new(Trailers.Weight, "10"), new(Trailers.Step, "1/3")]);
        rig.PushFromElsewhere($"{rig.OutputPath}/ratings.txt", "x\n", CommitMessageFormat.Format(foreign));
        await rig.RunAsync(new RunRequest());
        rig.PushFromElsewhere("README.md", "# GitOps, v2 is out\n", "readme");
        rig.Analysis.Healthy = _ => false;
        await rig.RunAsync(RolloutRig.Start("v3", ("reviews", "registry.example/reviews:3.0.0")));
        rig.PushFromElsewhere("apps/other/config.yaml", "name: other\nreplicas: 4\n", "other: scale to 4");

        await using var workspace = await rig.OpenAsync();
        var state = await rig.Store(workspace).LoadAsync(CancellationToken.None);
        var timeline = await HistoryReader.ReadAsync(workspace, state.Loaded, CancellationToken.None);

        var ours = rig.RolloutCommits();
        Assert.Equal(ours.Select(c => c.Sha), timeline.Select(t => t.Sha));
        Assert.Equal(
            [
                "initialize v1 100 0/0", "retire v1 100 0/0", "start v2 0 0/2", "step v2 25 1/2", "step v2 50 2/2", "promote v2 100 2/2",
                "start v3 0 0/2", "step v3 25 1/2", "rollback v3 0 1/2",
            ],
            timeline.Select(t => $"{t.Action} {t.Version} {t.Weight} {t.Step}"));
        Assert.Equal(ours.Select(c => c.CommittedAt), timeline.Select(t => t.Time));
        Assert.All(timeline, t => Assert.Equal("Graystep", t.Author));
        Assert.Equal("reviews: shift 25% to v2 (step 1/2)", timeline[3].Reason);
        Assert.StartsWith("analysis failed 1 times (threshold 1): request-success-rate 89 outside >= 99", timeline[^1].Reason, StringComparison.Ordinal);
        Assert.True(rig.Log().Count >= ours.Count + 6);
    }
}
