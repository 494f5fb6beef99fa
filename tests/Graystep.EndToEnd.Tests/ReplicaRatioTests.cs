using System.Text.Json;
using Graystep.EndToEnd.Tests.Harness;
using Graystep.TestKit.Prometheus;
using Xunit.Abstractions;

namespace Graystep.EndToEnd.Tests;

/// <summary>
/// A replica-ratio canary with plain Kubernetes (seed 001's layout): both versions behind the one <c>hello</c>
/// Service, the canary's weight being its share of 4 replicas. The sandbox's kube-proxy picks pods at random, so
/// users reach each version by its share. Promoted when healthy, rolled back when 10% of its requests fail.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ReplicaRatioTests(ITestOutputHelper output)
{
    private static readonly ExampleCase Example = ExampleCase.K8sDemoNginxBlueGreen;

    [PrometheusFact]
    public async Task A_replica_ratio_canary_is_promoted_then_a_faulty_version_is_rolled_back()
    {
        await using var rig = await Rig.StartAsync(Example, edit: AsReplicaRatioCanary);

        var run = await rig.GraystepAsync(rig.RunVersion(Example.HealthyVersion));
        output.WriteLine(run.Describe("graystep run v2"));
        Assert.True(run.ExitCode == 0, run.Describe("graystep run v2"));
        var commits = (await rig.Remote.LogAsync()).Where(c => c.Action is not null).ToList();
        Assert.Equal(
            [("initialize", 100), ("retire", 100), ("start", 0), ("step", 25), ("step", 50), ("promote", 100)],
            commits.Select(c => (c.Action!, c.Weight ?? -1)));
        Assert.Equal("hello-bluegreen: shift 25% (1 of 4 replicas) to v2 (step 1/2)", commits[3].Subject);

        // Step 1: one Service over both versions, v1 at 3 replicas and v2 at 1, the canary Service for load tests.
        var step = await rig.Remote.FilesAtAsync(commits[3].Sha, Example.Output);
        Assert.DoesNotContain("version:", Selector(step["service-hello.yaml"]), StringComparison.Ordinal);
        Assert.Contains("version: v2", Selector(step["service-hello-canary.yaml"]), StringComparison.Ordinal);
        Assert.Contains("  replicas: 3\n", step["deployment-hello-v1.yaml"], StringComparison.Ordinal);
        Assert.Contains("  replicas: 1\n", step["deployment-hello-v2.yaml"], StringComparison.Ordinal);

        // What users got at that step: about a quarter of the requests, by pod share (kube-proxy's random pick).
        var snapshot = rig.Sandbox.Snapshot();
        var atStep = snapshot.CountsSince(Example.AppKey, "v2", commits[3].Sha).Requests - snapshot.CountsSince(Example.AppKey, "v2", commits[4].Sha).Requests;
        var allAtStep = atStep + snapshot.CountsSince(Example.AppKey, "v1", commits[3].Sha).Requests - snapshot.CountsSince(Example.AppKey, "v1", commits[4].Sha).Requests;
        output.WriteLine($"at 1 of 4 replicas v2 served {atStep} of {allAtStep} user requests");
        Assert.True(allAtStep > 200, $"too few requests at step 1: {allAtStep}");
        Assert.InRange(atStep / (double)allAtStep, 0.15, 0.35);

        // Promoted: the Service selects v2 alone, at the template's 4 replicas.
        var promoted = await rig.Remote.FilesAtAsync(commits[^1].Sha, Example.Output);
        Assert.Contains("version: v2", Selector(promoted["service-hello.yaml"]), StringComparison.Ordinal);
        Assert.Contains("  replicas: 4\n", promoted["deployment-hello-v2.yaml"], StringComparison.Ordinal);

        var status = await rig.GraystepAsync("history", Example.SpecFile, "-o", "json");
        using (var json = JsonDocument.Parse(status.Stdout))
        {
            Assert.Contains(json.RootElement.GetProperty("entries").EnumerateArray(), e => e.GetProperty("reason").GetString()!.Contains("(1 of 4 replicas)", StringComparison.Ordinal));
        }

        var faulty = await rig.GraystepAsync(rig.RunVersion(Example.FaultyVersion));
        output.WriteLine(faulty.Describe("graystep run v3"));
        Assert.True(faulty.ExitCode == 4, faulty.Describe("graystep run v3"));
        var rollback = (await rig.Remote.LogAsync()).Last(c => c.Action is not null);
        Assert.Equal(("rollback", "v3"), (rollback.Action, rollback.Version));
        var back = await rig.Remote.FilesAtAsync(rollback.Sha, Example.Output);
        Assert.Contains("version: v2", Selector(back["service-hello.yaml"]), StringComparison.Ordinal);
        Assert.DoesNotContain("deployment-hello-v3.yaml", back.Keys);
        await rig.WaitAppliedAsync(rollback.Sha, Example.HealthyVersion);
        Assert.True(rig.Sandbox.Snapshot().CountsSince(Example.AppKey, "v3", commits[^1].Sha).Requests > 0, "v3 never got users before its rollback");
    }

    /// <summary>Blue/green iterations become two weight steps, and the Deployment runs 4 replicas (seed 001's 3:1 at the first step).</summary>
    private static string AsReplicaRatioCanary(string path, string text) =>
        path == Example.SpecFile ? text.Replace("    iterations: 5\n", "    stepWeights: [10, 50]\n", StringComparison.Ordinal)
        : path.EndsWith("hello-deployment.yaml", StringComparison.Ordinal) ? text.Replace("  replicas: 2\n", "  replicas: 4\n", StringComparison.Ordinal)
        : text;

    private static string Selector(string service) => service[service.IndexOf("selector:", StringComparison.Ordinal)..];
}
