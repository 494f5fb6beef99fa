using Graystep.TestKit.Prometheus;

namespace Graystep.Metrics.Tests;

/// <summary>
/// One real Prometheus scraping one exporter every second, shared by the tests of a collection. Each scenario has
/// its own namespace, so the tests never see each other's series. Traffic starts before Prometheus does.
/// </summary>
public sealed class RealPrometheusFixture : IAsyncLifetime
{
    public const string Window = "5s";

    private TestExporter? _exporter;
    private PrometheusServer? _prometheus;

    public PrometheusServer Prometheus => _prometheus ?? throw new InvalidOperationException("not started");

    public TestExporter Exporter => _exporter ?? throw new InvalidOperationException("not started");

    public DateTimeOffset TrafficStarted { get; private set; }

    public async Task InitializeAsync()
    {
        if (!PrometheusServer.IsInstalled && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            return; // every test here is a [PrometheusFact] and is skipped
        }

        _exporter = await TestExporter.StartAsync();
        TrafficStarted = TimeProvider.System.GetUtcNow();

        // Istio: the canary is podinfo-v2; the stable podinfo-v1 misbehaves so that selecting it by mistake shows.
        foreach (var ns in new[] { "healthy", "errors", "slow", "idle", "notfound" })
        {
            _exporter.Serve(MetricShape.Istio(ns, "podinfo-v1", "podinfo"), Traffic.WithErrors(0.5) with { Latency = TimeSpan.FromSeconds(3) });
        }

        _exporter.Serve(MetricShape.Istio("healthy", "podinfo-v2", "podinfo"), Traffic.Healthy());
        _exporter.Serve(MetricShape.Istio("errors", "podinfo-v2", "podinfo"), Traffic.WithErrors(0.05));
        _exporter.Serve(MetricShape.Istio("slow", "podinfo-v2", "podinfo"), Traffic.Slow(TimeSpan.FromMilliseconds(800)));
        _exporter.Serve(MetricShape.Istio("idle", "podinfo-v2", "podinfo"), Traffic.None);
        _exporter.Serve(MetricShape.Istio("notfound", "podinfo-v2", "podinfo"), Traffic.WithNotFound(0.10));

        // NGINX: the primary (canary="") fails half its requests; the canary backend is healthy.
        _exporter.Serve(MetricShape.Nginx("web", "podinfo", "podinfo-v1", string.Empty), Traffic.WithErrors(0.5) with { Latency = TimeSpan.FromSeconds(3) });
        _exporter.Serve(MetricShape.Nginx("web", "podinfo", "podinfo-v2", "web-podinfo-v2-9898"), Traffic.Healthy());

        // App metrics: two canary pods and a stable pod whose name shares the prefix.
        _exporter.Serve(MetricShape.App("apps", "podinfo-v2-7d9f8c6b5-abcde"), Traffic.Healthy(50));
        _exporter.Serve(MetricShape.App("apps", "podinfo-v2-7d9f8c6b5-fghij"), Traffic.WithErrors(0.02, 50));
        _exporter.Serve(MetricShape.App("apps", "podinfo-v1-5c4b3a2d1-klmno"), Traffic.WithErrors(0.5) with { Latency = TimeSpan.FromSeconds(3) });

        _prometheus = await PrometheusServer.StartAsync([_exporter.Target]);
    }

    /// <summary>Waits until every request counter of the namespace has enough samples for a 5s rate.</summary>
    public Task WaitForDataAsync(string selector) => Prometheus.WaitForSamplesAsync(selector, 5, Window);

    public async Task DisposeAsync()
    {
        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync();
        }

        if (_exporter is not null)
        {
            await _exporter.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RealPrometheusCollection : ICollectionFixture<RealPrometheusFixture>
{
    public const string Name = "real prometheus";
}
