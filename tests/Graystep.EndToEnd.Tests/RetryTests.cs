using System.Text.Json;
using Graystep.EndToEnd.Tests.Harness;
using Graystep.Sandbox.Behaviour;
using Graystep.TestKit.Prometheus;
using Xunit.Abstractions;

namespace Graystep.EndToEnd.Tests;

/// <summary>
/// A rolled-back version is started again only when asked: <c>run --version v3</c> says how, <c>--retry</c> starts
/// attempt 2, and new images under the same name start the next attempt, which is promoted once healthy.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class RetryTests(ITestOutputHelper output)
{
    private static readonly ExampleCase Example = ExampleCase.Bookinfo;

    [PrometheusFact]
    public async Task A_rolled_back_version_is_retried_with_retry_and_each_attempt_is_told_apart_in_history()
    {
        // v3's first image fails 10% of its requests; its fixed image does not.
        var faultyImage = Example.ImageOf("v3");
        var fixedImage = Example.Image + ":v3-fixed";
        await using var rig = await Rig.StartAsync(Example, behaviour: new BehaviourConfig(new Dictionary<string, VersionBehaviour>
        {
            [faultyImage] = new() { ErrorRate = Rig.FaultyErrorRate, ErrorStatus = 500 },
        }));

        var first = await rig.GraystepAsync(rig.RunVersion("v3"));
        Assert.True(first.ExitCode == 4, first.Describe("graystep run v3"));

        // Asked again as it was: refused with the way out, nothing committed.
        var count = (await rig.Remote.LogAsync()).Count;
        var again = await rig.GraystepAsync(rig.RunVersion("v3"));
        Assert.Equal(4, again.ExitCode);
        Assert.Contains("pass --retry to start v3 again as attempt 2", again.Stdout + again.Stderr, StringComparison.Ordinal);
        Assert.Equal(count, (await rig.Remote.LogAsync()).Count);

        // --retry: attempt 2 of the same image, rolled back again.
        var retried = await rig.GraystepAsync([.. rig.RunVersion("v3"), "--retry"]);
        output.WriteLine(retried.Describe("graystep run v3 --retry"));
        Assert.True(retried.ExitCode == 4, retried.Describe("graystep run v3 --retry"));
        var commits = await rig.Remote.LogAsync();
        var secondStart = commits.Last(c => c.Action == "start");
        Assert.Equal("reviews: start v3 (attempt 2) at 0%", secondStart.Subject);
        Assert.All(commits.SkipWhile(c => c.Sha != secondStart.Sha), c => Assert.Equal("2", c.Trailers.GetValueOrDefault("Graystep-Attempt")));
        Assert.All(commits.TakeWhile(c => c.Sha != secondStart.Sha), c => Assert.False(c.Trailers.ContainsKey("Graystep-Attempt")));

        // The fixed image under the same name: attempt 3, promoted.
        var fixedRun = await rig.GraystepAsync("run", Example.SpecFile, "--version", "v3", "--image", $"{Example.Container}={fixedImage}", "--timeout", "300s");
        Assert.True(fixedRun.ExitCode == 0, fixedRun.Describe("graystep run v3 with the fixed image"));
        Assert.Equal("reviews: start v3 (attempt 3) at 0%", (await rig.Remote.LogAsync()).Last(c => c.Action == "start").Subject);

        var status = await rig.GraystepAsync("status", Example.SpecFile, "-o", "json");
        using (var json = JsonDocument.Parse(status.Stdout))
        {
            Assert.Equal(3, json.RootElement.GetProperty("attempt").GetInt32());
            Assert.Equal(fixedImage, json.RootElement.GetProperty("stable").GetProperty("images").GetProperty(Example.Container).GetString());
        }

        var history = await rig.GraystepAsync("history", Example.SpecFile, "-o", "json");
        using (var json = JsonDocument.Parse(history.Stdout))
        {
            var starts = json.RootElement.GetProperty("entries").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "start").ToList();
            Assert.Equal([1, 2, 3], starts.Select(e => e.GetProperty("attempt").GetInt32()));
        }

        var text = await rig.GraystepAsync("history", Example.SpecFile);
        Assert.Contains(" v3 #3 ", text.Stdout, StringComparison.Ordinal);
    }
}
