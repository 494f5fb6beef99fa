using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Graystep.Core.Secrets;

namespace Graystep.Metrics.Prometheus;

/// <summary>
/// A small typed client for Prometheus' instant query API (<c>/api/v1/query</c>). It retries 5xx answers,
/// timeouts and connection errors with exponential backoff (bounded in attempts and total time), reports a
/// 4xx answer at once with Prometheus' own error message, and turns the answer into one value or no data.
/// </summary>
public sealed class PrometheusClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _queryUri;
    private readonly Uri _rangeUri;
    private readonly PrometheusClientOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly SecretSet _secrets = new();

    /// <param name="address">Prometheus' base address, e.g. <c>http://prometheus:9090</c> or a path prefix behind a proxy.</param>
    /// <param name="handler">The HTTP stack; the client does not dispose it.</param>
    /// <param name="delay">Waits between retries; tests pass one that returns at once.</param>
    public PrometheusClient(
        Uri address,
        HttpMessageHandler handler,
        PrometheusClientOptions? options = null,
        TimeProvider? time = null,
        Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(handler);
        if (!IsValidAddress(address))
        {
            throw new ArgumentException("a Prometheus address must be an absolute http or https URL", nameof(address));
        }

        _options = options ?? new PrometheusClientOptions();
        _time = time ?? TimeProvider.System;
        _delay = delay ?? ((span, token) => Task.Delay(span, _time, token));
        _http = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };

        // Credentials in the URL (http://user:pass@host) become a Basic header; the URL we send and show has none.
        var builder = new UriBuilder(address) { UserName = string.Empty, Password = string.Empty, Query = string.Empty, Fragment = string.Empty };
        Address = builder.Uri;
        var basePath = builder.Path.EndsWith('/') ? builder.Path : builder.Path + "/";
        builder.Path = basePath + "api/v1/query";
        _queryUri = builder.Uri;
        builder.Path = basePath + "api/v1/query_range";
        _rangeUri = builder.Uri;

        var (user, password) = (_options.Username, _options.Password);
        if (user is null && !string.IsNullOrEmpty(address.UserInfo))
        {
            var parts = address.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty;
            _secrets.Add(address.UserInfo);
        }

        if (!string.IsNullOrEmpty(_options.BearerToken))
        {
            _authorization = new AuthenticationHeaderValue("Bearer", _options.BearerToken);
            _secrets.Add(_options.BearerToken);
        }
        else if (!string.IsNullOrEmpty(user))
        {
            var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));
            _authorization = new AuthenticationHeaderValue("Basic", encoded);
            _secrets.Add(encoded);
            _secrets.Add(user);
            if (!string.IsNullOrEmpty(password))
            {
                _secrets.Add(password);
            }
        }

        foreach (var value in _options.Headers.Values)
        {
            _secrets.Add(value);
        }
    }

    /// <summary>The base address as shown to people: no credentials, no query string.</summary>
    public Uri Address { get; }

    public static bool IsValidAddress(Uri address) =>
        address is { IsAbsoluteUri: true } && (address.Scheme == Uri.UriSchemeHttp || address.Scheme == Uri.UriSchemeHttps);

    /// <summary>
    /// Runs an instant query. Returns the value of the one sample (or scalar), or no data for an empty result or
    /// NaN. Throws <see cref="PrometheusException"/> when the query cannot give a value; honours
    /// <paramref name="cancellationToken"/> by throwing <see cref="OperationCanceledException"/>.
    /// </summary>
    public Task<PrometheusQueryResult> QueryAsync(string query, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        return SendAsync(_queryUri, [new("query", query)], query, (body, status) => Parse(body, query, status), cancellationToken);
    }

    /// <summary>
    /// Runs a range query (<c>/api/v1/query_range</c>) from <paramref name="start"/> to <paramref name="end"/> every
    /// <paramref name="step"/>, with the same retries and errors as <see cref="QueryAsync"/>. Returns the samples of
    /// the one series (empty when there is none; NaN samples are left out); more than one series is an error.
    /// </summary>
    public Task<IReadOnlyList<(DateTimeOffset Time, double Value)>> QueryRangeAsync(
        string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        if (end <= start || step <= TimeSpan.Zero)
        {
            throw new ArgumentException("a range query needs start < end and a positive step", nameof(step));
        }

        static string Unix(DateTimeOffset t) => (t.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
        var seconds = Math.Max(1, step.TotalSeconds).ToString("0.###", CultureInfo.InvariantCulture);
        return SendAsync(
            _rangeUri,
            [new("query", query), new("start", Unix(start)), new("end", Unix(end)), new("step", seconds)],
            query,
            (body, status) => ParseRange(body, query, status),
            cancellationToken);
    }

    private async Task<T> SendAsync<T>(
        Uri endpoint, IReadOnlyList<KeyValuePair<string, string>> parameters, string query, Func<string, int, T> parse, CancellationToken cancellationToken)
    {
        var policy = _options.Retry;
        var maxAttempts = Math.Max(1, policy.MaxAttempts);
        var started = _time.GetUtcNow();
        string lastError = "no attempt was made";
        int? lastStatus = null;
        var attempt = 0;
        while (true)
        {
            attempt++;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(_options.QueryTimeout);
                try
                {
                    using var request = CreateRequest(endpoint, parameters);
                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
                    var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
                    var status = (int)response.StatusCode;
                    lastStatus = status;
                    if (status < 400)
                    {
                        return parse(body, status);
                    }

                    var reason = DescribeError(body, status, response.ReasonPhrase);
                    if (status < 500)
                    {
                        // A 4xx will not change on retry: a bad query, a missing permission, a wrong path.
                        throw new PrometheusException(Redact($"Prometheus at {Address} rejected the query ({reason})" + HintFor(status)), status, attempt);
                    }

                    lastError = $"answered {reason}";
                }
                catch (HttpRequestException ex)
                {
                    lastStatus = null;
                    lastError = "could not connect: " + ex.Message;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    lastStatus = null;
                    lastError = "timed out after " + FormatSpan(_options.QueryTimeout);
                }
            }

            if (attempt >= maxAttempts)
            {
                break;
            }

            var delay = policy.DelayBefore(attempt);
            if (policy.Jitter)
            {
#pragma warning disable CA5394 // Jitter spreads retries; it needs no cryptographic randomness.
                delay = TimeSpan.FromMilliseconds(delay.TotalMilliseconds * Random.Shared.NextDouble());
#pragma warning restore CA5394
            }

            if (_time.GetUtcNow() - started + delay > policy.MaxTotal)
            {
                break;
            }

            await _delay(delay, cancellationToken).ConfigureAwait(false);
        }

        var elapsed = _time.GetUtcNow() - started;
        var attempts = attempt == 1 ? "1 attempt" : $"{attempt.ToString(CultureInfo.InvariantCulture)} attempts";
        throw new PrometheusException(
            Redact($"Prometheus at {Address} {lastError} ({attempts} in {FormatSpan(elapsed)})"), lastStatus, attempt);
    }

    public void Dispose() => _http.Dispose();

    private HttpRequestMessage CreateRequest(Uri endpoint, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var timeout = FormatSpan(_options.QueryTimeout);
        var all = parameters.Append(new("timeout", timeout)).ToList();
        HttpRequestMessage request;
        if (_options.UseGet)
        {
            var uri = new UriBuilder(endpoint)
            {
                Query = string.Join('&', all.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value))),
            }.Uri;
            request = new HttpRequestMessage(HttpMethod.Get, uri);
        }
        else
        {
            request = new HttpRequestMessage(HttpMethod.Post, endpoint)
            {
                Content = new FormUrlEncodedContent(all),
            };
        }

        request.Headers.Accept.ParseAdd("application/json");
        if (_authorization is not null)
        {
            request.Headers.Authorization = _authorization;
        }

        foreach (var (name, value) in _options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    private PrometheusQueryResult Parse(string body, string query, int status)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw new PrometheusException(Redact($"Prometheus at {Address} answered {status} with a body that is not JSON: {Snippet(body)}"), status);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object ||
                !root.TryGetProperty("status", out var statusElement) || statusElement.GetString() != "success" ||
                !root.TryGetProperty("data", out var data) ||
                !data.TryGetProperty("resultType", out var typeElement) ||
                !data.TryGetProperty("result", out var result))
            {
                throw new PrometheusException(Redact($"Prometheus at {Address} answered {status} with an unexpected body: {Snippet(body)}"), status);
            }

            var resultType = typeElement.GetString();
            switch (resultType)
            {
                case "vector":
                    var count = result.GetArrayLength();
                    if (count == 0)
                    {
                        return PrometheusQueryResult.NoData("the query returned no series");
                    }

                    if (count > 1)
                    {
                        throw new PrometheusException(
                            $"query returned {count.ToString(CultureInfo.InvariantCulture)} series; a metric query must return one: aggregate with sum(): {query}",
                            status);
                    }

                    return FromSample(result[0].GetProperty("value"), status);
                case "scalar":
                    return FromSample(result, status);
                default:
                    throw new PrometheusException(
                        $"query returned a {resultType}; a metric query must return one instant value (a vector with one series, or a scalar): {query}",
                        status);
            }
        }
    }

    private IReadOnlyList<(DateTimeOffset Time, double Value)> ParseRange(string body, string query, int status)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw new PrometheusException(Redact($"Prometheus at {Address} answered {status} with a body that is not JSON: {Snippet(body)}"), status);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object ||
                !root.TryGetProperty("status", out var statusElement) || statusElement.GetString() != "success" ||
                !root.TryGetProperty("data", out var data) ||
                !data.TryGetProperty("resultType", out var typeElement) || typeElement.GetString() != "matrix" ||
                !data.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Array)
            {
                throw new PrometheusException(Redact($"Prometheus at {Address} answered {status} to a range query with an unexpected body: {Snippet(body)}"), status);
            }

            var count = result.GetArrayLength();
            if (count == 0)
            {
                return [];
            }

            if (count > 1)
            {
                throw new PrometheusException(
                    $"query returned {count.ToString(CultureInfo.InvariantCulture)} series; a metric query must return one: aggregate with sum(): {query}",
                    status);
            }

            var points = new List<(DateTimeOffset, double)>();
            foreach (var sample in result[0].GetProperty("values").EnumerateArray())
            {
                if (sample.ValueKind != JsonValueKind.Array || sample.GetArrayLength() != 2 || sample[0].ValueKind != JsonValueKind.Number)
                {
                    throw new PrometheusException($"Prometheus at {Address} answered {status} with a malformed sample: {Snippet(sample.GetRawText())}", status);
                }

                var value = FromSample(sample, status);
                if (value.Value is double v)
                {
                    points.Add((DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(sample[0].GetDouble() * 1000)), v));
                }
            }

            return points;
        }
    }

    private PrometheusQueryResult FromSample(JsonElement sample, int status)
    {
        // A sample is [ <unix time>, "<value>" ]; Prometheus spells the special values NaN, +Inf and -Inf.
        if (sample.ValueKind != JsonValueKind.Array || sample.GetArrayLength() != 2 || sample[1].ValueKind != JsonValueKind.String)
        {
            throw new PrometheusException($"Prometheus at {Address} answered {status} with a malformed sample: {Snippet(sample.GetRawText())}", status);
        }

        var text = sample[1].GetString()!;
        double value = text switch
        {
            "NaN" => double.NaN,
            "+Inf" or "Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new PrometheusException($"Prometheus at {Address} answered a value that is not a number: \"{Snippet(text)}\"", status),
        };

        return double.IsNaN(value)
            ? PrometheusQueryResult.NoData("the query returned NaN (no requests in the window?)")
            : PrometheusQueryResult.Of(value);
    }

    private static string DescribeError(string body, int status, string? reasonPhrase)
    {
        var code = status.ToString(CultureInfo.InvariantCulture);
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error))
            {
                var type = root.TryGetProperty("errorType", out var errorType) ? " " + errorType.GetString() : string.Empty;
                return $"{code}{type}: {error.GetString()}";
            }
        }
        catch (JsonException)
        {
            // Not Prometheus speaking (a proxy, a load balancer): show the start of the body instead.
        }

        var snippet = Snippet(body);
        return snippet.Length == 0 ? $"{code} {reasonPhrase}".TrimEnd() : $"{code} {reasonPhrase}: {snippet}";
    }

    private static string HintFor(int status) => status switch
    {
        401 or 403 => "; check the Prometheus credentials (bearer token, username and password)",
        404 => "; check the Prometheus address: it must be the base URL that serves /api/v1/query",
        _ => string.Empty,
    };

    private string Redact(string message) => _secrets.Apply(message);

    private static string Snippet(string text)
    {
        var flat = MetricsText.Flatten(text);
        return flat.Length <= 300 ? flat : flat[..300] + "...";
    }

    internal static string FormatSpan(TimeSpan span) =>
        span.TotalSeconds >= 1 && span.TotalMilliseconds % 1000 == 0
            ? ((long)span.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s"
            : ((long)Math.Round(span.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";
}

internal static class MetricsText
{
    public static string Flatten(string text) => string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
}
