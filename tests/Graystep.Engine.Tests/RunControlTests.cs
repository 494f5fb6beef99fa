using Graystep.Core.Errors;
using Graystep.Core.Rollouts;
using Graystep.Engine.Rollouts;
using Graystep.Engine.Tests.Support;
using Graystep.TestKit;
using static Graystep.Engine.Tests.Support.HistoryAssert;

namespace Graystep.Engine.Tests;

/// <summary>--once, --timeout, skipAnalysis, pause/resume, suspend, supersede and "no commit when nothing changed".</summary>
public sealed class RunControlTests
{
    private static readonly RunRequest V2 = RolloutRig.Start("v2", ("reviews", "registry.example/reviews:2.0.0"));

    [Fact]
    public async Task Once_makes_one_step_per_run_and_exits_in_progress_until_promoted()
    {
        using var rig = RolloutRig.Create("bookinfo");
        var outcomes = new List<(RunOutcome Outcome, int Exit, int Commits)>();

        var first = await rig.RunAsync(V2 with { Once = true });
        outcomes.Add((first.Outcome, first.ExitCode, rig.Observer.Commits.Count));
        for (var i = 0; i < 4; i++)
        {
            var before = rig.Clock.GetUtcNow();
            var next = await rig.RunAsync(new RunRequest { Once = true });
            outcomes.Add((next.Outcome, next.ExitCode, rig.Observer.Commits.Count));
            // Each run waits out the sync delay and one analysis interval before it steps, plus the one second git's
            // whole-second dates leave open for a commit another run pushed.
            Assert.Equal(TimeSpan.FromSeconds(91), rig.Clock.GetUtcNow() - before);
        }

        // The first run initializes, adopts and starts (those commits prepare, they are not steps); then one commit per run.
        Assert.Equal(
            [(RunOutcome.InProgress, 5, 3), (RunOutcome.InProgress, 5, 1), (RunOutcome.InProgress, 5, 1), (RunOutcome.InProgress, 5, 1), (RunOutcome.Promoted, 0, 1)],
            outcomes);
        Assert.Contains("run again to continue", first.Reason, StringComparison.Ordinal);
        Timeline(rig, Canary("v1", "v2", 10, 20, 50));

        var tip = rig.RemoteTip();
        var after = await rig.RunAsync(new RunRequest { Once = true });
        Assert.Equal(RunOutcome.Promoted, after.Outcome);
        Assert.Equal(tip, rig.RemoteTip());
    }

    [Fact]
    public async Task Timeout_exits_in_progress_when_it_is_reached_and_a_rerun_continues()
    {
        using var rig = RolloutRig.Create("bookinfo");
        var started = rig.Clock.GetUtcNow();

        var result = await rig.RunAsync(V2 with { Timeout = TimeSpan.FromSeconds(130) });

        Assert.Equal(RunOutcome.InProgress, result.Outcome);
        Assert.Equal(5, result.ExitCode);
        Assert.StartsWith("timeout reached while waiting for the cluster to apply ", result.Reason, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(130), rig.Clock.GetUtcNow() - started);
        Timeline(rig, Initialize("v1"), Adopted("v1"), Start("v2", 3), Step("v2", 10, 1, 3));

        Assert.Equal(RunOutcome.Promoted, (await rig.RunAsync(new RunRequest())).Outcome);
        Timeline(rig, Canary("v1", "v2", 10, 20, 50));
    }

    [Fact]
    public async Task SkipAnalysis_promotes_right_after_the_start_without_analysis()
    {
        using var rig = RolloutRig.Create("bookinfo", ("  output: rendered/", "  skipAnalysis: true\n  output: rendered/"));

        var result = await rig.RunAsync(V2);

        Assert.Equal(RunOutcome.Promoted, result.Outcome);
        var commits = Timeline(rig, Initialize("v1"), Adopted("v1"), Start("v2", 0), Promote("v2", 0));
        Assert.Empty(rig.Analysis.Calls);
        Assert.Equal(commits[2].CommittedAt, commits[3].CommittedAt);
        Assert.Contains("skipAnalysis", commits[3].Message.Body, StringComparison.Ordinal);
        Assert.DoesNotContain($"{rig.OutputPath}/deployment-reviews-v1.yaml", rig.OutputAt(commits[3].Sha).Keys);
    }

