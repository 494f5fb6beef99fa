using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Graystep.Core.Alerts;
using Graystep.Core.Secrets;
using Graystep.Gates.Webhooks;

namespace Graystep.Gates.Alerts;

/// <summary>
/// Posts one AlertProvider type's payload (<see cref="AlertPayloads"/>) to the provider's webhook: one attempt,
/// bounded by <see cref="Timeout"/>, never retried (an alert is not worth holding a rollout for). Any 2xx is sent.
/// The address holds the service's token, so it is revealed to the output's masking before use and never appears in
/// a result; a proxy's user info is masked the same way.
/// </summary>
public sealed class HttpAlertSender : IAlertSender, IDisposable
{
    private const int MaxBodyInDetail = 200;

    /// <summary>A path or query shorter than this is too short to be a token and too common to mask without mangling text.</summary>
    private const int MinimumTokenLength = 12;

    private readonly Lazy<HttpClient> _http;
    private readonly TimeProvider _time;

    /// <param name="type">The AlertProvider type this sender serves, and its id.</param>
    /// <param name="handler">Makes the HTTP stack on first use (building the registry does no I/O).</param>
    public HttpAlertSender(string type, Func<HttpMessageHandler> handler, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(time);
        Id = type;
        _time = time;
        _http = new Lazy<HttpClient>(() => Client(handler(), owned: false));
    }

    public string Id { get; }

    /// <summary>How long one send may take; Flagger's notifier gives 5 s, a CI runner's network may need more.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Reads the environment for an AlertProvider's secretRef (<see cref="AlertProviderSpec.AddressVariable"/>); null: none may name one.</summary>
    public Func<string, string?>? SecretVariables { get; init; }

    /// <summary>Told every address (and proxy credential) before it is used, so that it is masked in all output.</summary>
    public Action<string>? Reveal { get; init; }

    /// <summary>Makes the HTTP stack for a provider that names a proxy; tests hand in their own.</summary>
    public Func<Uri, HttpMessageHandler> ProxyHandler { get; init; } = DefaultProxyHandler;

    public bool IsSupported(string input) => string.Equals(input, Id, StringComparison.Ordinal);

    public async Task<AlertResult> SendAsync(AlertProviderSpec provider, AlertSubject subject, AlertEvent alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(alert);

        var address = provider.Address;
        if (provider.AddressVariable is { } variable)
        {
            address = SecretVariables?.Invoke(variable);
            if (string.IsNullOrEmpty(address))
            {
                return new AlertResult(false, $"its secretRef {provider.SecretName} holds nothing here: set {variable} to the webhook address in the pipeline's environment");
            }
        }

        var secrets = new SecretSet();
        Mask(secrets, address);
        Mask(secrets, provider.Proxy?.UserInfo);
        if (Uri.TryCreate(address, UriKind.Absolute, out var parsed) && parsed.PathAndQuery.Length >= MinimumTokenLength)
        {
            // The token is the path (Slack, Discord, Teams) or the query (Google Chat): masked on its own too.
            Mask(secrets, parsed.PathAndQuery);
            Mask(secrets, parsed.Query.TrimStart('?'));
        }

        if (!(Uri.TryCreate(address, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            return new AlertResult(false, $"{provider.AddressVariable ?? "its address"} is not an http(s) URL");
        }

        var message = AlertPayloads.Build(Id, provider, url, subject, alert);
        Mask(secrets, message.Url.AbsoluteUri);
        HttpClient? own = null;
        try
        {
            var http = provider.Proxy is { } proxy ? own = Client(ProxyHandler(proxy), owned: true) : _http.Value;
            return await PostAsync(http, message, secrets, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            own?.Dispose();
        }
    }

    public void Dispose()
    {
        if (_http.IsValueCreated)
        {
            _http.Value.Dispose();
        }
    }

    private async Task<AlertResult> PostAsync(HttpClient http, AlertMessage message, SecretSet secrets, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, message.Url) { Content = new ByteArrayContent(message.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            if (code is >= 200 and <= 299)
            {
                return new AlertResult(true, "sent");
            }

            var body = await ReadSomeAsync(response, linked.Token).ConfigureAwait(false);
            var status = $"HTTP {code.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}".TrimEnd();
            var text = secrets.Apply(string.Join(' ', body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
            return new AlertResult(false, text.Length > 0 ? status + ": " + text : status);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AlertResult(false, $"no response within {Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s");
        }
        catch (HttpRequestException ex)
        {
            return new AlertResult(false, "cannot reach the provider: " + secrets.Apply(WebhookCaller.Describe(ex)));
        }
    }

    /// <summary>The start of a failing provider's answer (Slack says why in its body), read no further than that.</summary>
    private static async Task<string> ReadSomeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = new byte[MaxBodyInDetail * 4];
                var read = 0;
                int n;
                while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    read += n;
                }

                var text = System.Text.Encoding.UTF8.GetString(buffer, 0, read);
                return text.Length <= MaxBodyInDetail ? text : string.Concat(text.AsSpan(0, MaxBodyInDetail), "…");
            }
        }
        catch (HttpRequestException)
        {
            return string.Empty;
        }
    }

    private void Mask(SecretSet secrets, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        Reveal?.Invoke(value);
        secrets.Add(value);
    }

    /// <summary>The send's own timeout bounds it, so the client's is off. The shared handler outlives this client.</summary>
    private static HttpClient Client(HttpMessageHandler handler, bool owned) => new(handler, disposeHandler: owned) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    private static SocketsHttpHandler DefaultProxyHandler(Uri proxy) => new()
    {
        Proxy = new WebProxy(proxy),
        UseProxy = true,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };
}
