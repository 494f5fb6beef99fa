using Graystep.TestKit.Http;
using System.Diagnostics;
using System.Text.Json;
using Graystep.Core.Gates;
using Graystep.Core.Spec;
using Graystep.Gates.Tests.Support;
using Graystep.Gates.Webhooks;
using Graystep.TestKit;
using Microsoft.AspNetCore.Http;

namespace Graystep.Gates.Tests;

public sealed class WebhookCallerTests : IDisposable
{
    private static readonly WebhookCallerOptions FastRetries = new() { FirstRetryDelay = TimeSpan.FromMilliseconds(10), MaxRetryDelay = TimeSpan.FromMilliseconds(40) };

    private readonly SocketsHttpHandler _handler = new();
    private readonly FrozenClock _time = new();
    private readonly WebhookCaller _caller;

    public WebhookCallerTests() => _caller = new WebhookCaller(_handler, _time, FastRetries);

    public void Dispose()
    {
        _caller.Dispose();
        _handler.Dispose();
    }

    private static WebhookPayload Payload(IReadOnlyDictionary<string, string>? metadata = null, string? eventMessage = null, string? eventType = null) =>
        new("reviews", "bookinfo", "Progressing", "7c1d5e", metadata ?? ReviewsSpecs.Map(), eventMessage, eventType);

    private static Func<HttpContext, RecordedRequest, Task> Answer(int status, string body = "") => async (context, _) =>
    {
        context.Response.StatusCode = status;
        if (body.Length > 0)
        {
            await context.Response.WriteAsync(body);
        }
    };

    [Fact]
    public async Task Posts_flaggers_payload_as_json()
    {
        await using var receiver = await LocalServer.StartAsync(Answer(200));
        var hook = ReviewsSpecs.Hook("load-test", WebhookType.Rollout, receiver.Url("/hooks/load"),
            metadata: ReviewsSpecs.Map(("type", "cmd"), ("cmd", "hey -z 1m -q 10 -c 2 http://reviews-canary.bookinfo:9080/")));

        var result = await _caller.CallAsync(hook, Payload(), CancellationToken.None);

        Assert.True(result.Succeeded, result.Detail);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hooks/load", request.PathAndQuery);
        Assert.Equal("application/json", request.Header("content-type"));
        Assert.Equal(
            """{"name":"reviews","namespace":"bookinfo","phase":"Progressing","checksum":"7c1d5e","metadata":{"cmd":"hey -z 1m -q 10 -c 2 http://reviews-canary.bookinfo:9080/","type":"cmd"}}""",
            request.Body);
    }

    [Fact]
    public async Task Leaves_out_empty_metadata_as_flagger_does()
    {
        await using var receiver = await LocalServer.StartAsync(Answer(200));
        var hook = ReviewsSpecs.Hook("gate", WebhookType.ConfirmPromotion, receiver.Url("/gate"));

        await _caller.CallAsync(hook, Payload(), CancellationToken.None);

        Assert.Equal("""{"name":"reviews","namespace":"bookinfo","phase":"Progressing","checksum":"7c1d5e"}""", Assert.Single(receiver.Requests).Body);
    }

    [Fact]
    public async Task Event_hooks_carry_the_event_inside_metadata_and_their_keys_win()
    {
        await using var receiver = await LocalServer.StartAsync(Answer(202));
        var hook = ReviewsSpecs.Hook("slack-relay", WebhookType.Event, receiver.Url("/events"),
            metadata: ReviewsSpecs.Map(("channel", "deploys"), ("eventType", "overridden?")));

        var result = await _caller.CallAsync(hook, Payload(eventMessage: "Advance reviews.bookinfo canary weight 20", eventType: "Normal"), CancellationToken.None);

        Assert.True(result.Succeeded, result.Detail);
        var expectedTimestamp = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.Equal(1767268800000, expectedTimestamp);
        Assert.Equal(
            """{"name":"reviews","namespace":"bookinfo","phase":"Progressing","checksum":"7c1d5e","metadata":{"channel":"deploys","eventMessage":"Advance reviews.bookinfo canary weight 20","eventType":"Normal","timestamp":"1767268800000"}}""",
            Assert.Single(receiver.Requests).Body);
    }

