using Graystep.EndToEnd.Tests.Harness;
using Graystep.TestKit.Prometheus;
using Xunit.Abstractions;

namespace Graystep.EndToEnd.Tests;

/// <summary>
/// The argocd sync gate through Argo CD's own API server, as a CI runner with only an Argo CD token has it: no
/// Kubernetes server or token, <c>sync.argocdServer</c> and <c>ARGOCD_AUTH_TOKEN</c> instead. Each new commit is read
/// once with <c>refresh=normal</c>.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ArgoCdApiTests(ITestOutputHelper output)
{
    private static readonly ExampleCase Example = ExampleCase.Bookinfo;

    [PrometheusFact]
    public async Task A_rollout_gated_through_Argo_CDs_API_server_is_promoted_and_asks_for_one_refresh_per_commit()
    {
        await using var rig = await Rig.StartAsync(Example, edit: (path, text) =>
            path == Example.SpecFile ? text.Replace("    server: ", "    argocdServer: ", StringComparison.Ordinal) : text);
        rig.ExtraEnvironment["ARGOCD_AUTH_TOKEN"] = "e2e-argocd-token-5f1c";

        var run = await rig.GraystepAsync(rig.RunVersion(Example.HealthyVersion));
        output.WriteLine(run.Describe("graystep run"));
        Assert.True(run.ExitCode == 0, run.Describe("graystep run"));
        Assert.Contains("Argo CD Application reviews", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("e2e-argocd-token-5f1c", run.Stdout + run.Stderr, StringComparison.Ordinal);

        // One refresh per commit the gate waited on: start, three steps and the promotion.
        var commits = (await rig.Remote.LogAsync()).Count(c => c.Action is "start" or "step");
        Assert.InRange(rig.Sandbox.ArgoCdRefreshes, commits, commits + 1);

        // Without the token Argo CD refuses, and the error names the variable to set.
        rig.ExtraEnvironment.Remove("ARGOCD_AUTH_TOKEN");
        var denied = await rig.GraystepAsync(rig.RunVersion("v3"));
        Assert.Equal(1, denied.ExitCode);
        Assert.Contains("rejected the credentials (401 Unauthorized)", denied.Stderr, StringComparison.Ordinal);
        Assert.Contains("set ARGOCD_AUTH_TOKEN", denied.Stderr, StringComparison.Ordinal);
    }
}
