using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Graystep.Sandbox.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Sandbox.Tests;

/// <summary>
/// The Kubernetes API view the sandbox serves for <c>sync.kind: kubernetes</c>: Deployments with a rollout status that
/// takes <c>RolloutDelay</c>, the routing objects as applied, and the drift knob that keeps the old routing.
/// </summary>
public sealed class ClusterApiTests
{
    private const string DeploymentV2 = "/apis/apps/v1/namespaces/bookinfo/deployments/reviews-v2";
    private const string VirtualService = "/apis/networking.istio.io/v1beta1/namespaces/bookinfo/virtualservices/reviews";

    private static (string, string?)[] Weighted(int canaryWeight, string canaryImage = "docker.io/istio/examples-bookinfo-reviews-v2:1.20.1")
    {
        var files = Rendered.IstioApp("rendered", Rendered.IstioWeighted("reviews", "v1", 100 - canaryWeight, "v2", canaryWeight));
        files[1] = Rendered.Deployment("rendered", "bookinfo", "reviews", "v2", canaryImage, replicas: 2);
        return files;
    }

    [Fact]
    public async Task A_new_deployment_becomes_ready_after_the_rollout_delay_and_a_changed_one_rolls_out_again()
    {
        using var repo = new GitOpsRepo();
        repo.Commit("reviews: 10% to v2", Weighted(10));
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var host = new SandboxHost(Sandboxes.Options(repo) with { RolloutDelay = TimeSpan.FromSeconds(3) }, clock);
        await host.StartAsync();
        await host.ReconcileOnceAsync();
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(10) };

        var created = await GetAsync(http, DeploymentV2);
        Assert.Equal(("apps/v1", "Deployment", 1L, 1L), ((string)created["apiVersion"]!, (string)created["kind"]!, (long)created["metadata"]!["generation"]!, (long)created["status"]!["observedGeneration"]!));
        Assert.Equal("2/2/-/-", Replicas(created));
        Assert.Equal("MinimumReplicasUnavailable", Condition(created, "Available")!["reason"]!.GetValue<string>());

        clock.Advance(TimeSpan.FromSeconds(3));
        var ready = await GetAsync(http, DeploymentV2);
        Assert.Equal("2/2/2/2", Replicas(ready));
        Assert.Equal("NewReplicaSetAvailable", Condition(ready, "Progressing")!["reason"]!.GetValue<string>());

