using Graystep.TestKit.Prometheus;

namespace Graystep.Analysis.Tests.Support;

/// <summary>
/// The metrics side of a scenario: a <see cref="TestExporter"/> the test drives and a real Prometheus scraping it
/// every second. <see cref="Canary"/> and <see cref="Stable"/> are the Istio series of bookinfo's reviews (or of any
/// workload the test names).
/// </summary>
public sealed class MetricsRig : IAsyncDisposable
{
    private MetricsRig(TestExporter exporter, PrometheusServer prometheus)
    {
        Exporter = exporter;
        Prometheus = prometheus;
    }

    public TestExporter Exporter { get; }

    public PrometheusServer Prometheus { get; }

    /// <summary>Prometheus' base address without the trailing slash, as a user writes it.</summary>
    public string Address => Prometheus.Address.ToString().TrimEnd('/');

    /// <summary>
    /// Starts the exporter with the given workloads' traffic (Istio series), then Prometheus, and returns once
    /// Prometheus has scraped the exporter.
    /// </summary>
    public static async Task<MetricsRig> StartAsync(string @namespace, string service, params (string Workload, Traffic Traffic)[] workloads)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        var exporter = await TestExporter.StartAsync();
        var sources = new Dictionary<string, TrafficSource>(StringComparer.Ordinal);
        foreach (var (workload, traffic) in workloads)
        {
            sources[workload] = exporter.Serve(MetricShape.Istio(@namespace, workload, service), traffic);
        }

        PrometheusServer prometheus;
        try
        {
            prometheus = await PrometheusServer.StartAsync([exporter.Target], startTimeout: TimeSpan.FromSeconds(60));
        }
        catch
        {
            await exporter.DisposeAsync();
            throw;
        }

        // StartAsync returned after the first scrape. No need to wait for more samples: a rollout's first check
        // comes two intervals later and only looks at samples from after its step anyway.
        return new MetricsRig(exporter, prometheus) { Sources = sources };
    }

    public IReadOnlyDictionary<string, TrafficSource> Sources { get; private init; } = new Dictionary<string, TrafficSource>();

    public TrafficSource this[string workload] => Sources[workload];

    public async ValueTask DisposeAsync()
    {
        await Prometheus.DisposeAsync();
        await Exporter.DisposeAsync();
    }
}
