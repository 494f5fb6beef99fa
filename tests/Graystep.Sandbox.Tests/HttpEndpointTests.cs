using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Graystep.Sandbox.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Sandbox.Tests;

public sealed class HttpEndpointTests
{
    private static (string, string?)[] Weighted() =>
        Rendered.IstioApp("rendered", Rendered.IstioWeighted("reviews", "v1", 90, "v2", 10));

    [Fact]
    public async Task Metrics_endpoint_serves_prometheus_text_with_the_pinned_istio_labels()
    {
        using var repo = new GitOpsRepo();
        repo.Commit("reviews: 10% to v2", Weighted());
        await using var host = new SandboxHost(Sandboxes.Options(repo));
        await host.StartAsync();
        await host.ReconcileOnceAsync();
        host.SendUserRequests(500);
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(10) };

        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(response.Content.Headers.ContentType.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        var metrics = PrometheusTextParser.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(
            ["http_request_duration_seconds:histogram", "http_requests_total:counter", "istio_request_duration_milliseconds:histogram", "istio_requests_total:counter"],
            metrics.Families.Select(f => $"{f.Name}:{f.Type}").Order(StringComparer.Ordinal));
        var requests = metrics.Samples.Where(s => s.Name == "istio_requests_total").ToList();
        Assert.All(requests, s => Assert.Equal(
            ["destination_service_name", "destination_workload", "destination_workload_namespace", "reporter", "response_code", "source_workload"],
            s.Labels.Keys.Order(StringComparer.Ordinal)));
        var canary = requests.Single(s => s.Labels["destination_workload"] == "reviews-v2");
        Assert.Equal("destination", canary.Labels["reporter"]);
        Assert.Equal("bookinfo", canary.Labels["destination_workload_namespace"]);
        Assert.Equal("reviews", canary.Labels["destination_service_name"]);
        Assert.Equal("loadgen", canary.Labels["source_workload"]);
        Assert.Equal(500, requests.Sum(s => s.Value));
        var buckets = metrics.Samples.Where(s => s.Name == "istio_request_duration_milliseconds_bucket" && s.Labels["destination_workload"] == "reviews-v1")
            .Select(s => s.Labels["le"]).ToList();
        Assert.Equal(["0.5", "1", "5", "10", "25", "50", "100", "250", "500", "1000", "2500", "5000", "10000"], buckets.Take(13));
        Assert.Equal("+Inf", buckets[^1]);
    }

    [Fact]
    public async Task Argo_cd_application_validates_against_the_upstream_model()
    {
        using var repo = new GitOpsRepo();
        var sha = repo.Commit("reviews: 10% to v2", Weighted());
        await using var host = new SandboxHost(Sandboxes.Options(repo));
        await host.StartAsync();
        await host.ReconcileOnceAsync();
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(10) };

        var json = await http.GetStringAsync(new Uri("/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/reviews", UriKind.Relative));

        var app = JsonNode.Parse(json)!;
        Assert.Equal("reviews", (string?)app["metadata"]!["name"]);
        Assert.Equal("argocd", (string?)app["metadata"]!["namespace"]);
        Assert.Equal(sha, (string?)app["status"]!["sync"]!["revision"]);
        Assert.Equal("Synced", (string?)app["status"]!["sync"]!["status"]);
        Assert.Equal("Healthy", (string?)app["status"]!["health"]!["status"]);
        Assert.Equal("Succeeded", (string?)app["status"]!["operationState"]!["phase"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string?)app["status"]!["operationState"]!["finishedAt"]);
        Assert.Equal("valid", Node.Validate("argocd-application", json));

