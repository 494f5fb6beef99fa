using Graystep.Metrics.Prometheus;
using System.Diagnostics;
using Graystep.Core.Analysis;
using Graystep.Core.Spec;
using Graystep.TestKit.Prometheus;
using Graystep.TestKit;

namespace Graystep.Metrics.Tests;

/// <summary>Prometheus dies in the middle of a rollout: the runner retries, then reports errors; it never throws.</summary>
public sealed class PrometheusOutageTests
{
    [PrometheusFact]
    public async Task Prometheus_killed_mid_test_gives_error_verdicts_after_retries()
    {
        await using var exporter = await TestExporter.StartAsync();
        var started = TimeProvider.System.GetUtcNow();
        exporter.Serve(MetricShape.Istio("outage", "podinfo-v2", "podinfo"), Traffic.Healthy());
        await using var prometheus = await PrometheusServer.StartAsync([exporter.Target]);
        await prometheus.WaitForSamplesAsync("istio_requests_total{destination_workload_namespace=\"outage\"}", 3, "5s");

        var metrics = new[]
        {
            AnalysisSpecs.Metric("request-success-rate", TimeSpan.FromSeconds(5), min: 99),
            AnalysisSpecs.Metric("request-duration", TimeSpan.FromSeconds(5), max: 500),
        };
        var spec = AnalysisSpecs.Rollout(StandardProviders.Istio, "outage", "podinfo", prometheus.Address.ToString(), metrics);
        var context = AnalysisSpecs.Context(spec, started);
        var retry = new RetryPolicy { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(50), MaxTotal = TimeSpan.FromSeconds(5) };
        using var handler = new SocketsHttpHandler();
        var runner = PrometheusAnalysis.Create(handler, client: new PrometheusClientOptions { Retry = retry, QueryTimeout = TimeSpan.FromSeconds(2) });

        var before = await runner.RunAsync(context, CancellationToken.None);
        Assert.All(before, r => Assert.Equal(Verdict.Pass, r.Verdict));

        prometheus.Kill();
        var clock = Stopwatch.StartNew();
        var after = await runner.RunAsync(context, CancellationToken.None);

        Assert.All(after, r =>
        {
            Assert.Equal(Verdict.Error, r.Verdict);
            Assert.Null(r.Value);
            Assert.StartsWith($"Prometheus at {prometheus.Address} could not connect: ", r.Detail, StringComparison.Ordinal);
            Assert.Contains("(3 attempts in ", r.Detail, StringComparison.Ordinal);
        });
        Assert.Equal(2, new AnalysisRound(after).FailedCount);

        // 50ms + 100ms of backoff, not the default 30s budget.
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(5));
    }
}
