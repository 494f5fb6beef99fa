using System.Text.Json;
using Graystep.Core.Errors;
using Graystep.Core.Reports;
using Graystep.TestKit;
using Graystep.TestKit.Browser;
using Graystep.TestKit.Prometheus;

namespace Graystep.Cli.Commands.Tests.Report;

/// <summary>
/// The report in a real headless chromium: it loads without script errors (the page's own script marks the root
/// element once its charts are drawn; an error flips the mark), injected markup does not run, and a screenshot of a
/// report with real Prometheus data shows the canary and stable lines and a weight line that climbs.
/// </summary>
public sealed class ReportBrowserTests
{
    private static readonly DateTimeOffset Seed = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_page_loads_without_script_errors_and_injected_markup_does_not_run()
    {
        HeadlessChromium.RequireInstalled();
        using var rig = new ReportRig(Seed, metricsServer: "http://127.0.0.1:1");
        rig.Rollout.Steps(Start, steps: 4, TimeSpan.FromMinutes(1), judge: true);
        const string Evil = "<script>document.documentElement.setAttribute('data-pwned','1')</script>";
        rig.Rollout.Commit(Start + TimeSpan.FromMinutes(9), "rollback", "v2", 0, "4/4", "reviews: roll back " + Evil, "Reason: " + Evil);
        var file = rig.Combine("page.html");
        var result = rig.Run(TimeProvider.System, "report", CraftedRollout.SpecPath, "--out", file);
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());

        var dom = await HeadlessChromium.DumpDomAsync(file);

        // The weight chart and the judge's two charts drew; the metric charts are empty (Prometheus is unreachable).
        Assert.Contains("data-report=\"ready\"", dom, StringComparison.Ordinal);
        Assert.Contains("data-charts=\"3\"", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("data-pwned=\"1\"", dom, StringComparison.Ordinal);

        // The mark is a real detector: the same page with a script error after the report's script says so.
        var broken = rig.Combine("broken.html");
        await File.WriteAllTextAsync(broken, (await File.ReadAllTextAsync(file)).Replace("</body>", "<script>null.boom();</script></body>", StringComparison.Ordinal));
        var brokenDom = await HeadlessChromium.DumpDomAsync(broken);
        Assert.Contains("data-report=\"error: ", brokenDom, StringComparison.Ordinal);
    }

    [PrometheusFact]
    public async Task A_screenshot_shows_the_metrics_from_prometheus_and_the_weight_climbing()
    {
        HeadlessChromium.RequireInstalled();
        await using var exporter = await TestExporter.StartAsync();
        exporter.Serve(MetricShape.Istio("bookinfo", "reviews-v1", "reviews"), Traffic.Healthy(50));
        exporter.Serve(MetricShape.Istio("bookinfo", "reviews-v2", "reviews"), Traffic.WithErrors(0.2, 50) with { Latency = TimeSpan.FromMilliseconds(300) });
        await using var prometheus = await PrometheusServer.StartAsync([exporter.Target]);
        await prometheus.WaitForSamplesAsync("istio_requests_total{destination_workload=\"reviews-v2\"}", 6, "1m", TimeSpan.FromSeconds(30));

        // A rollout whose commits span the last half minute, ending at 50%.
        var now = TimeProvider.System.GetUtcNow();
        using var rig = new ReportRig(now - TimeSpan.FromMinutes(5));
        rig.Rollout.Commit(now - TimeSpan.FromSeconds(40), "initialize", "v1", 100, "0/0", "reviews: initialize v1 at 100%", "First.");
        rig.Rollout.Commit(now - TimeSpan.FromSeconds(30), "start", "v2", 0, "0/2", "reviews: start v2 at 0%", "Started.");
        rig.Rollout.Commit(now - TimeSpan.FromSeconds(20), "step", "v2", 10, "1/2", "reviews: shift 10% to v2 (step 1/2)", CraftedRollout.AnalysisBody());
        rig.Rollout.Commit(now - TimeSpan.FromSeconds(5), "step", "v2", 50, "2/2", "reviews: shift 50% to v2 (step 2/2)", CraftedRollout.JudgeBody(1.5, 0.9, "inf", "inconclusive"));
        var file = rig.Combine("metrics.html");

        var result = rig.Run(TimeProvider.System, "report", CraftedRollout.SpecPath, "--out", file, "--prometheus", prometheus.Address.ToString(), "-o", "json");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal(string.Empty, result.Error);
        using (var json = JsonDocument.Parse(result.Out))
        {
            foreach (var metric in json.RootElement.GetProperty("metrics").EnumerateArray())
            {
                Assert.True(metric.GetProperty("canaryPoints").GetInt32() >= 2, result.Out);
                Assert.True(metric.GetProperty("stablePoints").GetInt32() >= 2, result.Out);
            }
        }

        var dom = await HeadlessChromium.DumpDomAsync(file);
        Assert.Contains("data-report=\"ready\"", dom, StringComparison.Ordinal);
        Assert.Contains("data-charts=\"5\"", dom, StringComparison.Ordinal);

        var png = await HeadlessChromium.ScreenshotAsync(file, rig.Combine("metrics.png"), 1000, 1500);

        // Canary and stable lines: far more pixels of their colours than the legend's two swatches (18×4 each).
        Assert.True(png.Find(ReportHtml.CanaryColour).Count > 300, $"canary pixels: {png.Find(ReportHtml.CanaryColour).Count}");
        Assert.True(png.Find(ReportHtml.StableColour).Count > 300, $"stable pixels: {png.Find(ReportHtml.StableColour).Count}");

        // The weight line starts low on the left (0%) and ends high on the right (50%), inside the first chart.
        var weight = png.Find(ReportHtml.WeightColour);
        Assert.True(weight.Count > 300, $"weight pixels: {weight.Count}");
        var left = weight.Where(p => p.X <= weight.Min(q => q.X) + 2).Average(p => p.Y);
        var right = weight.Where(p => p.X >= weight.Max(q => q.X) - 2).Average(p => p.Y);
        Assert.True(left - right > 50, $"the weight line should climb: left y {left}, right y {right}");
        Assert.True(weight.Max(p => p.X) - weight.Min(p => p.X) > 400, "the weight line spans the chart");

        // The judge's dot for the last check is drawn (inconclusive: grey).
        Assert.NotEmpty(png.Find(ReportHtml.InconclusiveColour));
    }
}
