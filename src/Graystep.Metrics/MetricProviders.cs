using Graystep.Core.Analysis;
using Graystep.Metrics.Prometheus;

namespace Graystep.Metrics;

/// <summary>The metric providers Graystep ships, one registration line each (Prometheus first: Flagger's default).</summary>
public static class MetricProviders
{
    /// <param name="secretVariables">Reads the environment for a MetricTemplate's secretRef; null: none may name one.</param>
    /// <param name="reveal">Told every credential read that way, to mask it.</param>
    /// <param name="clusterSecrets">Reads a secretRef's Secret (namespace, name) from the cluster; null answer: no cluster access.</param>
    public static MetricProviderRegistry Create(
        Func<HttpMessageHandler> handler,
        TimeProvider time,
        PrometheusClientOptions? prometheus = null,
        Func<string, string?>? secretVariables = null,
        Action<string>? reveal = null,
        Func<string, string, CancellationToken, Task<IReadOnlyDictionary<string, string>?>>? clusterSecrets = null) => new()
    {
        new PrometheusProvider(handler, prometheus, time)
        {
            SecretVariables = secretVariables,
            ClusterSecrets = clusterSecrets,
            Reveal = reveal,
            InsecureHandler = InsecureHandler,
        },
    };

    /// <summary>For a MetricTemplate that asks for <c>insecureSkipVerify: true</c> (a self-signed in-house Prometheus), and only for it.</summary>
    private static HttpMessageHandler InsecureHandler() => new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
#pragma warning disable CA5359 // The template asks for it in Git, as Flagger's insecureSkipVerify does; every other address is verified.
        SslOptions = { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
#pragma warning restore CA5359
    };
}
