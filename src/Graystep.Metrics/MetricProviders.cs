using Graystep.Core.Analysis;
using Graystep.Metrics.Prometheus;

namespace Graystep.Metrics;

/// <summary>The metric providers Graystep ships, one registration line each (Prometheus first: Flagger's default).</summary>
public static class MetricProviders
{
    public static MetricProviderRegistry Create(Func<HttpMessageHandler> handler, TimeProvider time, PrometheusClientOptions? prometheus = null) => new()
    {
        new PrometheusProvider(handler, prometheus, time),
    };
}
