using Graystep.TestKit;
using Graystep.TestKit.Prometheus;

namespace Graystep.Metrics.Tests;

/// <summary>The exporter other test projects will lean on: its text format and its arithmetic are pinned here.</summary>
public sealed class TestExporterTests
{
    [Fact]
    public async Task Counters_and_histograms_grow_with_the_clock_in_the_Prometheus_text_format()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var exporter = await TestExporter.StartAsync(time);
        var shape = MetricShape.App("apps", "podinfo-v2-abc-def") with { Buckets = [0.1, 1] };
        exporter.Serve(shape, new Traffic { RequestsPerSecond = 10, ErrorRatio = 0.2, SlowRatio = 0.1, Latency = TimeSpan.FromMilliseconds(50), SlowLatency = TimeSpan.FromMilliseconds(500) });

        time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(
            "# TYPE http_request_duration_seconds histogram\n" +
            "http_request_duration_seconds_bucket{namespace=\"apps\",pod=\"podinfo-v2-abc-def\",le=\"0.1\"} 18\n" +
            "http_request_duration_seconds_bucket{namespace=\"apps\",pod=\"podinfo-v2-abc-def\",le=\"1\"} 20\n" +
            "http_request_duration_seconds_bucket{namespace=\"apps\",pod=\"podinfo-v2-abc-def\",le=\"+Inf\"} 20\n" +
            "http_request_duration_seconds_sum{namespace=\"apps\",pod=\"podinfo-v2-abc-def\"} 1.9\n" +
            "http_request_duration_seconds_count{namespace=\"apps\",pod=\"podinfo-v2-abc-def\"} 20\n" +
            "# TYPE http_requests_total counter\n" +
            "http_requests_total{namespace=\"apps\",pod=\"podinfo-v2-abc-def\",status=\"200\"} 16\n" +
            "http_requests_total{namespace=\"apps\",pod=\"podinfo-v2-abc-def\",status=\"500\"} 4\n",
            exporter.Render());
    }

    [Fact]
    public async Task Fractions_carry_over_so_shares_come_out_exact_and_series_go_when_stopped()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var exporter = await TestExporter.StartAsync(time);
        var source = exporter.Serve(MetricShape.Istio("ns", "podinfo-v2", "podinfo"), Traffic.WithNotFound(0.05, requestsPerSecond: 3));

        for (var i = 0; i < 100; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            exporter.Render();
        }

        Assert.Equal(30, source.Requests);
        var text = exporter.Render();
        Assert.Contains("response_code=\"404\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("response_code=\"200\"} 29\n", text, StringComparison.Ordinal);

        source.Stop();
        Assert.Equal(string.Empty, exporter.Render());
    }

    [Fact]
    public async Task Serves_the_metrics_over_http_on_loopback()
    {
        await using var exporter = await TestExporter.StartAsync();
        exporter.Serve(MetricShape.Nginx("web", "podinfo", "podinfo-v2", "web-podinfo-v2-80"), Traffic.None);
        using var http = new HttpClient();

        var body = await http.GetStringAsync(exporter.MetricsUrl);

        Assert.StartsWith("127.0.0.1:", exporter.Target, StringComparison.Ordinal);
        Assert.Contains("nginx_ingress_controller_request_duration_seconds_count{namespace=\"web\",ingress=\"podinfo\",canary=\"web-podinfo-v2-80\"} 0\n", body, StringComparison.Ordinal);
    }
}
