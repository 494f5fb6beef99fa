using Graystep.Core.Rollouts;
using Graystep.Core.Abstractions;
using Graystep.Engine.Rollouts;
using Graystep.Engine.Tests.Support;
using Graystep.TestKit;
using static Graystep.Engine.Tests.Support.HistoryAssert;

namespace Graystep.Engine.Tests;

/// <summary>Optimistic concurrency: a push that loses the race fetches, re-reads the state and decides again.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task A_runner_that_loses_the_push_race_decides_again_on_fresh_state()
    {
        using var rig = RolloutRig.Create("bookinfo");
        await rig.RunAsync(RolloutRig.Start("v2", ("reviews", "registry.example/reviews:2.0.0")) with { Once = true });

        // Runner A decides "shift 10%"; just before its push, runner B (its own workspace) makes the same step a second
        // later and wins. (At the same second both would make the very same commit, and A's push would be a no-op.)
        await using var opened = await rig.OpenAsync();
        var racing = new RacingWorkspace(opened);
        RunResult? other = null;
        racing.BeforePush = async () =>
        {
            rig.Clock.Advance(TimeSpan.FromSeconds(1));
            other = await rig.RunAsync(new RunRequest { Once = true }, workspaceRoot: rig.Combine("workspaces-b"));
        };
        var observer = new RecordingObserver();

        var result = await rig.CreateRunner(racing, observer).RunAsync(new RunRequest(), CancellationToken.None);

        Assert.Equal(RunOutcome.InProgress, other!.Outcome);
        Assert.Equal(PushOutcome.BranchMoved, racing.Pushes[0]);
        Assert.All(racing.Pushes.Skip(1), p => Assert.Equal(PushOutcome.Pushed, p));
        Assert.Contains("info: the branch moved while we decided; fetching and deciding again", observer.Lines);
        Assert.Equal(RunOutcome.Promoted, result.Outcome);
        var commits = Timeline(rig, Canary("v1", "v2", 10, 20, 50));
        // A made every commit after B's step, each a whole interval after the one before: nothing skipped or doubled.
        // B's step was pushed by another run, so A counts from a second after its whole-second date.
        Assert.Equal(["reviews: shift 20% to v2 (step 2/3)", "reviews: shift 50% to v2 (step 3/3)", "reviews: promote v2 to 100%"], observer.Commits.Select(c => c.Transition.Message.Subject));
        Assert.Equal(TimeSpan.FromSeconds(91), commits[4].CommittedAt - commits[3].CommittedAt);
    }

    [Fact]
    public async Task A_runner_that_loses_the_race_to_the_promotion_finishes_without_a_commit()
    {
        using var rig = RolloutRig.Create("bookinfo", ("stepWeights: [10, 20, 50]", "stepWeights: [50]"));
        await rig.RunAsync(RolloutRig.Start("v2", ("reviews", "registry.example/reviews:2.0.0")) with { Once = true });
        await rig.RunAsync(new RunRequest { Once = true });

        await using var opened = await rig.OpenAsync();
        var racing = new RacingWorkspace(opened);
        racing.BeforePush = async () =>
        {
            rig.Clock.Advance(TimeSpan.FromSeconds(1));
            await rig.RunAsync(new RunRequest(), workspaceRoot: rig.Combine("workspaces-b"));
        };
        var observer = new RecordingObserver();

        var result = await rig.CreateRunner(racing, observer).RunAsync(new RunRequest(), CancellationToken.None);

        Assert.Equal([PushOutcome.BranchMoved], racing.Pushes);
        Assert.Empty(observer.Commits);
        Assert.Equal(RunOutcome.Promoted, result.Outcome);
        Timeline(rig, Canary("v1", "v2", 50));
    }

    [Fact]
    public async Task Two_runners_that_both_start_the_same_version_make_one_start()
    {
        using var rig = RolloutRig.Create("bookinfo");
        await rig.RunAsync(new RunRequest());

        await using var opened = await rig.OpenAsync();
        var racing = new RacingWorkspace(opened);
        racing.BeforePush = async () =>
        {
            rig.Clock.Advance(TimeSpan.FromSeconds(1));
            await rig.RunAsync(RolloutRig.Start("v2", ("reviews", "registry.example/reviews:2.0.0")) with { Once = true }, workspaceRoot: rig.Combine("workspaces-b"));
        };

        var result = await rig.CreateRunner(racing, new RecordingObserver()).RunAsync(
            RolloutRig.Start("v2", ("reviews", "registry.example/reviews:2.0.0")), CancellationToken.None);

        Assert.Equal(PushOutcome.BranchMoved, racing.Pushes[0]);
        Assert.Equal(RunOutcome.Promoted, result.Outcome);
        Timeline(rig, Canary("v1", "v2", 10, 20, 50));
    }

    [Fact]
    public async Task A_branch_moved_while_the_remote_takes_the_push_is_a_lost_race_too()
    {
        using var rig = RolloutRig.Create("bookinfo");
        await rig.RunAsync(RolloutRig.Start("v2", ("reviews", "registry.example/reviews:2.0.0")) with { Once = true });

        // Someone else's commit on top of main, not yet on main; the remote moves main to it while it takes our next
        // push, as a concurrent push does: git then refuses ours with "cannot lock ref ... is at X but expected Y".
        var other = rig.Combine("other");
        RawGit.Run(rig.Combine(), "clone", "-q", rig.Remote, other);
        RawGit.Write(other, "apps/other/config.yaml", "name: other\nreplicas: 2\n");
        RawGit.Run(other, "commit", "-q", "-am", "other: two replicas");
        RawGit.Run(other, "push", "-q", "origin", "HEAD:refs/heads/side");
        var side = RawGit.Run(other, "rev-parse", "HEAD");
        var hook = Path.Combine(rig.Remote, "hooks", "pre-receive");
        File.WriteAllText(hook, $"""
            #!/bin/sh
            if [ ! -f "$GIT_DIR/moved" ]; then
              touch "$GIT_DIR/moved"
              env -u GIT_QUARANTINE_PATH -u GIT_OBJECT_DIRECTORY -u GIT_ALTERNATE_OBJECT_DIRECTORIES git update-ref refs/heads/main {side}
            fi
            exit 0

            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var observer = new RecordingObserver();
        await using var workspace = await rig.OpenAsync();
        var result = await rig.CreateRunner(workspace, observer).RunAsync(new RunRequest(), CancellationToken.None);

        Assert.True(File.Exists(Path.Combine(rig.Remote, "moved")));
        Assert.Contains("info: the branch moved while we decided; fetching and deciding again", observer.Lines);
        Assert.Equal(RunOutcome.Promoted, result.Outcome);
        Timeline(rig, Canary("v1", "v2", 10, 20, 50));
        Assert.Contains(rig.Log(), c => c.Sha == side);
    }
}
