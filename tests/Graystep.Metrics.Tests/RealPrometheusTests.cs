using Graystep.Core.Analysis;
using Graystep.Core.Spec;
using Graystep.TestKit.Prometheus;
using Graystep.TestKit;
using Graystep.Core.Providers;

namespace Graystep.Metrics.Tests;

/// <summary>The analysis runner against a real Prometheus scraping the test exporter.</summary>
[Collection(RealPrometheusCollection.Name)]
public sealed class RealPrometheusTests(RealPrometheusFixture fixture)
{
    private static readonly TimeSpan FiveSeconds = TimeSpan.FromSeconds(5);

    private static readonly MetricSpec[] BuiltIns =
    [
        AnalysisSpecs.Metric("request-success-rate", FiveSeconds, min: 99),
        AnalysisSpecs.Metric("request-duration", FiveSeconds, max: 500),
    ];

    [PrometheusFact]
    public async Task A_healthy_canary_passes_both_built_ins()
    {
        var results = await RunAsync(StandardProviders.Istio, "healthy", BuiltIns);

        Assert.All(results, r => Assert.Equal(Verdict.Pass, r.Verdict));
        Assert.Equal(100, results[0].Value);

        // 20ms requests fall in Istio's (10, 25] ms bucket; histogram_quantile interpolates inside it.
        Assert.InRange(results[1].Value!.Value, 10, 25);
        Assert.All(results, r => Assert.Equal(FiveSeconds, r.Window));
    }

    [PrometheusFact]
    public async Task A_canary_with_5_percent_errors_fails_the_success_rate()
    {
        var results = await RunAsync(StandardProviders.Istio, "errors", BuiltIns);

        Assert.Equal(Verdict.Fail, results[0].Verdict);
        Assert.InRange(results[0].Value!.Value, 94, 96);
        Assert.StartsWith("9", results[0].Detail, StringComparison.Ordinal);
        Assert.EndsWith(" is below the minimum 99", results[0].Detail, StringComparison.Ordinal);
        Assert.Equal(Verdict.Pass, results[1].Verdict);
    }

    [PrometheusFact]
    public async Task A_slow_canary_fails_the_request_duration()
    {
        var results = await RunAsync(StandardProviders.Istio, "slow", BuiltIns);

        Assert.Equal(Verdict.Pass, results[0].Verdict);
        Assert.Equal(Verdict.Fail, results[1].Verdict);

        // 800ms requests fall in the (500, 1000] ms bucket.
        Assert.InRange(results[1].Value!.Value, 800, 1000);
    }

    [PrometheusFact]
    public async Task A_canary_without_traffic_has_no_data()
    {
        var results = await RunAsync(StandardProviders.Istio, "idle", BuiltIns, waitFor: "istio_request_duration_milliseconds_count{destination_workload_namespace=\"idle\"}");

        Assert.All(results, r => Assert.Equal(Verdict.NoData, r.Verdict));
        Assert.Equal("the query returned no series; is podinfo-v2 receiving traffic?", results[0].Detail);
        Assert.Equal("the query returned NaN (no requests in the window?); is podinfo-v2 receiving traffic?", results[1].Detail);
    }

    [PrometheusFact]
    public async Task The_podinfo_not_found_percentage_template_computes_the_404_ratio()
    {
        var template = AnalysisSpecs.Template("not-found-percentage", "istio-system", AnalysisBenchmark.NotFoundPercentage);
        var metrics = new[]
        {
            AnalysisSpecs.Metric("404s percentage", FiveSeconds, max: 5, templateRef: "not-found-percentage") with { TemplateNamespace = "istio-system" },
            AnalysisSpecs.Metric("404s under 15", FiveSeconds, max: 15, templateRef: "not-found-percentage") with { TemplateNamespace = "istio-system" },
        };

        var results = await RunAsync(StandardProviders.Istio, "notfound", metrics, templates: [template]);

        Assert.InRange(results[0].Value!.Value, 9, 11);
        Assert.Equal([Verdict.Fail, Verdict.Pass], results.Select(r => r.Verdict));
        Assert.Contains("destination_workload=\"podinfo-v2\"", results[0].Query, StringComparison.Ordinal);
    }

