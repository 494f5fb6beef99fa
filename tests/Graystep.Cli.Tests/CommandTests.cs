using System.Text.Json;
using Graystep.Cli.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Cli.Tests;

/// <summary>run --once/--timeout/--supersede, promote, rollback, pause and resume as processes, with their exit codes.</summary>
public sealed class CommandTests
{
    private static readonly string[] V2 = ["--version", "v2", "--image", "reviews=registry.example/reviews:2.0.0"];

    [Fact]
    public async Task Run_once_exits_5_after_each_step_and_0_when_promoted()
    {
        using var repo = new GitOpsRepo();
        string[] run = ["run", "rollout.yaml", "--repo", repo.Remote, "--once"];

        var codes = new List<int> { (await repo.RunAsync([.. run, .. V2])).ExitCode };
        for (var i = 0; i < 4; i++)
        {
            var step = await repo.RunAsync(run);
            codes.Add(step.ExitCode);
            Assert.Equal(i + 4, repo.Timeline().Count);
            if (i < 3)
            {
                Assert.Contains("run again to continue", step.Stdout, StringComparison.Ordinal);
            }
        }

        Assert.Equal([5, 5, 5, 5, 0], codes);
        Assert.Equal(GitOpsRepo.Canary("v1", "v2", 10, 20, 50), repo.Timeline());
    }

    [Fact]
    public async Task Run_timeout_exits_5_and_says_what_it_was_waiting_for()
    {
        using var repo = new GitOpsRepo(interval: "10m");

        var result = await repo.RunAsync(["run", "rollout.yaml", "--repo", repo.Remote, .. V2, "--timeout", "2s", "-o", "json"]);

        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.Equal(["initialize v1 100 0/0", "retire v1 100 0/0", "start v2 0 0/3"], repo.Timeline());
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal(["rollout", "result", "exitCode", "reason", "phase", "stable", "canary", "weight", "commits", "analysis"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("in-progress", root.GetProperty("result").GetString());
        Assert.Equal(5, root.GetProperty("exitCode").GetInt32());
        Assert.StartsWith("timeout reached while analysing v2 before step 1/3", root.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("Progressing", root.GetProperty("phase").GetString());
        Assert.Equal("v1", root.GetProperty("stable").GetString());
        Assert.Equal("v2", root.GetProperty("canary").GetString());
        Assert.Equal(0, root.GetProperty("weight").GetInt32());
        var commits = repo.RolloutCommits();
        Assert.Equal(
            commits.Select(c => $"{c.Sha} {c.Action} {c.Message.Subject}"),
            root.GetProperty("commits").EnumerateArray().Select(c => $"{c.GetProperty("commit").GetString()} {c.GetProperty("action").GetString()} {c.GetProperty("subject").GetString()}"));
        Assert.Equal(0, root.GetProperty("analysis").GetArrayLength());
        // Progress lines go to stderr when stdout carries JSON.
        Assert.Contains("committed ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starting_a_new_version_while_one_is_in_progress_is_refused_unless_superseded()
    {
        using var repo = new GitOpsRepo();
        string[] r = ["--repo", repo.Remote];
        await repo.RunAsync(["run", "rollout.yaml", .. r, .. V2, "--once"]);
        await repo.RunAsync(["run", "rollout.yaml", .. r, "--once"]);
        await repo.RunAsync(["run", "rollout.yaml", .. r, "--once"]);
        var tip = repo.Tip();
        string[] v3 = ["run", "rollout.yaml", .. r, "--version", "v3", "--image", "reviews=registry.example/reviews:3.0.0"];

        var refused = await repo.RunAsync(v3);

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal(
            [
                "error: bookinfo/reviews: v2 is in progress (shift 20% to v2 (step 2/3)); refusing to start v3",
                "hint: wait for v2 to finish, or pass --supersede to roll it back and start v3",
            ],
            refused.ErrorLines);
        Assert.Equal(tip, repo.Tip());

        var superseded = await repo.RunAsync([.. v3, "--supersede", "--once"]);

        Assert.True(superseded.ExitCode == 5, superseded.ToString());
        Assert.Equal(
            ["initialize v1 100 0/0", "retire v1 100 0/0", "start v2 0 0/3", "step v2 10 1/3", "step v2 20 2/3", "rollback v2 0 2/3", "start v3 0 0/3"],
            repo.Timeline());
        Assert.Equal("Reason: superseded by v3", repo.RolloutCommits()[^2].Message.Body.Split('\n')[0]);
    }

    [Fact]
    public async Task Pause_resume_promote_and_rollback_by_hand()
    {
        using var repo = new GitOpsRepo(interval: "10m");
        string[] r = ["--repo", repo.Remote];
        await repo.RunAsync(["run", "rollout.yaml", .. r, .. V2, "--once"]);

        var pause = await repo.RunAsync(["pause", "rollout.yaml", .. r, "--reason", "holiday freeze"]);
        Assert.True(pause.ExitCode == 0, pause.ToString());
        Assert.Matches(@"^committed [0-9a-f]{7} reviews: pause v2 at 0%\n$", pause.Stdout);
        var paused = repo.Tip();

        var again = await repo.RunAsync(["pause", "rollout.yaml", .. r]);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal("bookinfo/reviews: already paused (paused: holiday freeze); nothing to do\n", again.Stdout);
        var held = await repo.RunAsync(["run", "rollout.yaml", .. r]);
        Assert.Equal(5, held.ExitCode);
        Assert.Contains("v2 is paused (paused: holiday freeze); run 'graystep resume' to continue", held.Stdout, StringComparison.Ordinal);
        Assert.Equal(paused, repo.Tip());

        Assert.Equal(0, (await repo.RunAsync(["resume", "rollout.yaml", .. r])).ExitCode);
        Assert.Equal("bookinfo/reviews: not paused; nothing to do\n", (await repo.RunAsync(["resume", "rollout.yaml", .. r])).Stdout);

        var promote = await repo.RunAsync(["promote", "rollout.yaml", .. r, "--reason", "verified by hand"]);
        Assert.True(promote.ExitCode == 0, promote.ToString());
        Assert.Equal(["initialize v1 100 0/0", "retire v1 100 0/0", "start v2 0 0/3", "pause v2 0 0/3", "resume v2 0 0/3", "promote v2 100 3/3"], repo.Timeline());
        Assert.StartsWith("Reason: verified by hand", repo.RolloutCommits()[^1].Message.Body, StringComparison.Ordinal);

        var nothing = await repo.RunAsync(["rollback", "rollout.yaml", .. r, "--reason", "too late"]);
        Assert.Equal(1, nothing.ExitCode);
        Assert.Equal("error: bookinfo/reviews: nothing in progress to rollback (Succeeded: promoted v2)", nothing.ErrorLines[0]);

        await repo.RunAsync(["run", "rollout.yaml", .. r, "--version", "v3", "--image", "reviews=registry.example/reviews:3.0.0", "--once"]);
        var rollback = await repo.RunAsync(["rollback", "rollout.yaml", .. r, "--reason", "p99 latency doubled"]);
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        var last = repo.RolloutCommits()[^1];
        Assert.Equal("reviews: roll back v3, all traffic to v2", last.Message.Subject);
        Assert.StartsWith("Reason: p99 latency doubled", last.Message.Body, StringComparison.Ordinal);
        var status = await repo.RunAsync(["status", "rollout.yaml", .. r]);
        Assert.Contains("Failed", status.Stdout, StringComparison.Ordinal);
        Assert.Equal(4, (await repo.RunAsync(["run", "rollout.yaml", .. r])).ExitCode);
    }
}
