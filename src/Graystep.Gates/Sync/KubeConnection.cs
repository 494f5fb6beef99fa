using System.Net.Http.Headers;
using System.Text;
using Graystep.Core.Abstractions;

namespace Graystep.Gates.Sync;

/// <summary>One way to one API server: its URL, the HTTP stack that trusts its CA (and presents a client certificate), and the credential sent with each request.</summary>
internal sealed class KubeConnection(Uri server, Lazy<HttpClient> http, KubeCredential credential, string notFoundHint = "")
{
    public Uri Server => server;

    public HttpClient Http => http.Value;

    public KubeCredential Credential => credential;

    /// <summary>Added to the 404 hint: which kubeconfig context chose the cluster.</summary>
    public string NotFoundHint => notFoundHint;
}

/// <summary>What proves who Graystep is, per request; and what to tell the user when the API server rejects it.</summary>
internal abstract class KubeCredential
{
    public const string EnvironmentTokenRejected =
        "the token has expired or is not valid for this cluster: set " + KubeApiClient.TokenVariable + " to a current one";

    /// <summary>The 401 hint when no Authorization header went out.</summary>
    public const string NoCredentialsHint =
        "no token was sent: set " + KubeApiClient.TokenVariable + ", use a kubeconfig context with a user (--kubeconfig or KUBECONFIG, --context or sync.context), or run in the cluster with a service account";

    /// <summary>The Authorization header for the next request, or null to send none.</summary>
    public abstract ValueTask<AuthenticationHeaderValue?> HeaderAsync(CancellationToken cancellationToken);

    /// <summary>
    /// After a 401 for <paramref name="sent"/>: drops it when a fresh one can be had (an exec plugin runs again), and
    /// says whether the request is worth repeating. A fixed token or a file read at every call gains nothing.
    /// </summary>
    public virtual ValueTask<bool> ForgetAsync(AuthenticationHeaderValue sent, CancellationToken cancellationToken) => ValueTask.FromResult(false);

    /// <summary>The 401 hint when a credential was sent.</summary>
    public abstract string RejectedHint { get; }

    public virtual string NoneSentHint => NoCredentialsHint;

    /// <summary>How the 403 hint names the credential: "token", "client certificate".</summary>
    public virtual string Identity => "token";

    public static KubeCredential Bearer(string token, string rejectedHint) => new Fixed(new AuthenticationHeaderValue("Bearer", token), rejectedHint);

    public static KubeCredential Basic(string user, string password, string rejectedHint) =>
        new Fixed(new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password))), rejectedHint);

    /// <summary>Nothing in the headers: no credential at all, or a client certificate in the TLS handshake.</summary>
    public static KubeCredential None(string? clientCertificateRejected) => new Nothing(clientCertificateRejected);

    /// <summary>The pod's service-account token, read at every call: projected tokens rotate.</summary>
    public static KubeCredential ServiceAccount(IFileSystem files, string path) => new TokenFile(files, path, EnvironmentTokenRejected, null);

    /// <summary>A kubeconfig user's tokenFile, read at every call and masked as it is read.</summary>
    public static KubeCredential FromFile(IFileSystem files, string path, string rejectedHint, Action<string> mask) => new TokenFile(files, path, rejectedHint, mask);

    private sealed class Fixed(AuthenticationHeaderValue header, string rejectedHint) : KubeCredential
    {
        public override string RejectedHint => rejectedHint;

        public override ValueTask<AuthenticationHeaderValue?> HeaderAsync(CancellationToken cancellationToken) => ValueTask.FromResult<AuthenticationHeaderValue?>(header);
    }

    private sealed class Nothing(string? clientCertificateRejected) : KubeCredential
    {
        public override string RejectedHint => NoneSentHint;

        public override string NoneSentHint => clientCertificateRejected ?? NoCredentialsHint;

        public override string Identity => clientCertificateRejected is null ? "token" : "client certificate";

        public override ValueTask<AuthenticationHeaderValue?> HeaderAsync(CancellationToken cancellationToken) => ValueTask.FromResult<AuthenticationHeaderValue?>(null);
    }

    private sealed class TokenFile(IFileSystem files, string path, string rejectedHint, Action<string>? mask) : KubeCredential
    {
        public override string RejectedHint => rejectedHint;

        public override ValueTask<AuthenticationHeaderValue?> HeaderAsync(CancellationToken cancellationToken)
        {
            var token = files.FileExists(path) ? KubeApiClient.Nonblank(files.ReadAllText(path))?.Trim() : null;
            if (token is not null)
            {
                mask?.Invoke(token);
            }

            return ValueTask.FromResult(token is null ? null : new AuthenticationHeaderValue("Bearer", token));
        }
    }
}