    [Fact]
    public async Task Pause_holds_the_weight_until_resume_then_the_rollout_goes_on()
    {
        using var rig = RolloutRig.Create("bookinfo");
        await rig.RunAsync(V2 with { Once = true });
        await rig.RunAsync(new RunRequest { Once = true });

        var paused = await rig.ApplyAsync((s, now) => RolloutTransitions.Pause(s.Spec, s.Status!, now, "waiting for the release notes"));
        Assert.NotNull(paused);
        rig.Clock.Advance(TimeSpan.FromHours(1));
        var held = await rig.RunAsync(new RunRequest());
        Assert.Equal(RunOutcome.InProgress, held.Outcome);
        Assert.Equal(5, held.ExitCode);
        Assert.Equal("v2 is paused (paused: waiting for the release notes); run 'graystep resume' to continue", held.Reason);
        Assert.Equal(paused, rig.RemoteTip());

        var resumed = await rig.ApplyAsync((s, now) => RolloutTransitions.Resume(s.Spec, s.Status!, now, "notes are out"));
        var result = await rig.RunAsync(new RunRequest());

        Assert.Equal(RunOutcome.Promoted, result.Outcome);
        var commits = Timeline(rig,
            Initialize("v1"), Adopted("v1"), Start("v2", 3), Step("v2", 10, 1, 3),
            new Expected("pause", "v2", 10, "1/3"), new Expected("resume", "v2", 10, "1/3"),
            Step("v2", 20, 2, 3), Step("v2", 50, 3, 3), Promote("v2", 3));
        Assert.Equal("reviews: pause v2 at 10%", commits[4].Message.Subject);
        Assert.Equal("reviews: resume v2 at 10%", commits[5].Message.Subject);
        Assert.Equal(resumed, commits[5].Sha);
        // The step after a resume waits a whole interval on traffic after the resume; the resume was pushed elsewhere,
        // so its recorded whole-second date gets a second's margin.
        Assert.Equal(TimeSpan.FromSeconds(91), commits[6].CommittedAt - commits[5].CommittedAt);
        Assert.True(rig.StatusAt(commits[4].Sha).Paused);
        Assert.Equal(rig.OutputAt(commits[3].Sha), rig.OutputAt(commits[4].Sha), new FilesComparer());
    }

    [Fact]
    public async Task Suspend_in_the_spec_holds_the_rollout_without_a_commit()
    {
        using var rig = RolloutRig.Create("bookinfo");
        await rig.RunAsync(V2 with { Once = true });
        var tip = rig.RemoteTip();
        var spec = $"{rig.App}/rollout.yaml";
        rig.PushFromElsewhere(spec, RawGit.Show(rig.Remote, "refs/heads/main", spec).Replace("  output: rendered/", "  suspend: true\n  output: rendered/", StringComparison.Ordinal), "suspend reviews");

        var result = await rig.RunAsync(new RunRequest());

        Assert.Equal(RunOutcome.InProgress, result.Outcome);
        Assert.Contains("suspended", result.Reason, StringComparison.Ordinal);
        Assert.Empty(rig.Observer.Commits);
        Assert.Equal(3, rig.RolloutCommits().Count);
        Assert.NotEqual(tip, rig.RemoteTip());
    }

    [Fact]
    public async Task Starting_another_version_while_one_is_in_progress_is_refused_without_supersede()
    {
        using var rig = RolloutRig.Create("bookinfo");
        await rig.RunAsync(V2 with { Once = true });
        await rig.RunAsync(new RunRequest { Once = true });
        await rig.RunAsync(new RunRequest { Once = true });
        Assert.Equal(20, rig.StatusAt(rig.RemoteTip()).Traffic.CanaryWeight);
        var tip = rig.RemoteTip();

        var refused = await Assert.ThrowsAsync<GraystepException>(() => rig.RunAsync(RolloutRig.Start("v3", ("reviews", "registry.example/reviews:3.0.0"))));

        Assert.Equal("bookinfo/reviews: v2 is in progress (shift 20% to v2 (step 2/3)); refusing to start v3", refused.Message);
        Assert.Equal("wait for v2 to finish, or pass --supersede to roll it back and start v3", refused.Hint);
        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        Assert.Equal(tip, rig.RemoteTip());
    }

