using Graystep.Metrics.Prometheus;
using System.Net;
using System.Text;
using Graystep.TestKit;
using static Graystep.Metrics.Tests.FakePrometheusHandler;

namespace Graystep.Metrics.Tests;

public sealed class PrometheusClientTests
{
    private static readonly Uri Address = new("http://prometheus.monitoring:9090");

    private readonly FakeTimeProvider _time = new(TestClock.Start);
    private readonly List<TimeSpan> _delays = [];

    private static RetryPolicy FastRetry => new()
    {
        MaxAttempts = 4,
        InitialDelay = TimeSpan.FromMilliseconds(100),
        Multiplier = 2,
        MaxDelay = TimeSpan.FromSeconds(1),
        MaxTotal = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public async Task Posts_the_query_as_a_form_to_the_instant_query_API_and_returns_the_one_sample()
    {
        var handler = new FakePrometheusHandler((_, _) => Vector("99.5"));
        using var client = Client(handler);

        var result = await client.QueryAsync("sum(rate(x[1m]))");

        Assert.Equal(99.5, result.Value);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://prometheus.monitoring:9090/api/v1/query", request.Uri.ToString());
        Assert.Equal("sum(rate(x[1m]))", request.Form("query"));
        Assert.Equal("10s", request.Form("timeout"));
    }

    [Fact]
    public async Task Can_use_GET_and_keeps_a_path_prefix_of_the_address()
    {
        var handler = new FakePrometheusHandler((_, _) => Vector("1"));
        using var client = Client(handler, new PrometheusClientOptions { UseGet = true }, new Uri("https://proxy.example/prometheus"));

        await client.QueryAsync("up == 1");

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("/prometheus/api/v1/query", request.Uri.AbsolutePath);
        Assert.Equal("up == 1", request.Form("query"));
    }

    [Fact]
    public async Task A_scalar_result_is_a_value()
    {
        using var client = Client(new FakePrometheusHandler((_, _) => Scalar("0.25")));

        Assert.Equal(0.25, (await client.QueryAsync("scalar(x)")).Value);
    }

    [Theory]
    [InlineData("+Inf", double.PositiveInfinity)]
    [InlineData("-Inf", double.NegativeInfinity)]
    [InlineData("1e3", 1000d)]
    public async Task Special_values_are_parsed(string text, double expected)
    {
        using var client = Client(new FakePrometheusHandler((_, _) => Vector(text)));

        Assert.Equal(expected, (await client.QueryAsync("x")).Value);
    }

    [Fact]
    public async Task An_empty_result_is_no_data()
    {
        using var client = Client(new FakePrometheusHandler((_, _) => Vector()));

        var result = await client.QueryAsync("x");

        Assert.False(result.HasValue);
        Assert.Equal("the query returned no series", result.NoDataReason);
    }

    [Fact]
    public async Task NaN_is_no_data()
    {
        using var client = Client(new FakePrometheusHandler((_, _) => Vector("NaN")));

        var result = await client.QueryAsync("x");

        Assert.Null(result.Value);
        Assert.Equal("the query returned NaN (no requests in the window?)", result.NoDataReason);
    }

    [Fact]
    public async Task Several_series_are_an_error_naming_the_query()
    {
        using var client = Client(new FakePrometheusHandler((_, _) => Vector("1", "2", "3")));

        var error = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("rate(http_requests_total[1m])"));

        Assert.Equal("query returned 3 series; a metric query must return one: aggregate with sum(): rate(http_requests_total[1m])", error.Message);
    }

    [Fact]
    public async Task A_range_vector_is_an_error()
    {
        var matrix = Json("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}");
        using var client = Client(new FakePrometheusHandler((_, _) => matrix));

        var error = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("x[1m]"));

