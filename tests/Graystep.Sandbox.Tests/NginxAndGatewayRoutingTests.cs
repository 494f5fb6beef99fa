using Graystep.Sandbox.Tests.Support;

namespace Graystep.Sandbox.Tests;

public sealed class NginxAndGatewayRoutingTests
{
    private const string Canary = "nginx.ingress.kubernetes.io/canary";

    private static (string, string?)[] NginxApp(IReadOnlyDictionary<string, string>? canaryAnnotations) =>
    [
        Rendered.Deployment("rendered", "test", "podinfo", "v1", "ghcr.io/stefanprodan/podinfo:6.0.0"),
        Rendered.Deployment("rendered", "test", "podinfo", "v2", "ghcr.io/stefanprodan/podinfo:6.1.0"),
        Rendered.Service("rendered", "test", "podinfo-v1", "podinfo", "v1", 9898),
        Rendered.Service("rendered", "test", "podinfo-v2", "podinfo", "v2", 9898),
        Rendered.Ingress("rendered", "test", "podinfo", "podinfo-v1", 9898),
        .. canaryAnnotations is null ? [] : new[] { Rendered.Ingress("rendered", "test", "podinfo-canary", "podinfo-v2", 9898, canaryAnnotations) },
    ];

    [Fact]
    public async Task Nginx_canary_weight_splits_and_labels_canary_requests_with_the_upstream()
    {
        using var repo = new GitOpsRepo();
        repo.Commit("podinfo: shift 30% to v2", NginxApp(new Dictionary<string, string> { [Canary] = "true", [Canary + "-weight"] = "30" }));
        await using var host = await Sandboxes.AppliedAsync(repo);

        host.SendUserRequests(5000);

        var v2 = host.Version("test/podinfo", "v2");
        Assert.InRange(v2.Total.Requests / 5000.0, 0.27, 0.33);
        var app = host.Snapshot().App("test/podinfo")!;
        Assert.Equal("nginx", app.Provider);
        Assert.Equal("podinfo", app.Ingress);
        Assert.Equal(30, app.Weights["v2"]);

        var samples = PrometheusTextParser.Parse(host.RenderMetrics()).Samples;
        var canary = samples.Single(s => s.Name == "nginx_ingress_controller_requests" && s.Labels["service"] == "podinfo-v2");
        Assert.Equal(
            new Dictionary<string, string> { ["namespace"] = "test", ["ingress"] = "podinfo", ["service"] = "podinfo-v2", ["status"] = "200", ["canary"] = "test-podinfo-v2-9898" },
            canary.Labels);
        Assert.Equal(v2.Total.Requests, canary.Value);
        var primary = samples.Single(s => s.Name == "nginx_ingress_controller_requests" && s.Labels["service"] == "podinfo-v1");
        Assert.Equal(string.Empty, primary.Labels["canary"]);
        Assert.Contains(samples, s => s.Name == "nginx_ingress_controller_request_duration_seconds_bucket" && s.Labels["canary"] == "test-podinfo-v2-9898" && s.Labels["le"] == "0.005");
        Assert.DoesNotContain(samples, s => s.Name.StartsWith("istio_", StringComparison.Ordinal));
        // The pods behind the Ingress export their own metrics too, one series per pod.
        Assert.Equal(5000, samples.Where(s => s.Name == "http_requests_total").Sum(s => s.Value));
    }

    [Fact]
    public async Task Nginx_canary_by_header_value_sends_only_matching_users_to_the_canary()
    {
        using var repo = new GitOpsRepo();
        repo.Commit("podinfo: A/B v2", NginxApp(new Dictionary<string, string>
        {
            [Canary] = "true",
            [Canary + "-by-header"] = "X-Canary",
            [Canary + "-by-header-value"] = "insider",
        }));
        await using var host = await Sandboxes.AppliedAsync(repo, Sandboxes.Options(repo) with { AbShare = 0.25 });

        host.SendUserRequests(4000);

        var v2 = host.Version("test/podinfo", "v2");
        Assert.InRange(v2.Total.Requests / 4000.0, 0.2, 0.3);
        Assert.Equal(v2.Total.Requests, v2.Total.AbMatched);
        Assert.Equal(v2.Total.Requests, v2.Total.AbUsers);
        Assert.Equal(0, host.Version("test/podinfo", "v1").Total.AbUsers);
    }