    [Fact]
    public async Task Payload_metadata_overlays_the_hooks_own()
    {
        await using var receiver = await LocalServer.StartAsync(Answer(200));
        var hook = ReviewsSpecs.Hook("h", WebhookType.Rollout, receiver.Url("/"), metadata: ReviewsSpecs.Map(("a", "from-hook"), ("b", "from-hook")));

        await _caller.CallAsync(hook, Payload(ReviewsSpecs.Map(("b", "from-payload"))), CancellationToken.None);

        using var json = JsonDocument.Parse(Assert.Single(receiver.Requests).Body);
        var metadata = json.RootElement.GetProperty("metadata");
        Assert.Equal("from-hook", metadata.GetProperty("a").GetString());
        Assert.Equal("from-payload", metadata.GetProperty("b").GetString());
    }

    [Theory]
    [InlineData(200)]
    [InlineData(202)]
    [InlineData(204)]
    [InlineData(299)]
    public async Task Any_2xx_is_a_success(int status)
    {
        await using var receiver = await LocalServer.StartAsync(Answer(status));
        var hook = ReviewsSpecs.Hook("check", WebhookType.Rollout, receiver.Url("/"), retries: 2);

        var result = await _caller.CallAsync(hook, Payload(), CancellationToken.None);

        Assert.True(result.Succeeded, result.Detail);
        Assert.Equal(status, result.StatusCode);
        Assert.Equal("check", result.Name);
        Assert.Equal(WebhookType.Rollout, result.Type);
        Assert.Single(receiver.Requests);
    }