        Assert.StartsWith("query returned a matrix; a metric query must return one instant value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_query_is_reported_at_once_with_Prometheus_message_and_not_retried()
    {
        var handler = new FakePrometheusHandler((_, _) => Error(HttpStatusCode.BadRequest, "bad_data", "invalid parameter \\\"query\\\": 1:5: parse error: unexpected end of input"));
        using var client = Client(handler, new PrometheusClientOptions { Retry = FastRetry });

        var error = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("sum("));

        Assert.Equal(
            "Prometheus at http://prometheus.monitoring:9090/ rejected the query (400 bad_data: invalid parameter \"query\": 1:5: parse error: unexpected end of input)",
            error.Message);
        Assert.Equal(400, error.StatusCode);
        Assert.Single(handler.Requests);
        Assert.Empty(_delays);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_exponential_backoff_until_one_succeeds()
    {
        var handler = new FakePrometheusHandler((_, i) => i < 3 ? Error(HttpStatusCode.ServiceUnavailable, "unavailable", "not ready") : Vector("42"));
        using var client = Client(handler, new PrometheusClientOptions { Retry = FastRetry });

        var result = await client.QueryAsync("x");

        Assert.Equal(42, result.Value);
        Assert.Equal(4, handler.Requests.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400)], _delays);
    }

    [Fact]
    public async Task Retries_stop_after_the_attempt_limit_with_the_last_cause()
    {
        var handler = new FakePrometheusHandler((_, _) => Error(HttpStatusCode.InternalServerError, "internal", "boom"));
        using var client = Client(handler, new PrometheusClientOptions { Retry = FastRetry with { MaxAttempts = 3 } });

        var error = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("x"));

        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal(3, error.Attempts);
        Assert.Equal(500, error.StatusCode);
        Assert.Equal("Prometheus at http://prometheus.monitoring:9090/ answered 500 internal: boom (3 attempts in 300ms)", error.Message);
    }

    [Fact]
    public async Task Retries_stop_when_the_total_time_budget_would_be_exceeded()
    {
        var handler = new FakePrometheusHandler((_, _) => Error(HttpStatusCode.BadGateway, "x", "y"));
        var policy = FastRetry with { MaxAttempts = 100, InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(4), MaxTotal = TimeSpan.FromSeconds(10) };
        using var client = Client(handler, new PrometheusClientOptions { Retry = policy });

        await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("x"));

        // 1 + 2 + 4 = 7s waited; another 4s would pass the 10s budget.
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], _delays);
        Assert.Equal(4, handler.Requests.Count);
    }

    [Fact]
    public async Task Jitter_keeps_each_delay_at_or_below_its_exponential_value()
    {
        var handler = new FakePrometheusHandler((_, _) => Error(HttpStatusCode.ServiceUnavailable, "x", "y"));
        using var client = Client(handler, new PrometheusClientOptions { Retry = FastRetry with { Jitter = true } });

        await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("x"));

        Assert.Equal(3, _delays.Count);
        Assert.All(_delays.Zip([100, 200, 400]), p => Assert.InRange(p.First.TotalMilliseconds, 0, p.Second));
    }

    [Fact]
    public async Task Connection_errors_are_retried_then_reported()
    {
        var handler = new FakePrometheusHandler((_, _) => throw new HttpRequestException("Connection refused (prometheus.monitoring:9090)"));
        using var client = Client(handler, new PrometheusClientOptions { Retry = FastRetry with { MaxAttempts = 2 } });

        var error = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("x"));

        Assert.Equal(2, handler.Requests.Count);
        Assert.Null(error.StatusCode);
        Assert.Equal(
            "Prometheus at http://prometheus.monitoring:9090/ could not connect: Connection refused (prometheus.monitoring:9090) (2 attempts in 100ms)",
            error.Message);
    }

    [Fact]
    public async Task A_query_that_takes_longer_than_the_timeout_is_abandoned_and_retried()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var handler = FakePrometheusHandler.Async(async (_, i) =>
        {
            if (i == 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), cts.Token);
            }

            return Vector("7");
        });
        using var client = Client(handler, new PrometheusClientOptions { QueryTimeout = TimeSpan.FromMilliseconds(50), Retry = FastRetry });

        var result = await client.QueryAsync("x", cts.Token);

        Assert.Equal(7, result.Value);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal("50ms", handler.Requests[0].Form("timeout"));
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_a_timeout_and_is_not_retried()
    {
        using var cts = new CancellationTokenSource();
        var handler = new FakePrometheusHandler((_, _) =>
        {
            cts.Cancel();
            throw new OperationCanceledException(cts.Token);
        });
        using var client = Client(handler, new PrometheusClientOptions { Retry = FastRetry });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.QueryAsync("x", cts.Token));
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Sends_a_bearer_token_and_custom_headers()
    {
        var handler = new FakePrometheusHandler((_, _) => Vector("1"));
        var options = new PrometheusClientOptions
        {
            BearerToken = "tok-123",
            Headers = new Dictionary<string, string> { ["X-Scope-OrgID"] = "team-a" },
        };
        using var client = Client(handler, options);

        await client.QueryAsync("x");

        var request = Assert.Single(handler.Requests);
        Assert.Equal("Bearer tok-123", request.Headers["Authorization"]);
        Assert.Equal("team-a", request.Headers["X-Scope-OrgID"]);
    }

    [Fact]
    public async Task Sends_basic_credentials_from_the_options_or_from_the_address()
    {
        var handler = new FakePrometheusHandler((_, _) => Vector("1"));
        using (var client = Client(handler, new PrometheusClientOptions { Username = "flagger", Password = "s3cret" }))
        {
            await client.QueryAsync("x");
        }

        using (var client = Client(handler, null, new Uri("http://alice:p%40ss@prometheus:9090")))
        {
            await client.QueryAsync("x");
            Assert.Equal("http://prometheus:9090/", client.Address.ToString());
        }

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("flagger:s3cret")), handler.Requests[0].Headers["Authorization"]);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:p@ss")), handler.Requests[1].Headers["Authorization"]);
        Assert.Equal("http://prometheus:9090/api/v1/query", handler.Requests[1].Uri.ToString());
    }

    [Fact]
    public async Task Secrets_never_appear_in_errors_or_in_the_options_text()
    {
        // A proxy that echoes the request headers back in its error page.
        var handler = new FakePrometheusHandler((r, _) => new HttpResponseMessage(HttpStatusCode.Unauthorized)
        {
            Content = new StringContent("denied: " + string.Join(" ", r.Headers.Values)),
        });
        var options = new PrometheusClientOptions
        {
            BearerToken = "tok-very-secret",
            Password = "pw-very-secret",
            Username = "bob",
            Headers = new Dictionary<string, string> { ["X-Api-Key"] = "key-very-secret" },
        };
        using var client = Client(handler, options);

        var error = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("x"));

        Assert.Equal(
            "Prometheus at http://prometheus.monitoring:9090/ rejected the query (401 Unauthorized: denied: application/json Bearer *** ***); check the Prometheus credentials (bearer token, username and password)",
            error.Message);
        var text = options.ToString();
        Assert.DoesNotContain("very-secret", text, StringComparison.Ordinal);
        Assert.Contains("BearerToken = ***", text, StringComparison.Ordinal);
        Assert.Contains("Headers = [X-Api-Key]", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_in_the_address_never_appear_in_errors()
    {
        var handler = new FakePrometheusHandler((_, _) => throw new HttpRequestException("Connection refused"));
        using var client = Client(handler, new PrometheusClientOptions { Retry = RetryPolicy.None }, new Uri("http://alice:hunter2@prometheus:9090/?token=abc"));

        var error = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("x"));

        Assert.Equal("Prometheus at http://prometheus:9090/ could not connect: Connection refused (1 attempt in 0ms)", error.Message);
    }

    [Fact]
    public async Task A_body_that_is_not_Prometheus_JSON_is_an_error_not_a_crash()
    {
        using var client = Client(new FakePrometheusHandler((_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>login</html>") }));

        var error = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("x"));

        Assert.Equal("Prometheus at http://prometheus.monitoring:9090/ answered 200 with a body that is not JSON: <html>login</html>", error.Message);
    }

    private PrometheusClient Client(FakePrometheusHandler handler, PrometheusClientOptions? options = null, Uri? address = null) =>
        new(address ?? Address, handler, options ?? new PrometheusClientOptions { Retry = FastRetry }, _time, (delay, _) =>
        {
            _delays.Add(delay);
            _time.Advance(delay);
            return Task.CompletedTask;
        });
}