    [Fact]
    public async Task Nginx_canary_by_cookie_routes_users_with_the_cookie_set_to_always()
    {
        using var repo = new GitOpsRepo();
        repo.Commit("podinfo: A/B v2 by cookie", NginxApp(new Dictionary<string, string> { [Canary] = "true", [Canary + "-by-cookie"] = "canary" }));
        await using var host = await Sandboxes.AppliedAsync(repo, Sandboxes.Options(repo) with { AbShare = 0.2 });

        host.SendUserRequests(3000);

        var v2 = host.Version("test/podinfo", "v2");
        Assert.InRange(v2.Total.Requests / 3000.0, 0.15, 0.25);
        Assert.Equal(v2.Total.Requests, v2.Total.AbMatched);
        Assert.Equal(["cookie canary=always"], host.Snapshot().App("test/podinfo")!.AbRules);
    }

    [Fact]
    public async Task Nginx_without_a_canary_ingress_sends_everything_to_the_primary()
    {
        using var repo = new GitOpsRepo();
        repo.Commit("podinfo: initialize v1", NginxApp(null));
        await using var host = await Sandboxes.AppliedAsync(repo);

        host.SendUserRequests(300);

        Assert.Equal(300, host.Version("test/podinfo", "v1").Total.Requests);
        Assert.Empty(host.Snapshot().App("test/podinfo")!.Canaries);
    }

    private static (string, string?)[] GatewayApp(string rules) =>
    [
        Rendered.Deployment("rendered", "test", "podinfo", "v1", "ghcr.io/stefanprodan/podinfo:6.0.0"),
        Rendered.Deployment("rendered", "test", "podinfo", "v2", "ghcr.io/stefanprodan/podinfo:6.1.0"),
        Rendered.Service("rendered", "test", "podinfo-v1", "podinfo", "v1", 9898),
        Rendered.Service("rendered", "test", "podinfo-v2", "podinfo", "v2", 9898),
        Rendered.HttpRoute("rendered", "test", "podinfo", rules),
    ];

    [Fact]
    public async Task Gateway_api_session_affinity_keeps_a_user_the_weights_sent_to_the_canary_on_it()
    {
        // Graystep's render of Flagger's sessionAffinity with gateway-api at 10%: the canary backend's filter sets the
        // cookie, and the sticky rule sends requests carrying it to the canary.
        const string rules = """
                - matches:
                    - headers:
                        - name: Cookie
                          type: RegularExpression
                          value: .*flagger-cookie.*0a1b2c3d4e.*
                  backendRefs:
                    - name: podinfo-v1
                      port: 9898
                      weight: 0
                    - name: podinfo-v2
                      port: 9898
                      weight: 100
                - backendRefs:
                    - name: podinfo-v1
                      port: 9898
                      weight: 90
                    - name: podinfo-v2
                      port: 9898
                      weight: 10
                      filters:
                        - type: ResponseHeaderModifier
                          responseHeaderModifier:
                            add:
                              - name: Set-Cookie
                                value: "flagger-cookie=0a1b2c3d4e; Max-Age=21600"
            """;
        using var sticky = new GitOpsRepo();
        sticky.Commit("podinfo: 10% to v2, sticky", GatewayApp(rules));
        using var plain = new GitOpsRepo();
        plain.Commit("podinfo: 10% to v2", GatewayApp(Rendered.GatewayWeighted("podinfo", "v1", 90, "v2", 10)));
        await using var stickyHost = await Sandboxes.AppliedAsync(sticky, Sandboxes.Options(sticky) with { Users = 200 });
        await using var plainHost = await Sandboxes.AppliedAsync(plain, Sandboxes.Options(plain) with { Users = 200 });

        stickyHost.SendUserRequests(4000);
        plainHost.SendUserRequests(4000);

        var stickyShare = stickyHost.Version("test/podinfo", "v2").Total.Requests / 4000.0;
        var plainShare = plainHost.Version("test/podinfo", "v2").Total.Requests / 4000.0;
        Assert.InRange(plainShare, 0.07, 0.13);
        Assert.True(stickyShare > 0.5, $"with the cookie, {stickyShare:P0} of the requests reached the canary");
        // The sticky rule is not an A/B rule: no simulated user was given its cookie up front.
        Assert.Empty(stickyHost.Snapshot().App("test/podinfo")!.AbRules);
        Assert.Equal(0, stickyHost.Version("test/podinfo", "v2").Total.AbUsers);
    }

