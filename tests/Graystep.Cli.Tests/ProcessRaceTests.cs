using System.Diagnostics;
using Graystep.Cli.Tests.Support;
using Graystep.TestKit;
using Xunit.Abstractions;

namespace Graystep.Cli.Tests;

/// <summary>Whole processes against one remote: two pipelines at once, and a pipeline killed with SIGKILL.</summary>
public sealed class ProcessRaceTests(ITestOutputHelper output)
{
    private static readonly int[] Weights = [10, 20, 30, 40, 50];

    private readonly List<string> _tips = [];

    [Fact]
    public async Task Two_processes_driving_the_same_rollout_at_once_leave_one_valid_history()
    {
        using var repo = new GitOpsRepo(tweaks: [("stepWeights: [10, 20, 50]", "stepWeights: [10, 20, 30, 40, 50]")]);
        string[] args = ["run", "rollout.yaml", "--repo", repo.Remote, "--version", "v2", "--image", "reviews=registry.example/reviews:2.0.0"];

        // Two pipeline runs of the same commit, each with its own workspace (two CI machines).
        using var a = GraystepProcess.Start(args, repo.Root, repo.Env(("GRAYSTEP_WORKSPACE", repo.Combine("ws-a"))));
        using var b = GraystepProcess.Start(args, repo.Root, repo.Env(("GRAYSTEP_WORKSPACE", repo.Combine("ws-b"))));
        var tips = new List<string>();
        while (!a.HasExited || !b.HasExited)
        {
            // Every tip the remote shows while they race must stay in the final history.
            tips.Add(repo.Tip());
            await Task.Delay(50);
        }

        var ra = await a.WaitAsync(GraystepProcess.DefaultTimeout);
        var rb = await b.WaitAsync(GraystepProcess.DefaultTimeout);
        output.WriteLine("A: " + ra);
        output.WriteLine("B: " + rb);

        Assert.True(ra.ExitCode == 0, ra.ToString());
        Assert.True(rb.ExitCode == 0, rb.ToString());
        // Each weight once, in order; nothing skipped or doubled; nothing rewritten.
        Assert.Equal(GitOpsRepo.Canary("v1", "v2", Weights), repo.Timeline());
        repo.AssertLinear();
        repo.AssertOnlyMovedForward(tips);
        Assert.All(repo.RolloutCommits(), c => Assert.Equal("Graystep", c.AuthorName));
        // Between them the two made exactly the rollout's commits: every lost race was decided again, nothing else
        // was pushed. (Both may report the very same commit: same parent, tree, message and second make one object.)
        var committed = Committed(ra).Union(Committed(rb)).Order(StringComparer.Ordinal);
        Assert.Equal(repo.RolloutCommits().Select(c => c.Sha[..7]).Order(StringComparer.Ordinal), committed);
        output.WriteLine($"A committed {Committed(ra).Count}, B committed {Committed(rb).Count}; lost races: {Races(ra) + Races(rb)}");
    }

    [Fact]
    public async Task Ten_runners_at_once_leave_one_valid_history()
    {
        // Issue 13, "held": ten CI machines start the same rollout at the same moment. Every lost race is decided
        // again on fresh state, so the history has each step once, in order, and nothing is rewritten.
        using var repo = new GitOpsRepo();
        string[] args = ["run", "rollout.yaml", "--repo", repo.Remote, "--version", "v2", "--image", "reviews=registry.example/reviews:2.0.0"];
        var runners = Enumerable.Range(0, 10)
            .Select(i => GraystepProcess.Start(args, repo.Root, repo.Env(("GRAYSTEP_WORKSPACE", repo.Combine($"ws-{i}")))))
            .ToList();
        try
        {
            var tips = new List<string>();
            var watch = Stopwatch.StartNew();
            while (runners.Any(r => !r.HasExited))
            {
                Assert.True(watch.Elapsed < TimeSpan.FromMinutes(3), "ten runners did not finish in 3 minutes");
                tips.Add(repo.Tip());
                await Task.Delay(50);
            }

            var results = new List<ChildProcessResult>();
            foreach (var runner in runners)
            {
                results.Add(await runner.WaitAsync(GraystepProcess.DefaultTimeout));
            }

            Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
            Assert.Equal(GitOpsRepo.Canary("v1", "v2", [10, 20, 50]), repo.Timeline());
            repo.AssertLinear();
            repo.AssertOnlyMovedForward(tips);
            var committed = results.SelectMany(Committed).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            Assert.Equal(repo.RolloutCommits().Select(c => c.Sha[..7]).Order(StringComparer.Ordinal), committed);
            output.WriteLine($"lost races: {results.Sum(Races)}");
        }
        finally
        {
            foreach (var runner in runners)
            {
                runner.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_pipeline_killed_mid_rollout_is_finished_by_a_rerun()
    {
        using var repo = new GitOpsRepo(tweaks: [("stepWeights: [10, 20, 50]", "stepWeights: [10, 20, 30, 40, 50]")]);
        string[] start = ["run", "rollout.yaml", "--repo", repo.Remote, "--version", "v2", "--image", "reviews=registry.example/reviews:2.0.0"];
        var expected = GitOpsRepo.Canary("v1", "v2", Weights);

        // Kill 1: once the first step is pushed. Kill 2 and 3: a moment into reruns, wherever they are by then
        // (fetching, deciding, committing or pushing).
        await KillAsync(repo, start, until: () => repo.RolloutCommits().Count >= 4, expected);
        await KillAsync(repo, start, until: Elapsed(TimeSpan.FromMilliseconds(700)), expected);
        await KillAsync(repo, ["run", "rollout.yaml", "--repo", repo.Remote], until: Elapsed(TimeSpan.FromMilliseconds(1500)), expected);

        var rerun = await repo.RunAsync(start);

        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Equal(expected, repo.Timeline());
        repo.AssertLinear();
        repo.AssertOnlyMovedForward(_tips);
        var status = await repo.RunAsync("status", "rollout.yaml", "--repo", repo.Remote, "-o", "json");
        Assert.Contains("\"phase\": \"Succeeded\"", status.Stdout, StringComparison.Ordinal);
    }

    private async Task KillAsync(GitOpsRepo repo, string[] args, Func<bool> until, string[] expected)
    {
        using var process = GraystepProcess.Start(args, repo.Root, repo.Env());
        var waited = Stopwatch.StartNew();
        while (!until() && !process.HasExited)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(2), "the rollout did not get far enough to be killed: " + process.OutputSoFar);
            await Task.Delay(20);
        }

        process.Kill();
        var killed = await process.WaitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"killed after {waited.ElapsedMilliseconds} ms (exit {killed.ExitCode}): {repo.Timeline().Count} commits");

        // Whatever was pushed so far is a prefix of the valid history, on top of what was there before.
        var timeline = repo.Timeline();
        Assert.Equal(expected.Take(timeline.Count), timeline);
        repo.AssertOnlyMovedForward(_tips);
        _tips.Add(repo.Tip());
    }

    private static Func<bool> Elapsed(TimeSpan span)
    {
        var watch = Stopwatch.StartNew();
        return () => watch.Elapsed >= span;
    }

    private static List<string> Committed(ChildProcessResult r) =>
        [.. r.Stdout.Split('\n').Where(l => l.Contains("] committed ", StringComparison.Ordinal)).Select(l => l.Split("] committed ")[1][..7])];

    private static int Races(ChildProcessResult r) => r.Stdout.Split('\n').Count(l => l.Contains("the branch moved while we decided", StringComparison.Ordinal));
}