        // The validator is not a rubber stamp: a wrong shape fails.
        app["status"]!["sync"]!["status"] = 42;
        Assert.NotEqual("valid", Node.Validate("argocd-application", app.ToJsonString()));
    }

    [Fact]
    public async Task Argo_cd_application_is_out_of_sync_and_progressing_while_a_commit_waits()
    {
        using var repo = new GitOpsRepo();
        var first = repo.Commit("reviews: 10% to v2", Weighted());
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var host = new SandboxHost(Sandboxes.Options(repo) with { SyncDelay = TimeSpan.FromSeconds(30) }, clock);
        await host.StartAsync();
        await host.ReconcileOnceAsync();
        clock.Advance(TimeSpan.FromSeconds(30));
        await host.ReconcileOnceAsync();
        repo.Commit("reviews: 20% to v2", Rendered.IstioApp("rendered", Rendered.IstioWeighted("reviews", "v1", 80, "v2", 20)));
        await host.ReconcileOnceAsync();
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(10) };

        var json = await http.GetStringAsync(new Uri("/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/reviews", UriKind.Relative));

        var app = JsonNode.Parse(json)!;
        Assert.Equal(first, (string?)app["status"]!["sync"]!["revision"]);
        Assert.Equal("OutOfSync", (string?)app["status"]!["sync"]!["status"]);
        Assert.Equal("Progressing", (string?)app["status"]!["health"]!["status"]);
        Assert.Equal("valid", Node.Validate("argocd-application", json));
    }

    [Fact]
    public async Task Flux_kustomization_validates_and_reports_the_applied_revision()
    {
        using var repo = new GitOpsRepo();
        var sha = repo.Commit("reviews: 10% to v2", Weighted());
        await using var host = new SandboxHost(Sandboxes.Options(repo));
        await host.StartAsync();
        await host.ReconcileOnceAsync();
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(10) };

        var json = await http.GetStringAsync(new Uri("/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps", UriKind.Relative));

        var k = JsonNode.Parse(json)!;
        Assert.Equal($"main@sha1:{sha}", (string?)k["status"]!["lastAppliedRevision"]);
        Assert.Equal("True", (string?)k["status"]!["conditions"]![0]!["status"]);
        Assert.Equal("valid", Node.Validate("flux-kustomization", json));
    }

    [Fact]
    public async Task Ready_reports_503_with_the_cause_when_the_repository_cannot_be_read()
    {
        using var dir = new TempDirectory();
        await using var host = new SandboxHost(new SandboxOptions { Repo = dir.Combine("missing.git"), Rps = 0, Poll = TimeSpan.FromMilliseconds(100) });
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(10) };

        await Poll.UntilAsync(async () => host.Snapshot().LastError is not null, TimeSpan.FromSeconds(15), "the first failed read");
        using var ready = await http.GetAsync(new Uri("/-/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("missing.git", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var unknown = await http.GetAsync(new Uri("/apis/nothing", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Status", (string?)JsonNode.Parse(await unknown.Content.ReadAsStringAsync())!["kind"]);
    }

    [Fact]
    public async Task Ready_is_200_once_the_branch_was_read_even_before_anything_is_applied()
    {
        using var repo = new GitOpsRepo();
        await using var host = new SandboxHost(Sandboxes.Options(repo) with { Poll = TimeSpan.FromMilliseconds(100) });
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(10) };

        await Poll.UntilAsync(async () => (await http.GetAsync(new Uri("/-/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(15), "ready");
        Assert.Equal("Unknown", host.Snapshot().SyncStatus);
        Assert.Equal(string.Empty, host.RenderMetrics());
    }

    /// <summary>Runs tests/js/validate-gitops-status.mjs with the upstream kubernetes-models packages.</summary>
    private static class Node
    {
        public static string Validate(string kind, string json)
        {
            var js = Path.Combine(RepoPaths.Root, "tests", "js");
            using var file = new TempDirectory();
            var path = file.Combine("object.json");
            File.WriteAllText(path, json);
            var psi = new ProcessStartInfo("node") { WorkingDirectory = js, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("validate-gitops-status.mjs");
            psi.ArgumentList.Add(kind);
            psi.ArgumentList.Add(path);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(60_000))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException("node did not finish within 60s");
            }

            return p.ExitCode == 0 ? stdout.Result.Trim() : $"exit {p.ExitCode}: {stderr.Result}";
        }
    }
}
