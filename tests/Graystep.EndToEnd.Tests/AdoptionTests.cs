using Graystep.EndToEnd.Tests.Harness;
using Graystep.TestKit;
using Graystep.TestKit.Prometheus;
using Xunit.Abstractions;

namespace Graystep.EndToEnd.Tests;

/// <summary>
/// Adopting a plain Deployment (seed 000's k8sdemo: no version label, named <c>hello</c>) that users are already
/// served by. The first rollout must not rename it in one commit (a delete and a create of the live workload): the
/// initialize commit adds <c>hello-1-0-0</c> (version 1-0-0, from the image tag) beside it with the user's own Service selecting both, a retire commit
/// moves the routing to the copy once the cluster applied it, and a last retire removes <c>hello</c> after
/// scaleDownDelay. The sandbox's proxies get routes 2 s late. Renaming <c>hello</c> in one commit, as Graystep did
/// before, would send the stale proxies' requests to a removed Deployment with no live endpoint left to retry on.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class AdoptionTests(ITestOutputHelper output)
{
    private static readonly ExampleCase Example = ExampleCase.K8sDemoNginxBlueGreen;

    private static readonly TimeSpan ProxyDelay = TimeSpan.FromSeconds(2);

    [PrometheusFact]
    public async Task A_plain_Deployment_is_adopted_in_later_commits_and_no_request_fails_across_the_switch()
    {
        await using var rig = await Rig.StartAsync(Example, edit: Plain, proxyDelay: ProxyDelay, seedFiles: LiveBeforeGraystep());

        // Before Graystep commits anything, users are served by the plain Deployment.
        await rig.WaitAppliedAsync(rig.SeedSha, "hello");
        Assert.Equal("hello", Assert.Single(rig.Sandbox.Snapshot().App(Example.AppKey)!.Versions).Version);

        var run = await rig.GraystepAsync("run", Example.SpecFile, "--timeout", "120s");
        output.WriteLine(run.Describe("graystep run"));
        Assert.True(run.ExitCode == 0, run.Describe("graystep run"));

        var commits = (await rig.Remote.LogAsync()).Where(c => c.Action is not null).ToList();
        Assert.Equal(
            ["hello-bluegreen: initialize 1-0-0 at 100%", "hello-bluegreen: route 1-0-0 to hello-1-0-0, keep hello without traffic", "hello-bluegreen: retire hello, adopted as 1-0-0"],
            commits.Select(c => c.Subject));
        Assert.Equal(["initialize", "retire", "retire"], commits.Select(c => c.Action));
        var (initialize, routed, retired) = (commits[0], commits[1], commits[2]);

        // Initialize: the plain Deployment and the user's Service exactly as before, the versioned copy beside them.
        var atInitialize = await rig.Remote.FilesAtAsync(initialize.Sha, Example.Output);
        Assert.Contains("deployment-hello-1-0-0.yaml", atInitialize.Keys);
        Assert.DoesNotContain("version", atInitialize["deployment-hello.yaml"], StringComparison.Ordinal);
        Assert.DoesNotContain("version", atInitialize["service-hello.yaml"], StringComparison.Ordinal);

        // Routed: the Service selects the copy only; hello still runs without traffic. Then it leaves.
        var atRouted = await rig.Remote.FilesAtAsync(routed.Sha, Example.Output);
        Assert.Contains("version: 1-0-0", atRouted["service-hello.yaml"], StringComparison.Ordinal);
        Assert.Equal(atInitialize["deployment-hello.yaml"], atRouted["deployment-hello.yaml"]);
        var atRetired = await rig.Remote.FilesAtAsync(retired.Sha, Example.Output);
        Assert.DoesNotContain("deployment-hello.yaml", atRetired.Keys);
        Assert.Equal(atRouted["service-hello.yaml"], atRetired["service-hello.yaml"]);
        Assert.True(retired.CommittedAt - routed.CommittedAt >= TimeSpan.FromSeconds(3), $"{routed} then {retired}");

        // history shows the adoption commits.
        var history = await rig.GraystepAsync("history", Example.SpecFile);
        Assert.True(history.ExitCode == 0, history.Describe("graystep history"));
        Assert.StartsWith("k8sdemo/hello-bluegreen: 3 changes on main", history.Stdout, StringComparison.Ordinal);
        Assert.Contains("hello-1-0-0 runs beside hello; 1-0-0's traffic moves to hello-1-0-0.", history.Stdout, StringComparison.Ordinal);
        Assert.Contains("hello had no traffic for scaleDownDelay 3s; hello-1-0-0 runs 1-0-0.", history.Stdout, StringComparison.Ordinal);

        // Users were served all along: by hello, then by both, then by the copy; not one request failed.
        await rig.WaitAppliedAsync(retired.Sha, "1-0-0");
        await Task.Delay(ProxyDelay + TimeSpan.FromSeconds(1));
        var app = rig.Sandbox.Snapshot().App(Example.AppKey)!;
        output.WriteLine(string.Join("\n", app.Versions.Select(v => $"{v.Version}: {v.Total}")));
        Assert.True(app.Version("hello")!.Total.Requests > 0);
        Assert.True(app.Version("1-0-0")!.Total.Requests > 0);
        Assert.Equal(0, app.Versions.Sum(v => v.Total.Stale));
        Assert.Equal(0, app.Versions.Sum(v => v.Total.Errors));
        Assert.Equal(0, app.Unrouted.Errors);
    }

    /// <summary>The seed's Deployment as a plain one, and scaleDownDelay: 3s in the spec.</summary>
    private static string Plain(string path, string text) =>
        path == Example.SpecFile
            ? text.Replace(RetireDelay.Line, "    scaleDownDelay: 3s\n", StringComparison.Ordinal)
            : PlainTemplate(path, text);

    /// <summary>The seed's Deployment as a plain one: no version label, so its version comes from the image tag.</summary>
    private static string PlainTemplate(string path, string text) =>
        path == "templates/hello-deployment.yaml"
            ? text.Replace("        version: v1\n", string.Empty, StringComparison.Ordinal)
            : text;

    /// <summary>
    /// What the reconciler ran before Graystep: the user's own manifests, marked so that the sandbox applies them
    /// (it applies rendered files only), in the folder the reconciler applies.
    /// </summary>
    private static Dictionary<string, string> LiveBeforeGraystep()
    {
        var templates = RepoPaths.Example(Example.Name);
        string Live(string template, string ns) =>
            "# graystep: rendered\n" + Plain(template, File.ReadAllText(Path.Combine(templates, template)))
                .Split('\n').Where(l => !l.StartsWith('#')).Aggregate(string.Empty, (a, l) => a + l + "\n").TrimEnd('\n')
                .Replace("  name: hello\n", ns, StringComparison.Ordinal) + "\n";
        const string InNamespace = "  name: hello\n  namespace: k8sdemo\n";
        return new Dictionary<string, string>
        {
            ["rendered/deployment-hello.yaml"] = Live("templates/hello-deployment.yaml", InNamespace),
            ["rendered/service-hello.yaml"] = Live("templates/hello-service.yaml", InNamespace),
            ["rendered/ingress-hello.yaml"] = Live("templates/hello-ingress.yaml", "  name: hello\n"),
            ["rendered/kustomization.yaml"] = "# graystep: rendered\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment-hello.yaml\n  - ingress-hello.yaml\n  - service-hello.yaml\n",
        };
    }
}
