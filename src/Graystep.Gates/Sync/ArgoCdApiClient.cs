using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Graystep.Core.Errors;
using Graystep.Core.Providers;
using Graystep.Core.Spec;

namespace Graystep.Gates.Sync;

/// <summary>
/// Reads an Argo CD Application through Argo CD's own API server (<c>GET /api/v1/applications/{name}</c>), as
/// <c>argocd app wait</c> does, for CI runners that hold an Argo CD token rather than Kubernetes credentials. The
/// first read of each commit asks for a refresh (<c>refresh=normal</c>), so Argo CD compares the branch now instead
/// of at its next poll (3 minutes by default).
/// </summary>
public sealed class ArgoCdApiClient
{
    public const string ServerVariable = "ARGOCD_SERVER";
    public const string TokenVariable = "ARGOCD_AUTH_TOKEN";
    public const string PlaintextVariable = "ARGOCD_PLAINTEXT";

    /// <summary>The token sent to Argo CD's API server, for the settings and the secret mask.</summary>
    public static SecretSetting Token { get; } = new(null, [TokenVariable], "Argo CD API token (sync.kind argocd with sync.argocdServer or ARGOCD_SERVER)");

    private readonly Lazy<HttpClient> _http;
    private readonly KubeSettings _settings;
    private readonly TimeSpan _requestTimeout;
    private readonly HashSet<string> _refreshed = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ArgoCdApiClient(Func<HttpMessageHandler> handler, KubeSettings settings, TimeSpan? requestTimeout = null)
    {
        _http = new Lazy<HttpClient>(() => new HttpClient(handler(), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan });
        _settings = settings;
        _requestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30);
    }

    /// <summary>Whether the Application is read through Argo CD's API server: <c>sync.argocdServer</c> or <c>ARGOCD_SERVER</c>.</summary>
    public bool IsConfigured(SyncSpec sync)
    {
        ArgumentNullException.ThrowIfNull(sync);
        return !string.IsNullOrWhiteSpace(sync.ArgocdServer) || !string.IsNullOrWhiteSpace(_settings.ArgoCdServer);
    }

    /// <summary>
    /// The API server's base URL: <c>sync.argocdServer</c> as written, else <c>ARGOCD_SERVER</c>, which the argocd CLI
    /// takes as <c>host[:port]</c> (https, or http with <c>ARGOCD_PLAINTEXT=true</c>) or a URL.
    /// </summary>
    internal Uri Server(SyncSpec sync)
    {
        if (!string.IsNullOrWhiteSpace(sync.ArgocdServer))
        {
            return ParseUrl(sync.ArgocdServer.Trim(), "sync.argocdServer");
        }

        var value = _settings.ArgoCdServer!.Trim();
        if (value.Contains("://", StringComparison.Ordinal))
        {
            return ParseUrl(value, ServerVariable);
        }

        var scheme = _settings.ArgoCdPlaintext ? "http" : "https";
        return ParseUrl($"{scheme}://{value}", ServerVariable);
    }

    internal async Task<KubeRead> GetAsync(SyncSpec sync, string name, string sha, CancellationToken cancellationToken)
    {
        var server = Server(sync).ToString().TrimEnd('/');
        var query = new List<string>();
        bool refresh;
        lock (_gate)
        {
            refresh = _refreshed.Add(sha);
        }

        if (refresh)
        {
            query.Add("refresh=normal");
        }

        if (!string.IsNullOrWhiteSpace(sync.ApplicationNamespace))
        {
            query.Add("appNamespace=" + Uri.EscapeDataString(sync.ApplicationNamespace));
        }

        if (!string.IsNullOrWhiteSpace(sync.Project))
        {
            query.Add("project=" + Uri.EscapeDataString(sync.Project));
        }

        var url = $"{server}/api/v1/applications/{Uri.EscapeDataString(name)}{(query.Count == 0 ? string.Empty : "?" + string.Join('&', query))}";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var token = string.IsNullOrWhiteSpace(_settings.ArgoCdToken) ? null : _settings.ArgoCdToken.Trim();
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var what = $"Argo CD Application {name}";
        using var timeout = new CancellationTokenSource(_requestTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.Value.SendAsync(request, linked.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    return new KubeRead.Found(ParseApplication(body, what, server));
                case HttpStatusCode.Unauthorized:
                    throw new GraystepException(
                        $"Argo CD at {server} rejected the credentials (401 Unauthorized) when reading {what}",
                        ExitCodes.Failure,
                        token is null
                            ? $"no token was sent: set {TokenVariable} to an Argo CD API token (argocd account generate-token)"
                            : $"the token has expired or is not valid for this Argo CD: set {TokenVariable} to a current one");
                case HttpStatusCode.Forbidden:
                    throw new GraystepException(
                        $"Argo CD at {server} forbids reading {what} (403 Forbidden){Message(body)}",
                        ExitCodes.Failure,
                        "give the token's account the RBAC permission 'applications, get' on the application's project");
                case HttpStatusCode.NotFound:
                    throw new GraystepException(
                        $"{what} not found at {server}{Message(body)}",
                        ExitCodes.Failure,
                        "set sync.application to the Application that applies this rollout's output (and sync.applicationNamespace or sync.project when it is in another namespace or project)");
                default:
                    // Argo CD answers 403 for an application it cannot find in some versions, and 5xx while restarting.
                    return new KubeRead.Unavailable($"Argo CD at {server} answered {(int)response.StatusCode} {response.ReasonPhrase} for {what}{Message(body)}");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            ForgetRefresh(refresh, sha);
            return new KubeRead.Unavailable($"no answer from Argo CD at {server} within {GoDuration.Format(_requestTimeout)}");
        }
        catch (HttpRequestException ex)
        {
            ForgetRefresh(refresh, sha);
            return new KubeRead.Unavailable($"cannot reach Argo CD at {server} ({ServerVariable} or sync.argocdServer): {Webhooks.WebhookCaller.Describe(ex)}");
        }
    }

    /// <summary>A refresh that never reached Argo CD is asked for again on the next read.</summary>
    private void ForgetRefresh(bool refresh, string sha)
    {
        if (refresh)
        {
            lock (_gate)
            {
                _refreshed.Remove(sha);
            }
        }
    }

    private static Uri ParseUrl(string value, string source)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0)
        {
            return uri;
        }

        throw new GraystepException(
            $"{source} '{value}' is not the address of an Argo CD API server",
            ExitCodes.InvalidSpec,
            "use https://argocd.example.com (or host:port in ARGOCD_SERVER, as the argocd CLI takes it)");
    }

    private static JsonElement ParseApplication(string body, string what, string server) =>
        ApiAnswers.Object(body) ?? throw new GraystepException(
            $"the answer for {what} from {server} is not an Argo CD Application",
            ExitCodes.Failure,
            $"check that {ServerVariable} (or sync.argocdServer) points at the Argo CD API server, not its web UI behind a login proxy");

    /// <summary>Argo CD's error body (<c>{"error": ..., "message": ...}</c>) says what is missing.</summary>
    private static string Message(string body) => ApiAnswers.Message(body);
}
