using Graystep.Core.Rollouts;
using Graystep.Engine.Rollouts;
using Graystep.Engine.Tests.Support;
using Graystep.TestKit;
using static Graystep.Engine.Tests.Support.HistoryAssert;

namespace Graystep.Engine.Tests;

/// <summary>
/// A CI job killed at any point between commits: files written but not committed, committed but not pushed, pushed
/// but not reported. A fresh run resumes from the state in Git and finishes with a valid history.
/// </summary>
public sealed class InterruptionTests
{
    // initialize, retire (the adopted original), start, 10%, 50%, promote.
    private const int Commits = 6;

    public static TheoryData<int, KillPoint> Points()
    {
        var data = new TheoryData<int, KillPoint>();
        for (var commit = 1; commit <= Commits; commit++)
        {
            foreach (var point in Enum.GetValues<KillPoint>())
            {
                data.Add(commit, point);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Points))]
    public async Task A_run_killed_at_any_point_is_resumed_by_the_next_run(int commit, KillPoint point)
    {
        using var rig = RolloutRig.Create("bookinfo", ("stepWeights: [10, 20, 50]", "stepWeights: [10, 50]"));
        var request = RolloutRig.Start("v2", ("reviews", "registry.example/reviews:2.0.0"));
        KillingWorkspace? killer = null;

        await Assert.ThrowsAsync<SimulatedKillException>(() => rig.RunAsync(request, ws => killer = new KillingWorkspace(ws, commit, point)));

        Assert.True(killer!.Killed);
        var pushed = rig.RolloutCommits().Count;
        Assert.Equal(point == KillPoint.AfterPush ? commit : commit - 1, pushed);

        // The same pipeline step runs again (a CI retry): it picks up from Git and finishes.
        var result = await rig.RunAsync(request);

        Assert.Equal(RunOutcome.Promoted, result.Outcome);
        Assert.Equal(Commits - pushed, rig.Observer.Commits.Count);
        Timeline(rig, Canary("v1", "v2", 10, 50));
        var status = rig.StatusAt(rig.RemoteTip());
        Assert.Equal("v2", status.Stable.Name);
        Assert.DoesNotContain($"{rig.OutputPath}/deployment-reviews-v1.yaml", rig.OutputAt(rig.RemoteTip()).Keys);

        // Nothing the killed run left behind reaches a commit: every file in the workspace is as committed.
        await using var workspace = await rig.OpenAsync();
        Assert.Equal(string.Empty, RawGit.Run(workspace.Root, "status", "--porcelain", "--untracked-files=all"));
    }
}
