using Graystep.Core.Analysis;
using Graystep.Engine.Analysis;
using Graystep.Metrics.Prometheus;

namespace Graystep.TestKit.Prometheus;

/// <summary>The analysis round as <c>run</c> and <c>analyze</c> make it, with Prometheus as the one metric provider.</summary>
public static class PrometheusAnalysis
{
    /// <param name="handler">The HTTP stack (a fake, or a real one for a real Prometheus); not disposed.</param>
    /// <param name="metricsServer">The <c>--prometheus</c> override, if any.</param>
    /// <param name="delay">Waits between retries; pass one that returns at once to test without waiting.</param>
    public static MetricAnalysisRunner Create(
        HttpMessageHandler handler,
        TimeProvider? time = null,
        Uri? metricsServer = null,
        PrometheusClientOptions? client = null,
        int maxConcurrentQueries = 4,
        Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        var clock = time ?? TimeProvider.System;
        var providers = new MetricProviderRegistry { new PrometheusProvider(() => new NonDisposingHandler(handler), client, clock, delay) };
        return new MetricAnalysisRunner(providers, clock, new AnalysisOptions { MetricsServerOverride = metricsServer, MaxConcurrentQueries = maxConcurrentQueries });
    }

    /// <summary>Lets the provider dispose its stack without disposing the test's.</summary>
    private sealed class NonDisposingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override void Dispose(bool disposing)
        {
            // The test owns the inner handler.
        }
    }
}