    [Theory]
    [InlineData(500, "Internal Server Error")]
    [InlineData(404, "Not Found")]
    public async Task An_error_status_fails_with_the_receivers_answer(int status, string reason)
    {
        await using var receiver = await LocalServer.StartAsync(Answer(status, "acceptance tests failed: 3 of 40\n"));
        var hook = ReviewsSpecs.Hook("acceptance", WebhookType.PreRollout, receiver.Url("/run"));

        var result = await _caller.CallAsync(hook, Payload(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(status, result.StatusCode);
        Assert.Equal($"HTTP {status} {reason} from {receiver.Base}/run: acceptance tests failed: 3 of 40", result.Detail);
    }

    [Fact]
    public async Task Retries_a_server_error_as_many_times_as_asked()
    {
        await using var receiver = await LocalServer.StartAsync(Answer(500, "boom"));
        var hook = ReviewsSpecs.Hook("flaky", WebhookType.Rollout, receiver.Url("/"), retries: 2);

        var result = await _caller.CallAsync(hook, Payload(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(3, receiver.Requests.Count);
        Assert.EndsWith(": boom (after 3 attempts)", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Succeeds_when_a_retry_succeeds()
    {
        var calls = 0;
        await using var receiver = await LocalServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = Interlocked.Increment(ref calls) < 3 ? 503 : 200;
            return Task.CompletedTask;
        });
        var hook = ReviewsSpecs.Hook("warming-up", WebhookType.Rollout, receiver.Url("/"), retries: 3);

        var result = await _caller.CallAsync(hook, Payload(), CancellationToken.None);

        Assert.True(result.Succeeded, result.Detail);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal("HTTP 200 OK (after 3 attempts)", result.Detail);
        Assert.Equal(3, receiver.Requests.Count);
    }

    [Fact]
    public async Task Does_not_retry_a_client_error()
    {
        await using var receiver = await LocalServer.StartAsync(Answer(404));
        var hook = ReviewsSpecs.Hook("gone", WebhookType.Rollout, receiver.Url("/"), retries: 3);

        var result = await _caller.CallAsync(hook, Payload(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_in_time_fails()
    {
        await using var receiver = await LocalServer.StartAsync(async (context, _) => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted));
        var hook = ReviewsSpecs.Hook("slow", WebhookType.Rollout, receiver.Url("/slow"), timeout: TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        var result = await _caller.CallAsync(hook, Payload(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Null(result.StatusCode);
        Assert.Equal($"no response from {receiver.Base}/slow within 300ms", result.Detail);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_receiver_that_is_down_fails_with_connection_refused_after_the_retries()
    {
        var port = FreePort.Next();
        var hook = ReviewsSpecs.Hook("down", WebhookType.Rollout, new Uri($"http://127.0.0.1:{port}/hook"), retries: 2);

        var result = await _caller.CallAsync(hook, Payload(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Null(result.StatusCode);
        Assert.Equal($"cannot reach http://127.0.0.1:{port}/hook: connection refused (after 3 attempts)", result.Detail);
    }

    [Fact]
    public async Task Never_puts_metadata_or_url_secrets_into_the_detail()
    {
        // A receiver that echoes the request, as many do in their error pages.
        await using var receiver = await LocalServer.StartAsync(async (context, request) =>
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync($"bad request {request.PathAndQuery} {context.Request.Headers.Authorization} {request.Body}");
        });
        var url = new Uri($"http://deployer:hunter2-pw@127.0.0.1:{receiver.BaseUri.Port}/run?token=q-secret-42&mode=fast");
        var hook = ReviewsSpecs.Hook("secretive", WebhookType.PreRollout, url,
            metadata: ReviewsSpecs.Map(("apiKey", "sk_live_51Habc"), ("password", "pa\"ss<word>"), ("mode", "on")));

        var result = await _caller.CallAsync(hook, Payload(), CancellationToken.None);

        Assert.False(result.Succeeded);
        foreach (var secret in new[] { "sk_live_51Habc", "pa\"ss<word>", "pa\\u0022ss\\u003Cword\\u003E", "hunter2-pw", "q-secret-42", "deployer:" })
        {
            Assert.DoesNotContain(secret, result.Detail, StringComparison.Ordinal);
        }

        Assert.Contains("***", result.Detail, StringComparison.Ordinal);
        Assert.StartsWith($"HTTP 500 Internal Server Error from {receiver.Base}/run: bad request /run?token=***&mode=*** ", result.Detail, StringComparison.Ordinal);

        // Short metadata values cannot be told from ordinary words, so they stay readable; query values are all masked.
        Assert.Contains("\"mode\":\"on\"", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_URL_user_info_is_sent_as_HTTP_Basic_auth_and_masked_when_echoed()
    {
        // Issue 13, probe 7: HttpClient drops user-info silently; the receiver must see it as Basic auth.
        await using var receiver = await LocalServer.StartAsync(async (context, request) =>
        {
            context.Response.StatusCode = 403;
            await context.Response.WriteAsync($"you sent {request.Header("Authorization")}");
        });
        var url = new Uri($"http://deploy%40ci:s3cret%3Apw@127.0.0.1:{receiver.BaseUri.Port}/gate");
        var hook = ReviewsSpecs.Hook("gate", WebhookType.ConfirmRollout, url);

        var result = await _caller.CallAsync(hook, Payload(), CancellationToken.None);

        var basic = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("deploy@ci:s3cret:pw"));
        Assert.Equal($"Basic {basic}", Assert.Single(receiver.Requests).Header("Authorization"));
        Assert.Equal("/gate", receiver.Requests[0].PathAndQuery);
        Assert.Equal($"HTTP 403 Forbidden from {receiver.Base}/gate: you sent Basic ***", result.Detail);
    }

    [Fact]
    public async Task A_URL_without_user_info_sends_no_authorization()
    {
        await using var receiver = await LocalServer.StartAsync(Answer(200));
        var hook = ReviewsSpecs.Hook("gate", WebhookType.ConfirmRollout, receiver.Url("/gate"));

        Assert.True((await _caller.CallAsync(hook, Payload(), CancellationToken.None)).Succeeded);
        Assert.Null(Assert.Single(receiver.Requests).Header("Authorization"));
    }

    [Fact]
    public async Task Long_error_bodies_are_cut_short()
    {
        await using var receiver = await LocalServer.StartAsync(Answer(500, new string('x', 5000)));
        var hook = ReviewsSpecs.Hook("verbose", WebhookType.Rollout, receiver.Url("/"));

        var result = await _caller.CallAsync(hook, Payload(), CancellationToken.None);

        Assert.EndsWith(new string('x', 300) + "…", result.Detail, StringComparison.Ordinal);
        Assert.True(result.Detail.Length < 400, result.Detail);
    }

    [Fact]
    public async Task Cancelling_the_call_cancels_it_instead_of_failing_the_hook()
    {
        await using var receiver = await LocalServer.StartAsync(async (context, _) => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted));
        var hook = ReviewsSpecs.Hook("slow", WebhookType.Rollout, receiver.Url("/"), timeout: TimeSpan.FromSeconds(20));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _caller.CallAsync(hook, Payload(), cancel.Token));
    }

    [Fact]
    public void Retry_waits_double_from_one_second_up_to_thirty_like_flagger()
    {
        using var caller = new WebhookCaller(_handler, _time);

        Assert.Equal(
            [1, 2, 4, 8, 16, 30, 30],
            Enumerable.Range(1, 7).Select(retry => caller.RetryDelay(retry).TotalSeconds).ToArray());
    }
}
