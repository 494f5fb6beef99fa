using System.Text.Json;
using Graystep.EndToEnd.Tests.Harness;
using Graystep.TestKit;
using Graystep.TestKit.Prometheus;
using Xunit.Abstractions;

namespace Graystep.EndToEnd.Tests;

/// <summary>
/// Retire later, keep a standby: the version that loses its traffic keeps running until the proxies have the new
/// routes. The sandbox models that lag (<c>ProxyDelay</c>: routes reach the proxies 2 s after a commit is applied,
/// workloads change at once), so a request a stale proxy sends to a deleted pod fails and is counted as stale.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class RetireTests(ITestOutputHelper output)
{
    private static readonly ExampleCase Example = ExampleCase.Bookinfo;

    private static readonly TimeSpan ProxyDelay = TimeSpan.FromSeconds(2);

    [PrometheusFact]
    public async Task With_scaleDownDelay_the_old_version_is_retired_by_a_later_commit_and_no_request_fails()
    {
        await using var rig = await Rig.StartAsync(Example, edit: Analysis("scaleDownDelay: 3s"), proxyDelay: ProxyDelay);

        var run = await rig.GraystepAsync(rig.RunVersion(Example.HealthyVersion));
        output.WriteLine(run.Describe("graystep run"));
        Assert.True(run.ExitCode == 0, run.Describe("graystep run"));

        var commits = (await rig.Remote.LogAsync()).Where(c => c.Action is not null).ToList();
        Assert.Equal(["initialize", "retire", "retire", "start", "step", "step", "step", "promote", "retire"], commits.Select(c => c.Action));
        var (promote, retire) = (commits[^2], commits[^1]);

        // The switch keeps v1 running with no route to it; the retire commit removes only v1's workload.
        var atSwitch = await rig.Remote.FilesAtAsync(promote.Sha, Example.Output);
        var atRetire = await rig.Remote.FilesAtAsync(retire.Sha, Example.Output);
        Assert.Contains("deployment-reviews-v1.yaml", atSwitch.Keys);
        Assert.DoesNotContain("subset: v1", atSwitch["virtualservice-reviews.yaml"], StringComparison.Ordinal);
        Assert.DoesNotContain("deployment-reviews-v1.yaml", atRetire.Keys);
        Assert.Equal(atSwitch["virtualservice-reviews.yaml"], atRetire["virtualservice-reviews.yaml"]);
        Assert.Equal(("v2", 100), (retire.Version, retire.Weight ?? -1));
        Assert.Contains("retire v1", retire.Subject, StringComparison.Ordinal);

        // The retire waited for the switch to be applied and then scaleDownDelay.
        Assert.True(retire.CommittedAt - promote.CommittedAt >= TimeSpan.FromSeconds(3), $"{promote} then {retire}");

        // Users kept being served across the switch: requests the stale proxies sent to v1 found its pods.
        await rig.WaitAppliedAsync(retire.Sha, Example.HealthyVersion);
        await Task.Delay(ProxyDelay + TimeSpan.FromSeconds(1));
        var app = rig.Sandbox.Snapshot().App(Example.AppKey)!;
        Assert.True(app.Version("v1")!.Total.Requests > 0);
        Assert.Equal(0, app.Versions.Sum(v => v.Total.Stale));
        Assert.Equal(0, app.Versions.Sum(v => v.Total.Errors));
    }

    [PrometheusFact]
    public async Task Without_scaleDownDelay_the_switch_commit_deletes_the_old_version_and_stale_proxies_fail_requests()
    {
        // The control: same rollout, same proxy lag, old version removed in the promotion commit.
        await using var rig = await Rig.StartAsync(Example, proxyDelay: ProxyDelay);

        var run = await rig.GraystepAsync(rig.RunVersion(Example.HealthyVersion));
        Assert.True(run.ExitCode == 0, run.Describe("graystep run"));
        var promote = (await rig.Remote.LogAsync()).Last(c => c.Action is not null);
        Assert.Equal("promote", promote.Action);
        Assert.DoesNotContain("deployment-reviews-v1.yaml", (await rig.Remote.FilesAtAsync(promote.Sha, Example.Output)).Keys);

        await rig.Sandbox.WaitForRevisionAsync(promote.Sha, TimeSpan.FromSeconds(60));
        await Task.Delay(ProxyDelay + TimeSpan.FromSeconds(1));
        var stale = rig.Sandbox.Snapshot().CountsSince(Example.AppKey, "v1", promote.Sha);
        output.WriteLine($"requests stale proxies sent to the deleted v1: {stale.Stale} (errors {stale.Errors})");
        Assert.True(stale.Stale > 0, "with the old version deleted in the switch commit, some requests must fail");
        Assert.Equal(stale.Stale, stale.Errors);
    }

    [PrometheusFact]
    public async Task With_keepPrevious_rollback_after_promotion_switches_back_to_the_running_standby_in_one_commit()
    {
        await using var rig = await Rig.StartAsync(Example, edit: Analysis("keepPrevious: true\n    scaleDownDelay: 3s"), proxyDelay: ProxyDelay);

        var run = await rig.GraystepAsync(rig.RunVersion(Example.HealthyVersion));
        Assert.True(run.ExitCode == 0, run.Describe("graystep run"));
        var promote = (await rig.Remote.LogAsync()).Last(c => c.Action is not null);
        Assert.Equal("promote", promote.Action);
        var atPromote = await rig.Remote.FilesAtAsync(promote.Sha, Example.Output);
        Assert.Contains("deployment-reviews-v1.yaml", atPromote.Keys);
        Assert.Contains("standby:\n    version: \"v1\"", atPromote["graystep-status.yaml"], StringComparison.Ordinal);
        await rig.WaitAppliedAsync(promote.Sha, Example.HealthyVersion);

        var back = await rig.GraystepAsync("rollback", Example.SpecFile, "--reason", "v2 misbehaves in production");
        output.WriteLine(back.Describe("graystep rollback"));
        Assert.True(back.ExitCode == 0, back.Describe("graystep rollback"));
        var switched = (await rig.Remote.LogAsync()).Where(c => c.Action is not null).ToList();
        var switchBack = switched[^1];
        Assert.Equal(promote.Sha, switched[^2].Sha);
        Assert.Equal(("rollback", "v2", 0), (switchBack.Action!, switchBack.Version!, switchBack.Weight ?? -1));
        Assert.StartsWith("reviews: switch back to v1", switchBack.Subject, StringComparison.Ordinal);

        // Instant: v1's Deployment is byte for byte the one that kept running, so no pod restarts; v2 still runs.
        var atSwitch = await rig.Remote.FilesAtAsync(switchBack.Sha, Example.Output);
        Assert.Equal(atPromote["deployment-reviews-v1.yaml"], atSwitch["deployment-reviews-v1.yaml"]);
        Assert.Contains("deployment-reviews-v2.yaml", atSwitch.Keys);
        Assert.Contains("subset: v1", atSwitch["virtualservice-reviews.yaml"], StringComparison.Ordinal);
        Assert.DoesNotContain("subset: v2", atSwitch["virtualservice-reviews.yaml"], StringComparison.Ordinal);
        await rig.WaitAppliedAsync(switchBack.Sha, "v1");

        var status = await rig.GraystepAsync("status", Example.SpecFile, "-o", "json");
        using (var json = JsonDocument.Parse(status.Stdout))
        {
            Assert.Equal("v1", json.RootElement.GetProperty("stable").GetProperty("version").GetString());
            Assert.Equal("Failed", json.RootElement.GetProperty("phase").GetString());
        }

        // The next run retires v2 once the switch is applied and scaleDownDelay has passed.
        var next = await rig.GraystepAsync("run", Example.SpecFile, "--timeout", "120s");
        Assert.True(next.ExitCode == 4, next.Describe("graystep run after the switch back"));
        var retire = (await rig.Remote.LogAsync()).Last(c => c.Action is not null);
        Assert.Equal("retire", retire.Action);
        Assert.DoesNotContain("deployment-reviews-v2.yaml", (await rig.Remote.FilesAtAsync(retire.Sha, Example.Output)).Keys);

        await Task.Delay(ProxyDelay + TimeSpan.FromSeconds(1));
        var app = rig.Sandbox.Snapshot().App(Example.AppKey)!;
        Assert.Equal(0, app.Versions.Sum(v => v.Total.Stale));
        Assert.Equal(0, app.Versions.Sum(v => v.Total.Errors));
    }

    /// <summary>Adds lines to the spec's analysis block, after its threshold.</summary>
    private static Func<string, string, string> Analysis(string lines) => (path, text) =>
        path == Example.SpecFile
            ? text.Replace(RetireDelay.Line, string.Empty, StringComparison.Ordinal)
                .Replace("    threshold: 5\n", $"    threshold: 5\n    {lines}\n", StringComparison.Ordinal)
            : text;
}
