using Graystep.Sandbox.Tests.Support;

namespace Graystep.Sandbox.Tests;

public sealed class IstioRoutingTests
{
    private const string App = "bookinfo/reviews";

    [Fact]
    public async Task Weighted_route_splits_user_requests_by_weight()
    {
        using var repo = new GitOpsRepo();
        var sha = repo.Commit("reviews: shift 20% to v2", Rendered.IstioApp("rendered", Rendered.IstioWeighted("reviews", "v1", 80, "v2", 20)));
        await using var host = await Sandboxes.AppliedAsync(repo);

        host.SendUserRequests(10_000);

        var v1 = host.Version(App, "v1");
        var v2 = host.Version(App, "v2");
        Assert.Equal(10_000, v1.Total.Requests + v2.Total.Requests);
        Assert.InRange(v2.Total.Requests / 10_000.0, 0.17, 0.23);
        Assert.Equal(v2.Total.Requests, v2.ByRevision[sha].Requests);
        var app = host.Snapshot().App(App)!;
        Assert.Equal("istio", app.Provider);
        Assert.Equal("v1", app.Stable);
        Assert.Equal(["v2"], app.Canaries);
        Assert.Equal(80, app.Weights["v1"]);
        Assert.Equal(20, app.Weights["v2"]);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_split_and_another_seed_a_different_one()
    {
        using var repo = new GitOpsRepo();
        repo.Commit("weights", Rendered.IstioApp("rendered", Rendered.IstioWeighted("reviews", "v1", 50, "v2", 50)));
        await using var a = await Sandboxes.AppliedAsync(repo);
        await using var b = await Sandboxes.AppliedAsync(repo);
        await using var c = await Sandboxes.AppliedAsync(repo, Sandboxes.Options(repo) with { Seed = 7 });

        a.SendUserRequests(1000);
        b.SendUserRequests(1000);
        c.SendUserRequests(1000);

        Assert.Equal(a.Version(App, "v2").Total.Requests, b.Version(App, "v2").Total.Requests);
        Assert.NotEqual(a.Version(App, "v2").Total.Requests, c.Version(App, "v2").Total.Requests);
    }

    [Fact]
    public async Task Ab_header_rule_sends_only_matching_users_to_the_canary()
    {
        using var repo = new GitOpsRepo();
        const string match = """
                    - headers:
                        x-canary:
                          exact: insider
            """;
        repo.Commit("reviews: A/B v2", Rendered.IstioApp("rendered", Rendered.IstioAb("reviews", "v1", "v2", match)));
        await using var host = await Sandboxes.AppliedAsync(repo, Sandboxes.Options(repo) with { AbShare = 0.2 });

        host.SendUserRequests(5000);

        var v1 = host.Version(App, "v1");
        var v2 = host.Version(App, "v2");
        Assert.InRange(v2.Total.Requests / 5000.0, 0.15, 0.25);
        Assert.Equal(v2.Total.Requests, v2.Total.AbMatched);
        Assert.Equal(v2.Total.Requests, v2.Total.AbUsers);
        Assert.Equal(0, v1.Total.AbUsers);
        Assert.Equal(0, v1.Total.AbMatched);
        Assert.Equal(["header x-canary = insider"], host.Snapshot().App(App)!.AbRules);
    }

    [Fact]
    public async Task Match_with_a_weight_splits_only_the_matching_users_and_keeps_the_others_on_stable()
    {
        using var repo = new GitOpsRepo();
        const string match = """
                    - headers:
                        x-canary:
                          exact: insider
            """;
        repo.Commit("reviews: 20% of insiders to v2", Rendered.IstioApp("rendered", Rendered.IstioWeightedMatch("reviews", "v1", "v2", 20, match)));
        await using var host = await Sandboxes.AppliedAsync(repo, Sandboxes.Options(repo) with { AbShare = 0.3 });

        host.SendUserRequests(10_000);

        var v1 = host.Version(App, "v1");
        var v2 = host.Version(App, "v2");
        var insiders = v1.Total.AbUsers + v2.Total.AbUsers;
        Assert.InRange(insiders / 10_000.0, 0.27, 0.33);
        // Requests without the header never reach the canary; about 20% of those with it do.
        Assert.Equal(v2.Total.Requests, v2.Total.AbUsers);
        Assert.Equal(10_000 - insiders, v1.Total.Requests - v1.Total.AbUsers);
        Assert.InRange(v2.Total.AbUsers / (double)insiders, 0.17, 0.23);
        var app = host.Snapshot().App(App)!;
        Assert.Equal("v1", app.Stable);
        Assert.Equal(["v2"], app.Canaries);
    }

    [Fact]
    public async Task Session_affinity_keeps_a_user_the_weights_sent_to_the_canary_on_it()
    {
        // Graystep's render of Flagger's sessionAffinity at 10%: the canary's answers set the cookie, the sticky route
        // sends requests carrying it to the canary.
        const string http = """
                - name: sticky-route
                  match:
                    - headers:
                        cookie:
                          regex: .*flagger-cookie.*0a1b2c3d4e.*
                  route:
                    - destination: {host: reviews, subset: v1}
                      weight: 0
                    - destination: {host: reviews, subset: v2}
                      weight: 100
                - route:
                    - destination: {host: reviews, subset: v1}
                      weight: 90
                    - destination: {host: reviews, subset: v2}
                      weight: 10
                      headers:
                        response:
                          add:
                            Set-Cookie: "flagger-cookie=0a1b2c3d4e; Max-Age=21600"

            """;
        using var sticky = new GitOpsRepo();
        sticky.Commit("reviews: 10% to v2, sticky", Rendered.IstioApp("rendered", http));
        using var plain = new GitOpsRepo();
        plain.Commit("reviews: 10% to v2", Rendered.IstioApp("rendered", Rendered.IstioWeighted("reviews", "v1", 90, "v2", 10)));
        await using var stickyHost = await Sandboxes.AppliedAsync(sticky, Sandboxes.Options(sticky) with { Users = 200 });
        await using var plainHost = await Sandboxes.AppliedAsync(plain, Sandboxes.Options(plain) with { Users = 200 });

        // 20 requests per user on average: without affinity each one is a fresh 10% draw.
        stickyHost.SendUserRequests(4000);
        plainHost.SendUserRequests(4000);

        var stickyShare = stickyHost.Version(App, "v2").Total.Requests / 4000.0;
        var plainShare = plainHost.Version(App, "v2").Total.Requests / 4000.0;
        Assert.InRange(plainShare, 0.07, 0.13);
        Assert.True(stickyShare > 0.5, $"with the cookie, {stickyShare:P0} of the requests reached the canary");
        // Every request that carried the cookie matched the sticky route and reached the canary.
        Assert.True(stickyHost.Version(App, "v2").Total.AbMatched > 1000);
        Assert.Equal(0, stickyHost.Version(App, "v1").Total.AbMatched);
        Assert.Equal(0, stickyHost.Version(App, "v2").Total.AbUsers);
    }

    [Fact]
    public async Task With_a_primary_cookie_each_user_stays_on_the_version_the_weights_first_sent_it_to()
    {
        // primaryCookieName: the primary's answers set their own cookie, so users the weights sent to the primary stay
        // there as the canary's stay on it. The canary's share is then the share of users it got first, about the weight.
        const string http = """
                - name: sticky-route
                  match:
                    - headers:
                        cookie:
                          regex: .*flagger-cookie.*0a1b2c3d4e.*
                  route:
                    - destination: {host: reviews, subset: v1}
                      weight: 0
                    - destination: {host: reviews, subset: v2}
                      weight: 100
                - name: primary-sticky-route
                  match:
                    - headers:
                        cookie:
                          regex: .*primary-cookie.*5f6e7d8c9b.*
                  route:
                    - destination: {host: reviews, subset: v1}
                      weight: 100
                    - destination: {host: reviews, subset: v2}
                      weight: 0
                - route:
                    - destination: {host: reviews, subset: v1}
                      weight: 90
                      headers:
                        response:
                          add:
                            Set-Cookie: "primary-cookie=5f6e7d8c9b; Max-Age=21600"
                    - destination: {host: reviews, subset: v2}
                      weight: 10
                      headers:
                        response:
                          add:
                            Set-Cookie: "flagger-cookie=0a1b2c3d4e; Max-Age=21600"
            """;
        using var repo = new GitOpsRepo();
        repo.Commit("reviews: 10% to v2, sticky both ways", Rendered.IstioApp("rendered", http));
        await using var host = await Sandboxes.AppliedAsync(repo, Sandboxes.Options(repo) with { Users = 200 });

        host.SendUserRequests(4000);

        // Without the primary cookie the canary's share climbs past 50% (the test above); with it, it stays near 10%.
        var share = host.Version(App, "v2").Total.Requests / 4000.0;
        Assert.InRange(share, 0.03, 0.2);
        // Almost every request matched one of the two sticky routes: users kept their first version.
        var matched = host.Version(App, "v1").Total.AbMatched + host.Version(App, "v2").Total.AbMatched;
        Assert.True(matched > 3000, $"only {matched} of 4000 requests carried a session cookie");
        Assert.Empty(host.Snapshot().App(App)!.AbRules);
    }

    [Fact]
    public async Task Ab_cookie_regex_rule_in_flaggers_shape_reaches_the_canary()
    {
        using var repo = new GitOpsRepo();
        const string match = """
                    - headers:
                        cookie:
                          regex: "^(.*?;)?(canary=always)(;.*)?$"
            """;
        repo.Commit("reviews: A/B v2 by cookie", Rendered.IstioApp("rendered", Rendered.IstioAb("reviews", "v1", "v2", match)));
        await using var host = await Sandboxes.AppliedAsync(repo, Sandboxes.Options(repo) with { AbShare = 0.3 });

        host.SendUserRequests(4000);

        var v2 = host.Version(App, "v2");
        Assert.InRange(v2.Total.Requests / 4000.0, 0.25, 0.35);
        Assert.Equal(v2.Total.Requests, v2.Total.AbMatched);
        Assert.Equal(0, host.Version(App, "v1").Total.AbUsers);
    }

    [Fact]
    public async Task Ab_share_zero_keeps_everyone_on_the_stable_version()
    {
        using var repo = new GitOpsRepo();
        const string match = """
                    - headers:
                        user-agent:
                          regex: ".*Firefox.*"
            """;
        repo.Commit("reviews: A/B v2 for Firefox", Rendered.IstioApp("rendered", Rendered.IstioAb("reviews", "v1", "v2", match)));
        await using var host = await Sandboxes.AppliedAsync(repo, Sandboxes.Options(repo) with { AbShare = 0 });

        host.SendUserRequests(2000);

        Assert.Equal(2000, host.Version(App, "v1").Total.Requests);
        Assert.Equal(0, host.Version(App, "v2").Total.Requests);
    }

    [Fact]
    public async Task Mirrored_traffic_is_counted_apart_and_never_as_user_requests()
    {
        using var repo = new GitOpsRepo();
        repo.Commit("reviews: mirror to v2", Rendered.IstioApp("rendered", Rendered.IstioMirror("reviews", "v1", "v2", 50)));
        await using var host = await Sandboxes.AppliedAsync(repo);

        host.SendUserRequests(4000);

        var v1 = host.Version(App, "v1");
        var v2 = host.Version(App, "v2");
        Assert.Equal(4000, v1.Total.Requests);
        Assert.Equal(0, v1.Total.Mirrored);
        Assert.Equal(0, v2.Total.Requests);
        Assert.InRange(v2.Total.Mirrored / 4000.0, 0.45, 0.55);

        // The canary's sidecar reports the shadow requests, which is what Flagger analyses during mirroring.
        var metrics = PrometheusTextParser.Parse(host.RenderMetrics());
        var canary = metrics.Samples.Single(s => s.Name == "istio_requests_total" && s.Labels["destination_workload"] == "reviews-v2");
        Assert.Equal(v2.Total.Mirrored, canary.Value);
        Assert.Equal("50", host.Snapshot().App(App)!.Routes.Single().Mirror!.Weight.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_subset_with_no_running_pods_answers_503_and_no_version_counts_it()
    {
        using var repo = new GitOpsRepo();
        var files = Rendered.IstioApp("rendered", Rendered.IstioWeighted("reviews", "v1", 0, "v3", 100));
        repo.Commit("reviews: route to v3 which has no Deployment", files.Where(f => !f.Path.Contains("reviews-v2", StringComparison.Ordinal)).ToArray());
        await using var host = await Sandboxes.AppliedAsync(repo);

        host.SendUserRequests(100);

        var app = host.Snapshot().App(App)!;
        Assert.Equal(100, app.Unrouted.Requests);
        Assert.Equal(100, app.Unrouted.Errors);
        Assert.Equal(0, app.Version("v1")?.Total.Requests ?? 0);
    }

    [Fact]
    public async Task Files_without_the_rendered_marker_are_not_applied()
    {
        using var repo = new GitOpsRepo();
        var files = Rendered.IstioApp("rendered", Rendered.IstioWeighted("reviews", "v1", 100, "v2", 0)).ToList();
        var (path, text) = Rendered.VirtualService("rendered", "bookinfo", "ratings", Rendered.IstioWeighted("reviews", "v1", 0, "v2", 100));
        files.Add((path, text!.Replace(Rendered.Marker, "# hand-written\n", StringComparison.Ordinal)));
        repo.Commit("a hand-written VirtualService beside the rendered ones", files.ToArray());
        await using var host = await Sandboxes.AppliedAsync(repo);

        host.SendUserRequests(500);

        Assert.Null(host.Snapshot().App("bookinfo/ratings"));
        Assert.Equal(500, host.Version(App, "v1").Total.Requests);
    }

    [Fact]
    public async Task The_users_own_routes_answer_as_written_beside_the_weighted_route()
    {
        // A user's VirtualService as Graystep edits it: a redirect and a fault drill kept as written, the weights on the last route.
        const string http = """
                - name: legacy
                  match: [{uri: {prefix: /api/v1}}]
                  redirect: {uri: /api}
                - name: drill
                  match: [{uri: {prefix: /drill}}]
                  fault: {abort: {httpStatus: 418, percentage: {value: 100}}}
                  route: [{destination: {host: reviews, subset: v1}}]
                - name: primary
                  route:
                    - destination: {host: reviews, subset: v1}
                      weight: 70
                    - destination: {host: reviews, subset: v2}
                      weight: 30
            """;
        using var repo = new GitOpsRepo();
        repo.Commit("reviews: 30% to v2, the user's routes kept", Rendered.IstioApp("rendered", http));
        await using var host = new SandboxHost(Sandboxes.Options(repo));
        await host.StartAsync();
        await host.ReconcileOnceAsync();
        using var client = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(10) };

        async Task<System.Text.Json.Nodes.JsonNode> Probe(string query) =>
            System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync(new Uri("/sandbox/route?app=bookinfo/reviews&count=2000&" + query, UriKind.Relative)))!;

        Assert.Equal(2000, (await Probe("path=/api/v1/reviews"))["statuses"]!["301"]!.GetValue<int>());
        Assert.Equal(2000, (await Probe("path=/drill"))["statuses"]!["418"]!.GetValue<int>());
        var weighted = await Probe("path=/");
        Assert.Equal(2000, weighted["statuses"]!["200"]!.GetValue<int>());
        Assert.InRange(weighted["versions"]!["v2"]!.GetValue<int>() / 2000.0, 0.26, 0.34);

        using var unknown = await client.GetAsync(new Uri("/sandbox/route?app=bookinfo/nope", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        using var tooMany = await client.GetAsync(new Uri("/sandbox/route?app=bookinfo/reviews&count=1000000", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, tooMany.StatusCode);
    }
}
