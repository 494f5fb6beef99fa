using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.Providers;
using Graystep.Core.Spec;

namespace Graystep.Gates.Sync;

/// <summary>The Kubernetes API server to ask, and the bearer token to send (null: none).</summary>
internal sealed record KubeEndpoint(Uri Server, string? Token);

/// <summary>One object the sync gates read, with the words the error messages need.</summary>
/// <param name="Title">What a person calls it: "Argo CD Application".</param>
/// <param name="Resource">The RBAC resource: "applications.argoproj.io".</param>
internal sealed record KubeObjectRef(string Title, string Resource, string ApiPath, string Namespace, string Name)
{
    public string Id => $"{Namespace}/{Name}";

    public string Path => $"{ApiPath}/namespaces/{Uri.EscapeDataString(Namespace)}/{Resource.Split('.')[0]}/{Uri.EscapeDataString(Name)}";
}

/// <summary>The object as JSON, or why it could not be read right now (a transient failure: the caller waits).</summary>
internal abstract record KubeRead
{
    public sealed record Found(JsonElement Object) : KubeRead;

    public sealed record Unavailable(string Reason) : KubeRead;
}

/// <summary>
/// How Graystep reaches the Kubernetes API outside a spec's <c>sync.server</c>, as the settings read it once:
/// <c>GRAYSTEP_KUBE_API</c>, <c>GRAYSTEP_KUBE_TOKEN</c>, <c>GRAYSTEP_KUBE_CA_FILE</c>, and the in-cluster service
/// (<c>KUBERNETES_SERVICE_HOST</c>/<c>_PORT</c>). A class, not a record: a record's ToString would print the token.
/// </summary>
public sealed class KubeSettings
{
    public string? Server { get; init; }

    public string? Token { get; init; }

    public string? CaFile { get; init; }

    /// <summary>The in-cluster API service's host and port, when running in a pod.</summary>
    public string? ServiceHost { get; init; }

    public string? ServicePort { get; init; }

    /// <summary>Argo CD's API server (<c>ARGOCD_SERVER</c>): host[:port] or a URL.</summary>
    public string? ArgoCdServer { get; init; }

    /// <summary>The Argo CD API token (<c>ARGOCD_AUTH_TOKEN</c>).</summary>
    public string? ArgoCdToken { get; init; }

    /// <summary><c>ARGOCD_PLAINTEXT=true</c>: a host[:port] in <c>ARGOCD_SERVER</c> is reached over http.</summary>
    public bool ArgoCdPlaintext { get; init; }

    public override string ToString() =>
        $"KubeSettings {{ Server = {Server}, Token = {(Token is null ? "(none)" : "***")}, CaFile = {CaFile}, ArgoCdServer = {ArgoCdServer}, ArgoCdToken = {(ArgoCdToken is null ? "(none)" : "***")} }}";
}

/// <summary>
/// A tiny read-only Kubernetes API client: one GET of one custom resource. The server is <c>sync.server</c>, else
/// <c>GRAYSTEP_KUBE_API</c>, else the in-cluster service; the token is <c>GRAYSTEP_KUBE_TOKEN</c>, else the pod's
/// service-account token (read at every call: projected tokens rotate).
/// </summary>
public sealed class KubeApiClient
{
    public const string ServerVariable = "GRAYSTEP_KUBE_API";
    public const string TokenVariable = "GRAYSTEP_KUBE_TOKEN";

    /// <summary>The token the sync gates send to the Kubernetes API, for the settings and the secret mask.</summary>
    public static SecretSetting Token { get; } = new(null, [TokenVariable], "Bearer token for the Kubernetes API (sync.kind argocd or flux)");
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";
    public const string ServiceAccountTokenFile = ServiceAccountDirectory + "/token";

    private readonly Lazy<HttpClient> _http;
    private readonly KubeSettings _settings;
    private readonly IFileSystem _fileSystem;
    private readonly TimeSpan _requestTimeout;

