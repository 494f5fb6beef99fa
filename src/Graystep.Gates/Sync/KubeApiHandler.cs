using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Graystep.Core.Abstractions;

namespace Graystep.Gates.Sync;

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
