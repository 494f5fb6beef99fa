using System.Globalization;
using System.Text.Json;
using Graystep.EndToEnd.Tests.Harness;
using Graystep.TestKit.Prometheus;
using Xunit.Abstractions;

namespace Graystep.EndToEnd.Tests;

/// <summary>
/// A weight set by hand, end to end: bookinfo's reviews canary moved from 10% to 30% with <c>graystep set-weight</c>
/// (as seed 002 does by editing the VirtualService), held there while paused, then resumed to 50% and promoted.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class SetWeightTests(ITestOutputHelper output)
{
    private static readonly ExampleCase Example = ExampleCase.Bookinfo;

    [PrometheusFact]
    public async Task Set_weight_commits_a_paused_manual_step_that_the_mesh_applies_and_resume_continues_from_it()
    {
        await using var rig = await Rig.StartAsync(Example);
        var once = rig.RunVersion(Example.HealthyVersion).Append("--once").ToArray();
        Assert.Equal(5, (await rig.GraystepAsync(once)).ExitCode);
        Assert.Equal(5, (await rig.GraystepAsync(once)).ExitCode);
        Assert.Equal(("step", 10), Last(await rig.Remote.LogAsync()));

        var set = await rig.GraystepAsync("set-weight", Example.SpecFile, "30", "--reason", "more traffic before the sale");
        output.WriteLine(set.Describe("graystep set-weight"));
        Assert.True(set.ExitCode == 0, set.Describe("graystep set-weight"));
        var commits = await rig.Remote.LogAsync();
        Assert.Equal(("set-weight", 30), Last(commits));
        var manual = commits[^1];
        Assert.Equal("reviews: set v2 to 30% by hand (paused)", manual.Subject);
        Assert.Equal("2/3", manual.Step);

        // The mesh routes 30% to v2 once the commit is applied.
        await rig.WaitAppliedAsync(manual.Sha, Example.HealthyVersion);
        Assert.Equal(30, rig.Sandbox.Snapshot().App(Example.AppKey)!.Weights["v2"]);

        // Paused: run holds (exit 5) without a commit; an out-of-range weight is a usage error that commits nothing.
        var held = await rig.GraystepAsync("run", Example.SpecFile, "--timeout", "60s");
        Assert.True(held.ExitCode == 5, held.Describe("graystep run while paused"));
        Assert.Contains("graystep resume", held.Stdout + held.Stderr, StringComparison.Ordinal);
        var bad = await rig.GraystepAsync("set-weight", Example.SpecFile, "100");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("error: set-weight 100: the weight must be from 0 to 99", bad.Stderr, StringComparison.Ordinal);
        Assert.Equal(commits.Count, (await rig.Remote.LogAsync()).Count);

        Assert.Equal(0, (await rig.GraystepAsync("resume", Example.SpecFile)).ExitCode);
        var run = await rig.GraystepAsync("run", Example.SpecFile, "--timeout", "240s");
        Assert.True(run.ExitCode == 0, run.Describe("graystep run after resume"));
        var rollout = (await rig.Remote.LogAsync()).Where(c => c.Action is not null).Select(c => (c.Action!, c.Weight ?? -1)).ToList();
        Assert.Equal(
            [("initialize", 100), ("retire", 100), ("start", 0), ("step", 10), ("set-weight", 30), ("resume", 30), ("step", 50), ("promote", 100)],
            rollout);

        var history = await rig.GraystepAsync("history", Example.SpecFile, "-o", "json");
        using var json = JsonDocument.Parse(history.Stdout);
        Assert.Contains(json.RootElement.GetProperty("entries").EnumerateArray(), e => e.GetProperty("action").GetString() == "set-weight"
            && e.GetProperty("weight").GetInt32().ToString(CultureInfo.InvariantCulture) == "30");
    }

    private static (string?, int?) Last(IReadOnlyList<RolloutCommit> commits) => (commits[^1].Action, commits[^1].Weight);
}