    /// <param name="handler">Makes the HTTP stack on first use: a spec without an argocd or flux gate never needs one.</param>
    public KubeApiClient(Func<HttpMessageHandler> handler, KubeSettings settings, IFileSystem fileSystem, TimeSpan? requestTimeout = null)
    {
        _http = new Lazy<HttpClient>(() => new HttpClient(handler(), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan });
        _settings = settings;
        _fileSystem = fileSystem;
        _requestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30);
    }

    internal KubeEndpoint Resolve(SyncSpec sync)
    {
        var server = Nonblank(sync.Server) is { } fromSpec ? ParseServer(fromSpec, "sync.server")
            : Nonblank(_settings.Server) is { } fromEnv ? ParseServer(fromEnv, ServerVariable)
            : InCluster() ?? throw new GraystepException(
                $"sync.kind {sync.Kind} reads the Kubernetes API, but no API server is configured",
                ExitCodes.InvalidSpec,
                $"set sync.server in the rollout spec or {ServerVariable}, or run inside the cluster");

        var token = Nonblank(_settings.Token)
            ?? (_fileSystem.FileExists(ServiceAccountTokenFile) ? Nonblank(_fileSystem.ReadAllText(ServiceAccountTokenFile)) : null);
        return new KubeEndpoint(server, token?.Trim());
    }

    internal async Task<KubeRead> GetAsync(SyncSpec sync, KubeObjectRef target, string notFoundFix, CancellationToken cancellationToken)
    {
        var endpoint = Resolve(sync);
        var server = endpoint.Server.ToString().TrimEnd('/');
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server + target.Path));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (endpoint.Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.Token);
        }

        using var timeout = new CancellationTokenSource(_requestTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.Value.SendAsync(request, linked.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            var what = $"{target.Title} {target.Id}";
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    return new KubeRead.Found(ParseObject(body, what, server));
                case HttpStatusCode.Unauthorized:
                    throw new GraystepException(
                        $"the Kubernetes API at {server} rejected the credentials (401 Unauthorized) when reading {what}",
                        ExitCodes.Failure,
                        endpoint.Token is null
                            ? $"no token was sent: set {TokenVariable}, or run in the cluster with a service account"
                            : $"the token has expired or is not valid for this cluster: set {TokenVariable} to a current one");
                case HttpStatusCode.Forbidden:
                    throw new GraystepException(
                        $"the Kubernetes API at {server} forbids reading {what} (403 Forbidden){StatusMessage(body)}",
                        ExitCodes.Failure,
                        $"grant the identity behind the token 'get' on {target.Resource} in namespace {target.Namespace}");
                case HttpStatusCode.NotFound:
                    throw new GraystepException(
                        $"{what} not found at {server}: {notFoundFix}",
                        ExitCodes.Failure,
                        $"if this reconciler is not installed in the cluster, set sync.kind to the one that applies the output folder");
                default:
                    return new KubeRead.Unavailable(
                        $"the Kubernetes API at {server} answered {(int)response.StatusCode} {response.ReasonPhrase} for {what}{StatusMessage(body)}");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new KubeRead.Unavailable($"no answer from the Kubernetes API at {server} within {GoDuration.Format(_requestTimeout)}");
        }
        catch (HttpRequestException ex)
        {
            return new KubeRead.Unavailable($"cannot reach the Kubernetes API at {server}: {Webhooks.WebhookCaller.Describe(ex)}");
        }
    }

    private Uri? InCluster()
    {
        var host = Nonblank(_settings.ServiceHost);
        if (host is null)
        {
            return null;
        }

        var port = Nonblank(_settings.ServicePort) ?? "443";
        var authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        return new Uri($"https://{authority}:{port}");
    }

    private static Uri ParseServer(string value, string source)
    {
        if (Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }

        throw new GraystepException(
            $"{source} '{value}' is not an http(s) URL of a Kubernetes API server",
            ExitCodes.InvalidSpec,
            "use the API server's base URL, e.g. https://kubernetes.default.svc");
    }

    private static JsonElement ParseObject(string body, string what, string server) =>
        ApiAnswers.Object(body) ?? throw new GraystepException(
            $"the answer for {what} from {server} is not a Kubernetes object",
            ExitCodes.Failure,
            "check that sync.server (or " + ServerVariable + ") points at the Kubernetes API server, not a proxy or dashboard");

    /// <summary>The message of a Kubernetes <c>Status</c> body, which names the missing permission or object.</summary>
    private static string StatusMessage(string body) => ApiAnswers.Message(body);

    private static string? Nonblank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
