using Graystep.Core.Reports;
using Graystep.Core.Spec;

namespace Graystep.Core.Tests.Reports;

public sealed class ReportHtmlTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Prometheus_text_is_escaped_and_gaps_break_the_line()
    {
        var points = new[] { 0, 1, 2, 10, 11 }.Select(s => new SeriesPoint(T0.AddSeconds(s * 15), 99 + s)).ToList();
        var metric = new MetricSeries("<b>rate</b>", new ThresholdRange(99, null), TimeSpan.FromSeconds(15), points, [], "stable v1: \"no data\" <i>");
        var report = new RolloutReport("ns/<app>", "v1", "v2", T0, T0.AddMinutes(5), T0, [], [metric], "<script>alert(1)</script>");

        var html = ReportHtml.Render(report);

        Assert.DoesNotContain("<b>rate", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<i>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;rate&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("ns/&lt;app&gt;", html, StringComparison.Ordinal);

        // Three points, a 2-minute gap, two points: two lines, not one straight across the gap.
        Assert.Equal(2, html.Split("<polyline").Length - 1);
    }
}
