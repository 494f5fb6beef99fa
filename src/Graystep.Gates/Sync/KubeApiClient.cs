using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.Providers;
using Graystep.Core.Spec;

namespace Graystep.Gates.Sync;

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

    /// <summary>404: not in the cluster (only for <see cref="KubeApiClient.FindAsync"/>: a gate that waits for the object to appear).</summary>
    public sealed record Missing : KubeRead;
}

/// <summary>
/// How Graystep reaches the Kubernetes API outside a spec's <c>sync.server</c>, as the settings read it once:
/// <c>GRAYSTEP_KUBE_API</c>, <c>GRAYSTEP_KUBE_TOKEN</c>, <c>GRAYSTEP_KUBE_CA_FILE</c>, the kubeconfig
/// (<c>--kubeconfig</c>, <c>KUBECONFIG</c>, <c>~/.kube/config</c>) and its context, and the in-cluster service
/// (<c>KUBERNETES_SERVICE_HOST</c>/<c>_PORT</c>). A class, not a record: a record's ToString would print the token.
/// </summary>
public sealed class KubeSettings
{
    public string? Server { get; init; }

    /// <summary>Kubeconfig files as kubectl takes them: a list joined by the path separator (<c>:</c> on Linux).</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>Where <see cref="Kubeconfig"/> came from, for the error messages: <c>--kubeconfig</c> or <c>KUBECONFIG</c>.</summary>
    public string KubeconfigSource { get; init; } = "KUBECONFIG";

    /// <summary>The home folder, whose <c>.kube/config</c> is the kubeconfig when none is named.</summary>
    public string? Home { get; init; }

    /// <summary>The kubeconfig context (<c>--context</c>); wins over the spec's <c>sync.context</c>.</summary>
    public string? Context { get; init; }

    /// <summary>How long an exec credential plugin may run before it counts as failed.</summary>
    public TimeSpan ExecTimeout { get; init; } = TimeSpan.FromSeconds(60);

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
        $"KubeSettings {{ Server = {Server}, Kubeconfig = {Kubeconfig}, Context = {Context}, Token = {(Token is null ? "(none)" : "***")}, CaFile = {CaFile}, ArgoCdServer = {ArgoCdServer}, ArgoCdToken = {(ArgoCdToken is null ? "(none)" : "***")} }}";
}

/// <summary>
/// A tiny read-only Kubernetes API client: one GET of one object. Where it connects, in kubectl's order: an explicit
/// server (<c>sync.server</c>, else <c>GRAYSTEP_KUBE_API</c>) with <c>GRAYSTEP_KUBE_TOKEN</c> or the pod's
/// service-account token; else the kubeconfig's context (<c>--context</c>, <c>sync.context</c>, else its
/// current-context); else the in-cluster service. A kubeconfig's credentials only ever go to its own servers.
/// </summary>
public sealed class KubeApiClient
{
    public const string ServerVariable = "GRAYSTEP_KUBE_API";
    public const string TokenVariable = "GRAYSTEP_KUBE_TOKEN";
    public const string ContextVariable = "GRAYSTEP_KUBE_CONTEXT";

    /// <summary>The token the sync gates send to the Kubernetes API, for the settings and the secret mask.</summary>
    public static SecretSetting Token { get; } = new(null, [TokenVariable], "Bearer token for the Kubernetes API (sync.kind argocd, flux or kubernetes)");
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";
    public const string ServiceAccountTokenFile = ServiceAccountDirectory + "/token";

    private readonly Lazy<HttpClient> _http;
    private readonly KubeSettings _settings;
    private readonly IFileSystem _fileSystem;
    private readonly TimeSpan _requestTimeout;
    private readonly Lazy<Kubeconfig?> _kubeconfig;
    private readonly ConcurrentDictionary<string, Lazy<KubeConnection>> _contexts = new(StringComparer.Ordinal);

