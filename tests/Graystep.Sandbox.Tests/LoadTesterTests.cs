using System.Net;
using System.Text;
using Graystep.Sandbox.Tests.Support;
using Graystep.Sandbox.Traffic;

namespace Graystep.Sandbox.Tests;

/// <summary>
/// The sandbox answers Flagger's load tester API: a load-test webhook's <c>hey</c> or <c>curl</c> aimed at
/// <c>&lt;svc&gt;-canary.&lt;ns&gt;</c> reaches the canary's pods through that Service, as in a cluster.
/// </summary>
public sealed class LoadTesterTests
{
    private const string App = "bookinfo/reviews";

    /// <summary>Bookinfo at 10% with the Services Graystep renders as Flagger names them.</summary>
    private static (string, string?)[] WithFlaggerServices() =>
    [
        .. Rendered.IstioApp("rendered", Rendered.IstioWeighted("reviews", "v1", 90, "v2", 10)),
        Rendered.Service("rendered", "bookinfo", "reviews-primary", "reviews", version: "v1"),
        Rendered.Service("rendered", "bookinfo", "reviews-canary", "reviews", version: "v2"),
    ];

    [Fact]
    public async Task A_load_test_aimed_at_the_canary_service_reaches_only_the_canary()
    {
        await using var sandbox = await ListeningSandbox.StartAsync(WithFlaggerServices());
        var (host, http) = (sandbox.Host, sandbox.Http);

        var (status, text) = await PostAsync(http, "hey -n 300 -c 2 http://reviews-canary.bookinfo:9080/");

        Assert.Equal((HttpStatusCode.OK, "command finished\n"), (status, text));
        Assert.Equal(300, host.Version(App, "v2").Total.LoadTest);
        Assert.Equal(0, host.Version(App, "v1").Total.LoadTest);
        Assert.Equal(0, host.Version(App, "v2").Total.Requests);
        // The companions are Services for load tests, not apps with users of their own.
        Assert.Equal([App], host.Snapshot().Apps.Select(a => $"{a.Namespace}/{a.Name}"));
    }

    [Fact]
    public async Task A_short_host_name_is_in_the_payloads_namespace_and_curl_sends_one_request()
    {
        await using var sandbox = await ListeningSandbox.StartAsync(WithFlaggerServices());
        var (host, http) = (sandbox.Host, sandbox.Http);

        var (status, _) = await PostAsync(http, "curl -sd 'test' http://reviews-primary:9080/token | grep token");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, host.Version(App, "v1").Total.LoadTest);
        Assert.Equal(0, host.Version(App, "v2").Total.LoadTest);
    }

    [Fact]
    public async Task A_timed_load_test_runs_in_the_background_at_its_rate()
    {
        await using var sandbox = await ListeningSandbox.StartAsync(WithFlaggerServices());
        var (host, http) = (sandbox.Host, sandbox.Http);

        var (status, text) = await PostAsync(http, "hey -z 1m -q 10 -c 2 http://reviews-canary.bookinfo:9080/");

        Assert.Equal((HttpStatusCode.OK, "command started\n"), (status, text));
        await Poll.UntilAsync(() => Task.FromResult(host.Version(App, "v2").Total.LoadTest >= 20), TimeSpan.FromSeconds(10), "the load test sent no requests");
        Assert.Equal(0, host.Version(App, "v1").Total.LoadTest);
    }

    [Theory]
    [InlineData("ab -n 10 http://reviews-canary.bookinfo:9080/", "the sandbox's load tester runs hey and curl commands, got 'ab'")]
    [InlineData("hey -n 10", "the command names no http:// URL to send requests to")]
    [InlineData("hey -n 10 http://ratings-canary.bookinfo:9080/", "no Service ratings-canary in namespace bookinfo is applied")]
    public async Task A_command_it_cannot_run_is_answered_with_the_reason(string cmd, string reason)
    {
        await using var sandbox = await ListeningSandbox.StartAsync(WithFlaggerServices());
        var (host, http) = (sandbox.Host, sandbox.Http);

        var (status, text) = await PostAsync(http, cmd);

        Assert.Equal((HttpStatusCode.BadRequest, reason + "\n"), (status, text));
    }

    [Theory]
    [InlineData("hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/", "podinfo-canary", "test", 20, 60, 0)]
    [InlineData("hey -z 30s http://podinfo-canary:9898/", "podinfo-canary", "ns", 50, 30, 0)]
    [InlineData("hey -n 1000 -c 5 http://podinfo-canary.test.svc.cluster.local:9898/", "podinfo-canary", "test", 0, 0, 1000)]
    [InlineData("hey http://podinfo-canary.test/", "podinfo-canary", "test", 0, 0, 200)]
    [InlineData("hey -n 99999999 http://podinfo-canary.test/", "podinfo-canary", "test", 0, 0, LoadTestCommand.MaxRequests)]
    [InlineData("hey -z 5h -q 10 -c 2 http://podinfo-canary.test/", "podinfo-canary", "test", 20, 600, 0)]
    public void Hey_and_curl_are_read_as_flaggers_load_tester_runs_them(string cmd, string host, string ns, double rate, double seconds, int requests)
    {
        var command = LoadTestCommand.Parse(cmd, "ns", out var error);

        Assert.Null(error);
        Assert.Equal((host, ns, rate, TimeSpan.FromSeconds(seconds), requests), (command.Host, command.Namespace, command.RatePerSecond, command.Duration, command.Requests));
    }

    /// <summary>A listening sandbox that applied one commit, and a client for its HTTP API.</summary>
    private sealed class ListeningSandbox : IAsyncDisposable
    {
        private readonly GitOpsRepo _repo;

        private ListeningSandbox(GitOpsRepo repo, SandboxHost host)
        {
            _repo = repo;
            Host = host;
            Http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(10) };
        }

        public SandboxHost Host { get; }

        public HttpClient Http { get; }

        public static async Task<ListeningSandbox> StartAsync((string, string?)[] files)
        {
            var repo = new GitOpsRepo();
            repo.Commit("reviews: 10% to v2", files);
            var host = new SandboxHost(Sandboxes.Options(repo));
            await host.StartAsync();
            await host.ReconcileOnceAsync();
            return new ListeningSandbox(repo, host);
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await Host.DisposeAsync();
            _repo.Dispose();
        }
    }

    private static async Task<(HttpStatusCode Status, string Text)> PostAsync(HttpClient http, string cmd)
    {
        var payload = System.Text.Json.JsonSerializer.Serialize(new
        {
            name = "reviews",
            @namespace = "bookinfo",
            phase = "Progressing",
            metadata = new Dictionary<string, string> { ["type"] = "cmd", ["cmd"] = cmd },
        });
        using var content = new StringContent(payload, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("/loadtester/", UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
