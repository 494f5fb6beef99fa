using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Graystep.Core.Abstractions;

namespace Graystep.Gates.Sync;

/// <summary>How to talk TLS to one kubeconfig cluster.</summary>
/// <param name="Roots">The cluster CA (certificate-authority or -data), trusted for this cluster only; null: the system's roots.</param>
/// <param name="ClientCertificate">client-certificate with its key, presented in the handshake.</param>
/// <param name="SkipVerify">insecure-skip-tls-verify: the server's certificate is not checked, as kubectl does.</param>
/// <param name="ServerName">tls-server-name: the name the certificate must carry, when it is not the server URL's host.</param>
/// <param name="Proxy">proxy-url.</param>
internal sealed record KubeTls(X509Certificate2Collection? Roots, X509Certificate2? ClientCertificate, bool SkipVerify, string? ServerName, Uri? Proxy);

/// <summary>
/// The HTTP handler for the Kubernetes API. In a pod the API server's certificate is signed by the cluster CA,
/// which the system does not trust; the service account's <c>ca.crt</c> (or <c>GRAYSTEP_KUBE_CA_FILE</c>) is then
/// trusted as a root for these calls only. Host names are still checked.
/// </summary>
public static class KubeApiHandler
{
    public const string ServiceAccountCaFile = KubeApiClient.ServiceAccountDirectory + "/ca.crt";

    public static HttpMessageHandler Create(KubeSettings settings, IFileSystem fileSystem)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(fileSystem);

        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        var caFile = settings.CaFile is { Length: > 0 } configured ? configured
            : fileSystem.FileExists(ServiceAccountCaFile) ? ServiceAccountCaFile
            : null;
        if (caFile is not null)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPem(fileSystem.ReadAllText(caFile));
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors, roots);
        }

        return handler;
    }

    /// <summary>The HTTP stack of one kubeconfig cluster.</summary>
    internal static HttpMessageHandler Create(KubeTls tls)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (tls.Proxy is { } proxy)
        {
            handler.Proxy = new WebProxy(proxy);
            handler.UseProxy = true;
        }

        if (tls.ClientCertificate is { } certificate)
        {
            handler.SslOptions.ClientCertificates = [certificate];
        }

        if (tls.ServerName is { } name)
        {
            handler.SslOptions.TargetHost = name;
        }

        if (tls.SkipVerify)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (tls.Roots is { Count: > 0 } roots)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, errors) => Trusted(presented, errors, roots);
        }

        return handler;
    }

    private static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // Only an unknown root is forgiven, and only when the chain ends at the cluster CA.
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
