using System.Text.Json;
using Graystep.EndToEnd.Tests.Harness;
using Graystep.TestKit.Prometheus;
using Xunit.Abstractions;

namespace Graystep.EndToEnd.Tests;

/// <summary>
/// Versions as users write them, end to end: bookinfo's reviews labelled <c>version: "1.0.1"</c> is promoted to
/// <c>1.1.0-rc.1</c> through every step, on the sandbox with a real Prometheus and a real git remote. The labels,
/// trailers, status and history keep the exact text; the object names use the DNS form (<c>reviews-1-1-0-rc-1</c>).
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class SemanticVersionTests(ITestOutputHelper output)
{
    private const string Stable = "1.0.1";
    private const string Next = "1.1.0-rc.1";

    [PrometheusFact]
    public async Task A_semantic_version_is_promoted_with_its_exact_labels_and_dns_safe_object_names()
    {
        var example = ExampleCase.Bookinfo with { StableVersion = Stable, HealthyVersion = Next, FaultyVersion = "1.2.0", TemplateVersionLabel = Stable };
        await using var rig = await Rig.StartAsync(example);

        var run = await rig.GraystepAsync(rig.RunVersion(Next));
        output.WriteLine(run.Describe("graystep run"));
        Assert.True(run.ExitCode == 0, run.Describe($"graystep run --version {Next}"));

        // Trailers keep the exact version.
        var rollout = (await rig.Remote.LogAsync()).Where(c => c.Action is not null).ToList();
        Assert.Equal(
            [("initialize", Stable, 100), ("retire", Stable, 100), ("start", Next, 0), ("step", Next, 10), ("step", Next, 20), ("step", Next, 50), ("promote", Next, 100)],
            rollout.Select(c => (c.Action!, c.Version!, c.Weight ?? -1)));

        // While both run: DNS-safe names, exact labels, Istio subsets named in the DNS form and selecting the exact label.
        var during = await rig.Remote.FilesAtAsync(rollout[3].Sha, example.Output);
        Assert.Contains("deployment-reviews-1-0-1.yaml", during.Keys);
        Assert.Contains("deployment-reviews-1-1-0-rc-1.yaml", during.Keys);
        Assert.Contains("version: 1.1.0-rc.1\n", during["deployment-reviews-1-1-0-rc-1.yaml"], StringComparison.Ordinal);
        Assert.DoesNotContain("version: 1-1-0-rc-1", during["deployment-reviews-1-1-0-rc-1.yaml"], StringComparison.Ordinal);
        var rule = Assert.Single(during, f => f.Key.StartsWith("destinationrule-", StringComparison.Ordinal)).Value;
        Assert.Contains("name: 1-1-0-rc-1\n", rule, StringComparison.Ordinal);
        Assert.Contains("version: 1.1.0-rc.1\n", rule, StringComparison.Ordinal);
        Assert.Contains("name: 1-0-1\n", rule, StringComparison.Ordinal);
        Assert.Contains("version: 1.0.1\n", rule, StringComparison.Ordinal);

        // After promotion only the new version is rendered, and users reach it (the sandbox counts by the label).
        var promoted = await rig.Remote.FilesAtAsync(rollout[^1].Sha, example.Output);
        Assert.Single(promoted.Keys, k => k.StartsWith("deployment-", StringComparison.Ordinal) && k == "deployment-reviews-1-1-0-rc-1.yaml");
        await rig.WaitAppliedAsync(rollout[^1].Sha, Next);
        Assert.True(rig.Sandbox.Snapshot().CountsSince(example.AppKey, Next, rollout[3].Sha).Requests > 0);

        // Status and history show the version as written.
        var status = await rig.GraystepAsync("status", example.SpecFile, "-o", "json");
        Assert.True(status.ExitCode == 0, status.Describe("graystep status"));
        using (var json = JsonDocument.Parse(status.Stdout))
        {
            Assert.Equal("Succeeded", json.RootElement.GetProperty("phase").GetString());
            Assert.Equal(Next, json.RootElement.GetProperty("stable").GetProperty("version").GetString());
        }

        var history = await rig.GraystepAsync("history", example.SpecFile, "-o", "json");
        Assert.True(history.ExitCode == 0, history.Describe("graystep history"));
        using (var json = JsonDocument.Parse(history.Stdout))
        {
            var entries = json.RootElement.GetProperty("entries").EnumerateArray().ToList();
            Assert.Equal(
                [Stable, Stable, Next, Next, Next, Next, Next],
                entries.Select(e => e.GetProperty("version").GetString()));
        }

        // 1-1-0-rc-1 would name the same objects as 1.1.0-rc.1: refused, naming both, nothing committed.
        var clash = await rig.GraystepAsync("run", example.SpecFile, "--version", "1-1-0-rc-1", "--timeout", "60s");
        Assert.Equal(2, clash.ExitCode);
        Assert.Contains("versions '1-1-0-rc-1' and '1.1.0-rc.1' would both name their objects '1-1-0-rc-1'", clash.Stderr, StringComparison.Ordinal);
        Assert.Equal(rollout.Count, (await rig.Remote.LogAsync()).Count(c => c.Action is not null));
    }
}
