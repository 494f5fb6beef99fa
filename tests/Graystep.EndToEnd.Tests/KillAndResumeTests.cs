using System.Text.Json;
using Graystep.EndToEnd.Tests.Harness;
using Graystep.TestKit.Prometheus;
using Xunit.Abstractions;

namespace Graystep.EndToEnd.Tests;

/// <summary>
/// A CI job killed mid-rollout (SIGKILL: no cleanup, no last words) and started again resumes from the state in
/// Git: it neither repeats a step nor skips one, and the history stays one commit per change.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class KillAndResumeTests(ITestOutputHelper output)
{
    [PrometheusFact]
    public async Task A_run_killed_twice_mid_rollout_resumes_from_git_and_promotes_with_a_valid_history()
    {
        var example = ExampleCase.Bookinfo;
        await using var rig = await Rig.StartAsync(example);
        var init = await rig.GraystepAsync("run", example.SpecFile, "--once");
        Assert.True(init.ExitCode == 0, init.Describe("graystep run --once"));
        var start = rig.RunVersion(example.HealthyVersion);

        // First job: killed while it waits for the cluster or analyses step 1 (10%).
        var first = await RunUntilKilledAsync(rig, start, c => c.Action == "step" && c.Weight == 10);

        // Second job, the same pipeline step re-run: killed once step 2 (20%) is committed.
        var second = await RunUntilKilledAsync(rig, start, c => c.Action == "step" && c.Weight == 20);

        // Third job, started by hand without a version ("continue the rollout in progress"): runs to the end.
        var third = await rig.GraystepAsync("run", example.SpecFile, "--timeout", "300s");
        output.WriteLine(first);
        output.WriteLine(second);
        output.WriteLine(third.Describe("resumed run"));
        Assert.True(third.ExitCode == 0, third.Describe("graystep run (resume)") + "\n" + first + "\n" + second);

        var rollout = (await rig.Remote.LogAsync()).Where(c => c.Action is not null).ToList();
        Assert.Equal(
            [("initialize", "v1", 100), ("retire", "v1", 100), ("start", "v2", 0), ("step", "v2", 10), ("step", "v2", 20), ("step", "v2", 50), ("promote", "v2", 100)],
            rollout.Select(c => (c.Action!, c.Version!, c.Weight ?? -1)));
        Assert.Equal(["0/0", "0/0", "0/3", "1/3", "2/3", "3/3", "3/3"], rollout.Select(c => c.Step));

        // Running the finished step again changes nothing.
        var again = await rig.GraystepAsync(start);
        Assert.True(again.ExitCode == 0, again.Describe("graystep run after promotion"));
        Assert.Equal(rollout.Count, (await rig.Remote.LogAsync()).Count(c => c.Action is not null));

        var status = await rig.GraystepAsync("status", example.SpecFile, "-o", "json");
        using var json = JsonDocument.Parse(status.Stdout);
        Assert.Equal("Succeeded", json.RootElement.GetProperty("phase").GetString());
        Assert.Equal("v2", json.RootElement.GetProperty("stable").GetProperty("version").GetString());

        // The cluster ends on the promotion, and the old version serves nobody after it.
        await rig.WaitAppliedAsync(rollout[^1].Sha, "v2");
        Assert.Equal(0, rig.Sandbox.Snapshot().CountsSince(example.AppKey, "v1", rollout[^1].Sha).Requests);
    }

    /// <summary>Starts the pipeline step, waits (bounded) for a commit it must make, then SIGKILLs it.</summary>
    private static async Task<string> RunUntilKilledAsync(Rig rig, string[] args, Func<RolloutCommit, bool> killAfter)
    {
        using var job = rig.StartGraystep(args);
        await Rig.WaitUntilAsync(
            async () => job.HasExited || (await rig.Remote.LogAsync()).Any(killAfter),
            TimeSpan.FromSeconds(120),
            "the commit to kill the run after",
            TimeSpan.FromMilliseconds(250));
        if (job.HasExited)
        {
            // Its whole output, both streams drained, says why it stopped on its own.
            var ended = await job.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Fail(ended.Describe("graystep exited before it could be killed"));
        }

        job.Kill();
        return "killed run:\n" + job.Stdout;
    }
}