    [Fact]
    public async Task Gateway_api_weights_split_and_app_metrics_name_the_pods()
    {
        using var repo = new GitOpsRepo();
        repo.Commit("podinfo: shift 40% to v2", GatewayApp(Rendered.GatewayWeighted("podinfo", "v1", 60, "v2", 40)));
        await using var host = await Sandboxes.AppliedAsync(repo);

        host.SendUserRequests(5000);

        var v2 = host.Version("test/podinfo", "v2");
        Assert.InRange(v2.Total.Requests / 5000.0, 0.37, 0.43);
        Assert.Equal("gateway-api", host.Snapshot().App("test/podinfo")!.Provider);

        var samples = PrometheusTextParser.Parse(host.RenderMetrics()).Samples;
        var pods = samples.Where(s => s.Name == "http_requests_total").ToList();
        Assert.All(pods, s => Assert.Equal(["namespace", "pod", "status"], s.Labels.Keys.Order(StringComparer.Ordinal)));
        var canaryPods = pods.Where(s => System.Text.RegularExpressions.Regex.IsMatch(s.Labels["pod"], "^podinfo-v2-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)$")).ToList();
        Assert.Equal(v2.Total.Requests, canaryPods.Sum(s => s.Value));
        Assert.Equal(v2.Pods, canaryPods.Select(s => s.Labels["pod"]).Distinct().Order(StringComparer.Ordinal).ToList());
        Assert.Contains(samples, s => s.Name == "http_request_duration_seconds_bucket" && s.Labels["le"] == "+Inf");
        Assert.DoesNotContain(samples, s => s.Name.StartsWith("istio_", StringComparison.Ordinal) || s.Name.StartsWith("nginx_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gateway_api_header_match_rule_goes_first_and_only_carriers_reach_the_canary()
    {
        using var repo = new GitOpsRepo();
        const string rules = """
                - matches:
                    - headers:
                        - type: RegularExpression
                          name: x-user-type
                          value: "^(beta|insider)$"
                  backendRefs:
                    - name: podinfo-v2
                      port: 9898
                - backendRefs:
                    - name: podinfo-v1
                      port: 9898
                      weight: 100
            """;
        repo.Commit("podinfo: A/B v2", GatewayApp(rules));
        await using var host = await Sandboxes.AppliedAsync(repo, Sandboxes.Options(repo) with { AbShare = 0.2 });

        host.SendUserRequests(3000);

        var v2 = host.Version("test/podinfo", "v2");
        Assert.InRange(v2.Total.Requests / 3000.0, 0.15, 0.25);
        Assert.Equal(v2.Total.Requests, v2.Total.AbMatched);
        Assert.Equal(0, host.Version("test/podinfo", "v1").Total.AbUsers);
    }

    [Fact]
    public async Task Gateway_api_request_mirror_is_counted_as_mirrored()
    {
        using var repo = new GitOpsRepo();
        const string mirror = """
                  filters:
                    - type: RequestMirror
                      requestMirror:
                        backendRef:
                          name: podinfo-v2
                          port: 9898
            """;
        repo.Commit("podinfo: mirror to v2", GatewayApp(Rendered.GatewayWeighted("podinfo", "v1", 100, "v2", 0, mirror)));
        await using var host = await Sandboxes.AppliedAsync(repo);

        host.SendUserRequests(1000);

        Assert.Equal(1000, host.Version("test/podinfo", "v1").Total.Requests);
        var v2 = host.Version("test/podinfo", "v2");
        Assert.Equal(0, v2.Total.Requests);
        Assert.Equal(1000, v2.Total.Mirrored);
    }

    [Fact]
    public async Task Kubernetes_service_selector_picks_the_version_and_switches_on_promotion()
    {
        using var repo = new GitOpsRepo();
        (string, string?)[] Files(string selected, bool canary) =>
        [
            Rendered.Deployment("rendered", "test", "podinfo", "v1", "ghcr.io/stefanprodan/podinfo:6.0.0"),
            Rendered.Deployment("rendered", "test", "podinfo", "v2", "ghcr.io/stefanprodan/podinfo:6.1.0"),
            Rendered.Service("rendered", "test", "podinfo", "podinfo", selected, 9898),
            canary ? Rendered.Service("rendered", "test", "podinfo-canary", "podinfo", "v2", 9898) : ("rendered/service-podinfo-canary.yaml", null),
        ];
        var start = repo.Commit("podinfo: start v2 (blue/green)", Files("v1", canary: true));
        await using var host = await Sandboxes.AppliedAsync(repo);
        host.SendUserRequests(200);
        host.SendLoadTestRequests(50);

        var promote = repo.Commit("podinfo: promote v2", Files("v2", canary: false));
        await host.ReconcileOnceAsync();
        host.SendUserRequests(300);

        var snapshot = host.Snapshot();
        var app = snapshot.App("test/podinfo")!;
        Assert.Equal("kubernetes", app.Provider);
        Assert.Equal("v2", app.Stable);
        Assert.Null(snapshot.App("test/podinfo-canary"));
        Assert.Equal(200, app.Version("v1")!.ByRevision[start].Requests);
        Assert.Equal(50, app.Version("v2")!.ByRevision[start].LoadTest);
        Assert.Equal(0, app.Version("v2")!.ByRevision[start].Requests);
        Assert.Equal(300, snapshot.CountsSince("test/podinfo", "v2", promote).Requests);
        Assert.Equal(0, snapshot.CountsSince("test/podinfo", "v1", promote).Requests);
    }

    [Fact]
    public async Task Kubernetes_replica_ratio_with_flaggers_companions_splits_by_pods_and_the_companions_are_no_apps()
    {
        using var repo = new GitOpsRepo();
        repo.Commit("podinfo: 25% of the pods to v2", [
            Rendered.Deployment("rendered", "test", "podinfo", "v1", "ghcr.io/stefanprodan/podinfo:6.0.0", replicas: 3),
            Rendered.Deployment("rendered", "test", "podinfo", "v2", "ghcr.io/stefanprodan/podinfo:6.1.0", replicas: 1),
            Rendered.Service("rendered", "test", "podinfo", "podinfo", null, 9898),
            Rendered.Service("rendered", "test", "podinfo-canary", "podinfo", "v2", 9898),
            Rendered.Service("rendered", "test", "podinfo-primary", "podinfo", "v1", 9898),
        ]);
        await using var host = await Sandboxes.AppliedAsync(repo);

        host.SendUserRequests(4000);

        var snapshot = host.Snapshot();
        Assert.Equal(["test/podinfo"], snapshot.Apps.Select(a => $"{a.Namespace}/{a.Name}"));
        Assert.InRange(host.Version("test/podinfo", "v2").Total.Requests / 4000.0, 0.2, 0.3);
    }
}