    [PrometheusFact]
    public async Task A_range_query_returns_the_samples_of_one_series_and_refuses_several()
    {
        await fixture.WaitForDataAsync("istio_requests_total{destination_workload_namespace=\"errors\"}");
        using var handler = new SocketsHttpHandler();
        using var client = new Prometheus.PrometheusClient(fixture.Prometheus.Address, handler);
        var end = TimeProvider.System.GetUtcNow();
        var start = end - TimeSpan.FromSeconds(20);
        const string Selector = "istio_requests_total{destination_workload_namespace=\"errors\",destination_workload=\"podinfo-v2\"}";

        var points = await client.QueryRangeAsync($"sum(rate({Selector}[5s]))", start, end, TimeSpan.FromSeconds(2));

        // About 100 requests a second (TestExporter's default), a sample every 2 seconds, oldest first.
        Assert.True(points.Count >= 2, $"{points.Count} points");
        Assert.All(points, p => Assert.InRange(p.Value, 50, 150));
        Assert.All(points, p => Assert.InRange(p.Time, start - TimeSpan.FromSeconds(1), end + TimeSpan.FromSeconds(1)));
        Assert.Equal(points.OrderBy(p => p.Time), points);
        Assert.Empty(await client.QueryRangeAsync($"sum(rate({Selector.Replace("podinfo-v2", "nobody", StringComparison.Ordinal)}[5s]))", start, end, TimeSpan.FromSeconds(2)));

        var several = await Assert.ThrowsAsync<Prometheus.PrometheusException>(() => client.QueryRangeAsync($"rate({Selector}[5s])", start, end, TimeSpan.FromSeconds(2)));
        Assert.StartsWith("query returned 2 series; a metric query must return one", several.Message, StringComparison.Ordinal);
    }

    [PrometheusFact]
    public async Task A_query_returning_several_series_and_a_bad_query_are_errors_with_the_reason()
    {
        var metrics = new[]
        {
            AnalysisSpecs.Metric("per status", FiveSeconds, max: 5, query: "rate(istio_requests_total{destination_workload_namespace=\"{{ namespace }}\",destination_workload=\"{{ target }}\"}[{{ interval }}])"),
            AnalysisSpecs.Metric("broken", FiveSeconds, max: 5, query: "sum(rate(istio_requests_total[{{ interval }}])"),
            AnalysisSpecs.Metric("request-success-rate", FiveSeconds, min: 90),
        };

        var results = await RunAsync(StandardProviders.Istio, "errors", metrics);

        Assert.Equal([Verdict.Error, Verdict.Error, Verdict.Pass], results.Select(r => r.Verdict));
        Assert.Equal(
            "query returned 2 series; a metric query must return one: aggregate with sum(): " +
            "rate(istio_requests_total{destination_workload_namespace=\"errors\",destination_workload=\"podinfo-v2\"}[5s])",
            results[0].Detail);
        Assert.StartsWith($"Prometheus at {fixture.Prometheus.Address} rejected the query (400 bad_data: ", results[1].Detail, StringComparison.Ordinal);
        Assert.Contains("parse error", results[1].Detail, StringComparison.Ordinal);
    }

    [PrometheusFact]
    public async Task Nginx_built_ins_judge_the_canary_backend_only()
    {
        var results = await RunAsync(StandardProviders.Nginx, "web", BuiltIns, waitFor: "nginx_ingress_controller_requests{namespace=\"web\"}");

        Assert.Equal([Verdict.Pass, Verdict.Pass], results.Select(r => r.Verdict));
        Assert.Equal(100, results[0].Value);
        Assert.InRange(results[1].Value!.Value, 10, 25);
    }

    [PrometheusFact]
    public async Task App_metric_built_ins_judge_the_canary_pods_only()
    {
        var metrics = new[]
        {
            AnalysisSpecs.Metric("request-success-rate", FiveSeconds, min: 98),
            AnalysisSpecs.Metric("request-duration", FiveSeconds, max: 500),
        };

        foreach (var provider in new[] { StandardProviders.Kubernetes, StandardProviders.GatewayApi })
        {
            var results = await RunAsync(provider, "apps", metrics, waitFor: "http_requests_total{namespace=\"apps\"}");

            Assert.Equal([Verdict.Pass, Verdict.Pass], results.Select(r => r.Verdict));

            // The two canary pods: 100% and 98% success at 50 req/s each.
            Assert.InRange(results[0].Value!.Value, 98.5, 99.5);
            Assert.InRange(results[1].Value!.Value, 10, 25);
        }
    }

    private async Task<IReadOnlyList<MetricResult>> RunAsync(
        TrafficProvider provider,
        string ns,
        IReadOnlyList<MetricSpec> metrics,
        string? waitFor = null,
        IReadOnlyList<MetricTemplate>? templates = null)
    {
        await fixture.WaitForDataAsync(waitFor ?? $"istio_requests_total{{destination_workload_namespace=\"{ns}\"}}");
        var spec = AnalysisSpecs.Rollout(provider, ns, "podinfo", fixture.Prometheus.Address.ToString(), metrics);
        using var handler = new SocketsHttpHandler();
        var runner = PrometheusAnalysis.Create(handler);
        return await runner.RunAsync(AnalysisSpecs.Context(spec, fixture.TrafficStarted, templates: templates), CancellationToken.None);
    }
}