    /// <param name="handler">Makes the HTTP stack on first use: a spec without an argocd or flux gate never needs one.</param>
    /// <param name="processes">Runs a kubeconfig user's exec credential plugin.</param>
    /// <param name="maskSecret">Registers every credential read from a kubeconfig or a plugin with the output mask.</param>
    public KubeApiClient(
        Func<HttpMessageHandler> handler,
        KubeSettings settings,
        IFileSystem fileSystem,
        TimeSpan? requestTimeout = null,
        IProcessRunner? processes = null,
        TimeProvider? time = null,
        Action<string>? maskSecret = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _http = new Lazy<HttpClient>(() => new HttpClient(handler(), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan });
        _settings = settings;
        _fileSystem = fileSystem;
        _requestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30);
        var plugins = new ExecPluginRunner(processes, time ?? TimeProvider.System, settings.ExecTimeout, maskSecret ?? (_ => { }));
        _kubeconfig = new Lazy<Kubeconfig?>(() => Kubeconfig.Load(settings, plugins, maskSecret ?? (_ => { })));
    }

    internal KubeConnection Resolve(SyncSpec sync)
    {
        if (Nonblank(sync.Server) is { } fromSpec)
        {
            return Explicit(ParseServer(fromSpec, "sync.server"));
        }

        if (Nonblank(_settings.Server) is { } fromEnv)
        {
            return Explicit(ParseServer(fromEnv, ServerVariable));
        }

        var context = Nonblank(_settings.Context) ?? Nonblank(sync.Context);
        if (_kubeconfig.Value is { } kubeconfig)
        {
            return _contexts.GetOrAdd(context ?? string.Empty, name => new Lazy<KubeConnection>(() => kubeconfig.Connect(Nonblank(name), _settings, _fileSystem))).Value;
        }

        if (context is not null)
        {
            throw new GraystepException(
                $"the kubeconfig context '{context}' is asked for ({(Nonblank(_settings.Context) is null ? "sync.context" : "--context")}), but there is no kubeconfig",
                ExitCodes.InvalidSpec,
                "name the kubeconfig with --kubeconfig or KUBECONFIG, or put it at ~/.kube/config");
        }

        return InCluster() is { } inCluster
            ? Explicit(inCluster)
            : throw new GraystepException(
                $"sync.kind {sync.Kind} reads the Kubernetes API, but no API server is configured",
                ExitCodes.InvalidSpec,
                $"use a kubeconfig (--kubeconfig, KUBECONFIG or ~/.kube/config, its context chosen with --context or sync.context), set sync.server or {ServerVariable}, or run inside the cluster");
    }

    /// <summary>Whether any API server is in reach for <paramref name="sync"/>: an explicit one, a kubeconfig or the in-cluster service.</summary>
    internal bool HasClusterAccess(SyncSpec sync) =>
        Nonblank(sync.Server) is not null || Nonblank(_settings.Server) is not null || _kubeconfig.Value is not null || InCluster() is not null;

    internal Task<KubeRead> GetAsync(SyncSpec sync, KubeObjectRef target, string notFoundFix, CancellationToken cancellationToken) =>
        GetAsync(sync, target, notFoundFix, null, null, cancellationToken);

    /// <summary>As <see cref="GetAsync(SyncSpec, KubeObjectRef, string, CancellationToken)"/>, but a 404 is <see cref="KubeRead.Missing"/>, not an error.</summary>
    internal Task<KubeRead> FindAsync(SyncSpec sync, KubeObjectRef target, CancellationToken cancellationToken) =>
        GetAsync(sync, target, null, null, null, cancellationToken);

    /// <param name="notFoundFix">What to do about a 404; null: a 404 is <see cref="KubeRead.Missing"/>.</param>
    /// <param name="notFoundHint">The 404 hint; null: the sync gates' (set sync.kind).</param>
    /// <param name="forbiddenHint">Added to the 403 hint: the RBAC rule to grant.</param>
    internal async Task<KubeRead> GetAsync(SyncSpec sync, KubeObjectRef target, string? notFoundFix, string? notFoundHint, string? forbiddenHint, CancellationToken cancellationToken)
    {
        var connection = Resolve(sync);
        var server = connection.Server.ToString().TrimEnd('/');
        using var timeout = new CancellationTokenSource(_requestTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var uri = new Uri(server + target.Path);
            var answer = await SendAsync(connection, uri, linked.Token).ConfigureAwait(false);
            if (answer.Status == HttpStatusCode.Unauthorized && answer.Sent is { } sent
                && await connection.Credential.ForgetAsync(sent, linked.Token).ConfigureAwait(false))
            {
                // As kubectl: a credential from an exec plugin that the server no longer takes (revoked, or expired
                // without saying when) is fetched again once, and the request repeated with it.
                answer = await SendAsync(connection, uri, linked.Token).ConfigureAwait(false);
            }

            var (status, reason, body) = (answer.Status, answer.Reason, answer.Body);
            var what = $"{target.Title} {target.Id}";
            switch (status)
            {
                case HttpStatusCode.OK:
                    return new KubeRead.Found(ParseObject(body, what, server));
                case HttpStatusCode.Unauthorized:
                    throw new GraystepException(
                        $"the Kubernetes API at {server} rejected the credentials (401 Unauthorized) when reading {what}",
                        ExitCodes.Failure,
                        answer.Sent is null ? connection.Credential.NoneSentHint : connection.Credential.RejectedHint);
                case HttpStatusCode.Forbidden:
                    throw new GraystepException(
                        $"the Kubernetes API at {server} forbids reading {what} (403 Forbidden){StatusMessage(body)}",
                        ExitCodes.Failure,
                        $"grant the identity behind the {connection.Credential.Identity} 'get' on {target.Resource} in namespace {target.Namespace}{forbiddenHint}");
                case HttpStatusCode.NotFound when notFoundFix is null:
                    return new KubeRead.Missing();
                case HttpStatusCode.NotFound:
                    throw new GraystepException(
                        $"{what} not found at {server}: {notFoundFix}",
                        ExitCodes.Failure,
                        (notFoundHint ?? "if this reconciler is not installed in the cluster, set sync.kind to the one that applies the output folder") + connection.NotFoundHint);
                default:
                    return new KubeRead.Unavailable(
                        $"the Kubernetes API at {server} answered {(int)status} {reason} for {what}{StatusMessage(body)}");
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

    /// <summary>One GET with the connection's current credential: what came back, and the Authorization header that went out.</summary>
    private static async Task<(HttpStatusCode Status, string? Reason, string Body, AuthenticationHeaderValue? Sent)> SendAsync(KubeConnection connection, Uri uri, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Authorization = await connection.Credential.HeaderAsync(cancellationToken).ConfigureAwait(false);
        using var response = await connection.Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, response.ReasonPhrase, body, request.Headers.Authorization);
    }

    /// <summary>A server named outside any kubeconfig: today's credentials, <c>GRAYSTEP_KUBE_TOKEN</c> or the pod's token.</summary>
    private KubeConnection Explicit(Uri server) =>
        new(server, _http, Nonblank(_settings.Token) is { } token
            ? KubeCredential.Bearer(token.Trim(), KubeCredential.EnvironmentTokenRejected)
            : KubeCredential.ServiceAccount(_fileSystem, ServiceAccountTokenFile));

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

    internal static Uri ParseServer(string value, string source)
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
            "check that sync.server (or " + ServerVariable + ", or the kubeconfig context's server) points at the Kubernetes API server, not a proxy or dashboard");

    /// <summary>The message of a Kubernetes <c>Status</c> body, which names the missing permission or object.</summary>
    private static string StatusMessage(string body) => ApiAnswers.Message(body);

    internal static string? Nonblank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
