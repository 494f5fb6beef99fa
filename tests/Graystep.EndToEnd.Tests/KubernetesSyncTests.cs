using Graystep.EndToEnd.Tests.Harness;
using Graystep.TestKit.Prometheus;
using Xunit.Abstractions;

namespace Graystep.EndToEnd.Tests;

/// <summary>
/// <c>sync.kind: kubernetes</c>, as a team that applies the output with kubectl has it: no reconciler to ask, the
/// gate reads the Deployments and routing objects the sandbox serves from its Kubernetes API. A healthy version is
/// promoted; when the sandbox forgets to apply a weight, the step is held and the output says which weights differ.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class KubernetesSyncTests(ITestOutputHelper output)
{
    private static readonly ExampleCase Example = ExampleCase.Bookinfo;

    private static string KubernetesGate(string path, string text) =>
        path == Example.SpecFile ? text.Replace("    kind: argocd\n", "    kind: kubernetes\n", StringComparison.Ordinal) : text;

    [PrometheusFact]
    public async Task A_rollout_gated_on_the_clusters_own_objects_is_promoted()
    {
        await using var rig = await Rig.StartAsync(Example, edit: KubernetesGate);

        var run = await rig.GraystepAsync(rig.RunVersion(Example.HealthyVersion));
        output.WriteLine(run.Describe("graystep run"));

        Assert.True(run.ExitCode == 0, run.Describe("graystep run"));
        var actions = (await rig.Remote.LogAsync()).Select(c => c.Action).ToList();
        Assert.Contains("promote", actions);

        // The gate waited on the cluster's objects: the new Deployment rolling out, or a weight not applied yet.
        Assert.Matches(@"Deployment bookinfo/reviews-v2 (is rolling out|is not in the cluster yet)|VirtualService bookinfo/reviews route", run.Stdout + run.Stderr);
    }

    [PrometheusFact]
    public async Task A_weight_the_cluster_did_not_apply_holds_the_step_and_says_both_weights()
    {
        await using var rig = await Rig.StartAsync(Example, edit: KubernetesGate);

        // Once the cluster runs the start (v2 beside v1, no traffic yet), the sandbox stops applying routing changes:
        // the first step's weights never reach the cluster, and the run is held on them until --timeout. The timeout
        // covers the whole run (initialize, adoption, start: over 30 s on a loaded 2-core CI machine), so it leaves room.
        string[] args = [.. rig.RunVersion(Example.HealthyVersion).SkipLast(1), "90s"];
        using var job = rig.StartGraystep(args);
        await Rig.WaitUntilAsync(
            async () => (await rig.Remote.LogAsync()).FirstOrDefault(c => c.Action == "start")?.Sha is { } start && rig.Sandbox.AppliedRevision == start,
            TimeSpan.FromSeconds(60), "the sandbox to apply the start commit", TimeSpan.FromMilliseconds(50));
        rig.Sandbox.ForgetRouting = true;
        var held = await job.WaitAsync(Rig.RunBound);
        output.WriteLine(held.Describe("graystep run (drift)"));

        Assert.True(held.ExitCode == 5, held.Describe("graystep run (drift)"));
        var said = held.Stdout + held.Stderr;
        Assert.Contains("drift: VirtualService bookinfo/reviews route 0: cluster has v1 100 / v2 0, the commit has 90 / 10", said, StringComparison.Ordinal);
        Assert.Contains("timeout reached while waiting for the cluster to apply", said, StringComparison.Ordinal);
        Assert.True(rig.Sandbox.ForgottenRoutingChanges > 0);
        var log = await rig.Remote.LogAsync();
        Assert.Equal(("step", (int?)10), (log[^1].Action, log[^1].Weight));

        // The knob off (the documented control endpoint), the sandbox applies the running commit again: the drift
        // clears and the next run carries on to the promotion.
        using (var http = new HttpClient())
        {
            using var off = await http.PostAsync(new Uri(rig.Sandbox.Address, "sandbox/forget-routing?on=false"), null);
            Assert.True(off.IsSuccessStatusCode, await off.Content.ReadAsStringAsync());
        }

        var resumed = await rig.GraystepAsync(rig.RunVersion(Example.HealthyVersion));
        output.WriteLine(resumed.Describe("graystep run (resumed)"));
        Assert.True(resumed.ExitCode == 0, resumed.Describe("graystep run (resumed)"));
    }
}
