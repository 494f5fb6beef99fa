using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Graystep.Core.Gates;
using Graystep.Core.Secrets;
using Graystep.Core.Spec;

namespace Graystep.Gates.Webhooks;

/// <summary>
/// Calls one webhook as Flagger does: an HTTP POST of Flagger's JSON payload, each attempt bounded by the hook's
/// <c>timeout</c>, and up to <c>retries</c> more attempts after a connection error, a timeout, 429 or a 5xx other
/// than 501 (go-retryablehttp's policy). The sent metadata is the hook's, overlaid by the payload's.
/// </summary>
/// <remarks>
/// Any 2xx answer is a success. Flagger counts 203–299 as failures (it checks <c>status &gt; 202</c>); we do not,
/// on purpose: see docs/webhooks.md. Secrets never reach the result: metadata values, URL user info and query
/// values are masked in every detail.
/// </remarks>
public sealed class WebhookCaller : IWebhookCaller, IDisposable
{
    public const string CallerId = "http";

    /// <summary>Metadata values shorter than this are too short to be secrets and too common to mask without mangling text.</summary>
    private const int MinimumSecretLength = 4;

    private const int MaxBodyBytes = 8192;

    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly WebhookCallerOptions _options;

    public WebhookCaller(HttpMessageHandler handler, TimeProvider time, WebhookCallerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(time);

        // Each attempt gets its own timeout from the hook, so the client's own timeout is off.
        _http = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("graystep", "1.0"));
        _time = time;
        _options = options ?? new WebhookCallerOptions();
    }

    public string Id => CallerId;

    /// <summary>Flagger's webhooks are HTTP: http and https URLs.</summary>
    public bool IsSupported(Uri input) => input is { IsAbsoluteUri: true, Scheme: "http" or "https" };

    public async Task<WebhookResult> CallAsync(WebhookSpec hook, WebhookPayload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ArgumentNullException.ThrowIfNull(payload);

        var secrets = SecretsOf(hook, payload);
        var body = WebhookPayloadJson.Serialize(payload, WebhookPayloadJson.Metadata(hook, payload, _time.GetUtcNow()));
        var allowed = 1 + Math.Max(0, hook.Retries);

        var attempt = await SendAsync(hook, body, secrets, cancellationToken).ConfigureAwait(false);
        var made = 1;
        while (attempt.Retryable && made < allowed)
        {
            await Task.Delay(RetryDelay(made), _time, cancellationToken).ConfigureAwait(false);
            attempt = await SendAsync(hook, body, secrets, cancellationToken).ConfigureAwait(false);
            made++;
        }

        var detail = made > 1 ? $"{attempt.Detail} (after {made.ToString(CultureInfo.InvariantCulture)} attempts)" : attempt.Detail;
        return new WebhookResult(hook.Name, hook.Type, attempt.Succeeded, attempt.StatusCode, secrets.Apply(detail));
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The wait before retry <paramref name="retry"/> (1-based): doubling from the first delay, capped.</summary>
    internal TimeSpan RetryDelay(int retry)
    {
        var factor = Math.Pow(2, Math.Min(retry - 1, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(_options.FirstRetryDelay.Ticks * factor, _options.MaxRetryDelay.Ticks));
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }

    private async Task<Attempt> SendAsync(WebhookSpec hook, byte[] body, SecretSet secrets, CancellationToken cancellationToken)
    {
        var url = UrlCredentials.WithoutSecrets(hook.Url);
        using var timeout = new CancellationTokenSource(hook.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(UrlCredentials.Strip(hook.Url.OriginalString))) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        // HttpClient drops a URL's user-info silently: it is sent as HTTP Basic auth, as curl and Flagger's hooks do.
        if (BasicCredential(hook.Url) is { } basic)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            var status = $"HTTP {code.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}".TrimEnd();
            if (code is >= 200 and <= 299)
            {
                return new Attempt(true, code, status, Retryable: false);
            }

            var text = await ReadBodyAsync(response, linked.Token).ConfigureAwait(false);
            text = Shorten(secrets.Apply(text));
            var detail = text.Length > 0 ? $"{status} from {url}: {text}" : $"{status} from {url}";
            var retryable = code == (int)HttpStatusCode.TooManyRequests || (code >= 500 && code != (int)HttpStatusCode.NotImplemented);
            return new Attempt(false, code, detail, retryable);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Attempt(false, null, $"no response from {url} within {GoDuration.Format(hook.Timeout)}", Retryable: true);
        }
        catch (HttpRequestException ex)
        {
            return new Attempt(false, null, $"cannot reach {url}: {Describe(ex)}", Retryable: true);
        }
    }

    /// <summary>The base64 <c>user:password</c> of the URL's user-info (percent-decoded), or null when it has none.</summary>
    internal static string? BasicCredential(Uri url)
    {
        var userInfo = url.UserInfo;
        if (userInfo.Length == 0)
        {
            return null;
        }

        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        var user = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
        var password = colon < 0 ? string.Empty : Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
    }

    /// <summary>
    /// A webhook's secrets: any metadata value may be a token (Flagger's load tester takes commands and credentials
    /// there), and so may the URL's user info and query values. Receivers often echo the request in their error body.
    /// </summary>
    internal static SecretSet SecretsOf(WebhookSpec hook, WebhookPayload payload)
    {
        var secrets = new SecretSet();
        foreach (var value in hook.Metadata.Values.Concat(payload.Metadata.Values))
        {
            secrets.Add(value, MinimumSecretLength);
        }

        var userInfo = hook.Url.UserInfo;
        if (userInfo.Length > 0)
        {
            secrets.Add(userInfo, MinimumSecretLength);
            foreach (var part in userInfo.Split(':'))
            {
                secrets.Add(Uri.UnescapeDataString(part), MinimumSecretLength);
            }

            // A receiver that echoes the request shows the header it was sent.
            secrets.Add(BasicCredential(hook.Url), MinimumSecretLength);
        }

        foreach (var pair in hook.Url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                secrets.Add(pair[(eq + 1)..], MinimumSecretLength);
                secrets.Add(Uri.UnescapeDataString(pair[(eq + 1)..]), MinimumSecretLength);
            }
        }

        return secrets;
    }

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = new byte[MaxBodyBytes];
                var read = 0;
                int n;
                while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    read += n;
                }

                return Encoding.UTF8.GetString(buffer, 0, read);
            }
        }
        catch (HttpRequestException)
        {
            // The status already says it failed; a body cut short adds nothing.
            return string.Empty;
        }
    }

    private string Shorten(string text)
    {
        var oneLine = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= _options.MaxBodyInDetail ? oneLine : string.Concat(oneLine.AsSpan(0, _options.MaxBodyInDetail), "…");
    }

    internal static string Describe(HttpRequestException ex)
    {
        var socket = ex.InnerException as SocketException ?? ex.InnerException?.InnerException as SocketException;
        return (ex.HttpRequestError, socket?.SocketErrorCode) switch
        {
            (_, SocketError.ConnectionRefused) => "connection refused",
            (HttpRequestError.NameResolutionError, _) or (_, SocketError.HostNotFound) => "host not found",
            (_, SocketError.TimedOut) => "connection timed out",
            (HttpRequestError.SecureConnectionError, _) => "TLS handshake failed: " + (ex.InnerException?.Message ?? ex.Message),
            (HttpRequestError.ResponseEnded, _) => "the connection closed before a response",
            _ => ex.Message,
        };
    }

    private sealed record Attempt(bool Succeeded, int? StatusCode, string Detail, bool Retryable);
}