        // A new image: generation 2, the old pods still serve beside the new ones until the delay has passed.
        repo.Commit("reviews: v2 rebuilt", Weighted(10, "docker.io/istio/examples-bookinfo-reviews-v2:1.20.2"));
        await host.ReconcileOnceAsync();
        var changed = await GetAsync(http, DeploymentV2);
        Assert.Equal((2L, 2L), ((long)changed["metadata"]!["generation"]!, (long)changed["status"]!["observedGeneration"]!));
        Assert.Equal("4/2/2/2", Replicas(changed));
        Assert.Equal("ReplicaSetUpdated", Condition(changed, "Progressing")!["reason"]!.GetValue<string>());
        Assert.Equal("docker.io/istio/examples-bookinfo-reviews-v2:1.20.2", (string?)changed["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);

        // An unchanged Deployment keeps its generation and stays rolled out.
        var stable = await GetAsync(http, "/apis/apps/v1/namespaces/bookinfo/deployments/reviews-v1");
        Assert.Equal((1L, "2/2/2/2"), ((long)stable["metadata"]!["generation"]!, Replicas(stable)));

        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal("2/2/2/2", Replicas(await GetAsync(http, DeploymentV2)));
    }

    [Fact]
    public async Task Routing_objects_are_served_at_their_api_paths_as_applied_and_unknown_ones_are_a_404_status()
    {
        using var repo = new GitOpsRepo();
        repo.Commit("reviews: 10% to v2", Weighted(10));
        await using var host = new SandboxHost(Sandboxes.Options(repo));
        await host.StartAsync();
        await host.ReconcileOnceAsync();
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(10) };

        var vs = await GetAsync(http, VirtualService);
        Assert.Equal("90/10", Weights(vs));
        var rule = await GetAsync(http, "/apis/networking.istio.io/v1beta1/namespaces/bookinfo/destinationrules/reviews");
        Assert.Equal(["v1", "v2"], rule["spec"]!["subsets"]!.AsArray().Select(s => (string)s!["name"]!));
        var service = await GetAsync(http, "/api/v1/namespaces/bookinfo/services/reviews");
        Assert.Equal("reviews", (string?)service["spec"]!["selector"]!["app"]);

        using var missing = await http.GetAsync(new Uri("/apis/apps/v1/namespaces/bookinfo/deployments/ratings-v1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var status = JsonNode.Parse(await missing.Content.ReadAsStringAsync())!;
        Assert.Equal(("Status", "NotFound", "deployments.apps \"ratings-v1\" not found"), ((string?)status["kind"], (string?)status["reason"], (string?)status["message"]));

        // Argo CD's path is still its own.
        Assert.Equal("Application", (string?)(await GetAsync(http, "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/reviews"))["kind"]);

        var deployment = await GetAsync(http, DeploymentV2);
        Assert.Equal("valid", ValidateManifests(vs, rule, service, deployment));

        // The validator is not a rubber stamp: a status of the wrong shape fails.
        deployment["status"]!["readyReplicas"] = "two";
        Assert.NotEqual("valid", ValidateManifests(deployment));
    }

    [Fact]
    public async Task Forgetting_routing_keeps_the_old_weights_in_the_api_and_the_traffic_until_the_knob_is_off()
    {
        using var repo = new GitOpsRepo();
        repo.Commit("reviews: 0% to v2", Weighted(0));
        await using var host = new SandboxHost(Sandboxes.Options(repo));
        await host.StartAsync();
        await host.ReconcileOnceAsync();
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(10) };

        using (var on = await http.PostAsync(new Uri("/sandbox/forget-routing?on=true", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        }

        var step = repo.Commit("reviews: 50% to v2", Weighted(50, "docker.io/istio/examples-bookinfo-reviews-v2:1.20.2"));
        await host.ReconcileOnceAsync();
        Assert.Equal(step, host.AppliedRevision);
        Assert.Equal("100/0", Weights(await GetAsync(http, VirtualService)));
        Assert.Equal("docker.io/istio/examples-bookinfo-reviews-v2:1.20.2", (string?)(await GetAsync(http, DeploymentV2))["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
        Assert.Equal(1, host.ForgottenRoutingChanges);
        host.SendUserRequests(200);
        Assert.Equal(0, host.Snapshot().CountsSince("bookinfo/reviews", "v2", step).Requests);

        using (var off = await http.PostAsync(new Uri("/sandbox/forget-routing?on=false", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        }

        await host.ReconcileOnceAsync();
        Assert.Equal("50/50", Weights(await GetAsync(http, VirtualService)));
        host.SendUserRequests(200);
        Assert.InRange(host.Snapshot().CountsSince("bookinfo/reviews", "v2", step).Requests, 60, 140);

        using var bad = await http.PostAsync(new Uri("/sandbox/forget-routing?on=maybe", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private static async Task<JsonObject> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>"replicas/updated/ready/available", "-" where the API leaves a zero out.</summary>
    private static string Replicas(JsonObject deployment)
    {
        var status = deployment["status"]!;
        return string.Join('/', new[] { "replicas", "updatedReplicas", "readyReplicas", "availableReplicas" }.Select(f => status[f]?.ToJsonString() ?? "-"));
    }

    private static JsonNode? Condition(JsonObject deployment, string type) =>
        deployment["status"]!["conditions"]!.AsArray().FirstOrDefault(c => (string?)c!["type"] == type);

    private static string Weights(JsonObject virtualService) =>
        string.Join('/', virtualService["spec"]!["http"]![0]!["route"]!.AsArray().Select(r => r!["weight"]!.ToJsonString()));

    /// <summary>Runs tests/js/validate-manifests.mjs: the upstream schemas of kubernetes-models and @kubernetes-models/istio.</summary>
    private static string ValidateManifests(params JsonObject[] objects)
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("objects.json");
        File.WriteAllText(path, new JsonArray([.. objects.Select(o => (JsonNode)new JsonObject { ["source"] = (string?)o["kind"], ["object"] = o.DeepClone() })]).ToJsonString());
        var psi = new ProcessStartInfo("node") { WorkingDirectory = Path.Combine(RepoPaths.Root, "tests", "js"), RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("validate-manifests.mjs");
        psi.ArgumentList.Add(path);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("node did not finish within 60s");
        }

        return p.ExitCode == 0 ? "valid" : $"exit {p.ExitCode}: {stdout.Result}{stderr.Result}";
    }
}