    [Fact]
    public async Task Supersede_rolls_the_version_in_progress_back_and_starts_the_new_one_as_two_commits()
    {
        using var rig = RolloutRig.Create("bookinfo");
        await rig.RunAsync(V2 with { Once = true });
        await rig.RunAsync(new RunRequest { Once = true });
        await rig.RunAsync(new RunRequest { Once = true });
        var before = rig.RolloutCommits().Count;

        var result = await rig.RunAsync(RolloutRig.Start("v3", ("reviews", "registry.example/reviews:3.0.0")) with { Supersede = true, Once = true });

        Assert.Equal(RunOutcome.InProgress, result.Outcome);
        var commits = rig.RolloutCommits();
        Assert.Equal(before + 2, commits.Count);
        var rollback = commits[^2];
        var start = commits[^1];
        Assert.Equal(new Expected("rollback", "v2", 0, "2/3").ToString(), Describe(rollback));
        Assert.Equal("Reason: superseded by v3", rollback.Message.Body.Split('\n')[0]);
        Assert.Equal(new Expected("start", "v3", 0, "0/3").ToString(), Describe(start));
        RollbackTests.AssertSameFiles(rig.OutputAt(commits[1].Sha), rig.OutputAt(rollback.Sha));
        var status = rig.StatusAt(start.Sha);
        Assert.Equal("v1", status.Stable.Name);
        Assert.Equal("v3", status.Canary!.Name);

        Assert.Equal(RunOutcome.Promoted, (await rig.RunAsync(new RunRequest())).Outcome);
        Timeline(rig,
            Initialize("v1"), Adopted("v1"), Start("v2", 3), Step("v2", 10, 1, 3), Step("v2", 20, 2, 3), Rollback("v2", 2, 3),
            Start("v3", 3), Step("v3", 10, 1, 3), Step("v3", 20, 2, 3), Step("v3", 50, 3, 3), Promote("v3", 3));
    }

    [Fact]
    public async Task A_run_with_nothing_to_do_commits_nothing()
    {
        using var rig = RolloutRig.Create("bookinfo");

        // The first run in a repository initializes the stable version; it starts nothing without --version.
        var first = await rig.RunAsync(new RunRequest());
        Assert.Equal(RunOutcome.Done, first.Outcome);
        Assert.Equal(0, first.ExitCode);
        Timeline(rig, Initialize("v1"), Adopted("v1"));
        var tip = rig.RemoteTip();

        Assert.Equal(RunOutcome.Done, (await rig.RunAsync(new RunRequest())).Outcome);
        var stable = await rig.RunAsync(RolloutRig.Start("v1"));
        Assert.Equal(RunOutcome.Done, stable.Outcome);
        Assert.Equal("v1 is already the stable version", stable.Reason);
        Assert.Equal(tip, rig.RemoteTip());
        Assert.Empty(rig.Observer.Commits);
    }

    private static string Describe(RemoteCommit c) =>
        new Expected(c.Action!, c.Trailer("Graystep-Version")!, int.Parse(c.Trailer("Graystep-Weight")!, System.Globalization.CultureInfo.InvariantCulture), c.Trailer("Graystep-Step")!).ToString();

    private sealed class FilesComparer : IEqualityComparer<SortedDictionary<string, byte[]>>
    {
        public bool Equals(SortedDictionary<string, byte[]>? x, SortedDictionary<string, byte[]>? y) =>
            x!.Keys.SequenceEqual(y!.Keys) && x.All(p => p.Value.AsSpan().SequenceEqual(y[p.Key]));

        public int GetHashCode(SortedDictionary<string, byte[]> obj) => obj.Count;
    }
}
