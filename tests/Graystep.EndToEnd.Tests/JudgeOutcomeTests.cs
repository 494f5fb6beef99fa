using System.Globalization;
using System.Text.RegularExpressions;
using Graystep.EndToEnd.Tests.Harness;
using Graystep.Sandbox.Behaviour;
using Graystep.TestKit.Prometheus;
using Xunit.Abstractions;

namespace Graystep.EndToEnd.Tests;

/// <summary>
/// The sequential judge end to end, once per outcome, on the rig of the example tests: the sandbox's simulated users
/// and versions, a real Prometheus scraping it, a bare git remote, the published CLI. Bookinfo's success-rate guard
/// (99%) is removed so the comparison alone decides.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class JudgeOutcomeTests(ITestOutputHelper output)
{
    private static readonly ExampleCase Example = ExampleCase.Bookinfo;

    [PrometheusFact]
    public async Task A_version_as_bad_as_stable_passes_and_is_promoted_and_one_five_times_worse_fails_and_is_rolled_back()
    {
        // A shared incident: v1 and v2 fail 10% of requests each; v3 fails half of them.
        var behaviour = new BehaviourConfig(new Dictionary<string, VersionBehaviour>
        {
            ["v1"] = new() { ErrorRate = 0.10, ErrorStatus = 500 },
            ["v2"] = new() { ErrorRate = 0.10, ErrorStatus = 500 },
            ["v3"] = new() { ErrorRate = 0.50, ErrorStatus = 500 },
        });
        await using var rig = await Rig.StartAsync(Example, "{kind: sequential, alpha: 0.01, minimumEffect: 3, maxDuration: 240s, onInconclusive: hold}", behaviour, SuccessRateOnly);
        var init = await rig.GraystepAsync("run", Example.SpecFile, "--once");
        Assert.True(init.ExitCode == 0, init.Describe("graystep run --once"));

        var healthy = await rig.GraystepAsync(rig.RunVersion("v2"));
        output.WriteLine(healthy.Describe("v2"));
        Assert.True(healthy.ExitCode == 0, healthy.Describe("graystep run v2"));
        var promote = (await rig.Remote.LogAsync()).Last(c => c.Action is not null);
        Assert.Equal(("promote", "v2"), (promote.Action, promote.Version));
        var passed = JudgeRow(promote.Body, "request-success-rate");
        Assert.Equal("pass", passed[^1]);
        Assert.InRange(Ratio(passed), 0.5, 2);

        var faulty = await rig.GraystepAsync(rig.RunVersion("v3"));
        output.WriteLine(faulty.Describe("v3"));
        Assert.True(faulty.ExitCode == 4, faulty.Describe("graystep run v3"));
        var rollback = (await rig.Remote.LogAsync()).Last(c => c.Action is not null);
        Assert.Equal(("rollback", "v3"), (rollback.Action, rollback.Version));
        Assert.Matches(@"(?m)^Reason: the sequential judge found v3 worse than v2: request-success-rate ratio \d+\.\d\d ", rollback.Body);
        var failed = JudgeRow(rollback.Body, "request-success-rate");
        Assert.Equal("fail", failed[^1]);
        Assert.InRange(Ratio(failed), 2.5, 10);

        // Once the rollback is applied, no user reaches v3.
        await rig.WaitAppliedAsync(rollback.Sha, "v2");
        Assert.Equal(0, rig.Sandbox.Snapshot().CountsSince(Example.AppKey, "v3", rollback.Sha).Requests);
    }

    [PrometheusFact]
    public async Task With_no_errors_on_either_side_the_judge_stays_inconclusive_and_onInconclusive_hold_keeps_the_step()
    {
        await using var rig = await Rig.StartAsync(Example, "{kind: sequential, maxDuration: 4s, onInconclusive: hold}", edit: WithoutSuccessRateGuard);
        var init = await rig.GraystepAsync("run", Example.SpecFile, "--once");
        Assert.True(init.ExitCode == 0, init.Describe("graystep run --once"));

        var run = await rig.GraystepAsync(rig.RunVersion(Example.HealthyVersion));
        output.WriteLine(run.Describe("v2"));

        Assert.True(run.ExitCode == 5, run.Describe("graystep run v2"));
        Assert.Contains("the sequential judge was still inconclusive after maxDuration 4s", run.Stdout + run.Stderr, StringComparison.Ordinal);
        var last = (await rig.Remote.LogAsync()).Last(c => c.Action is not null);
        Assert.Equal(("step", "v2", 10), (last.Action, last.Version, last.Weight ?? -1));

        // Held, not rolled back: the canary keeps its 10% in the cluster.
        await rig.WaitAppliedAsync(last.Sha, "v2");
        var status = await rig.GraystepAsync("status", Example.SpecFile);
        Assert.Matches(@"(?m)^phase +Progressing$", status.Stdout);
        Assert.Matches(@"(?m)^weight +10%$", status.Stdout);
    }

    /// <summary>
    /// Only the success rate, judged without its guard: the sandbox's versions answer at the same speed, and with no
    /// slow request on either side request-duration has nothing to compare (it would stay inconclusive).
    /// </summary>
    private static string SuccessRateOnly(string path, string text) =>
        path == Example.SpecFile
            ? Regex.Replace(WithoutSuccessRateGuard(path, text), @"      - name: request-duration\n(        .*\n)+", string.Empty)
            : text;

    private static string WithoutSuccessRateGuard(string path, string text) =>
        path == Example.SpecFile
            ? text.Replace("        thresholdRange:\n          min: 99\n", string.Empty, StringComparison.Ordinal)
            : text;

    private static double Ratio(string[] row) => double.Parse(row[3], CultureInfo.InvariantCulture);

    /// <summary>The judge block's row for <paramref name="metric"/>, split on runs of two or more spaces.</summary>
    private static string[] JudgeRow(string body, string metric)
    {
        var lines = body.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("Judge: sequential", StringComparison.Ordinal));
        Assert.True(start >= 0, body);
        var row = lines.Skip(start + 2).TakeWhile(l => l.Length > 0).Single(l => l.StartsWith(metric + " ", StringComparison.Ordinal));
        return Regex.Split(row, " {2,}");
    }
}
