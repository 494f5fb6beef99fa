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

    [Fact]
    public void An_active_rollout_runs_to_now_but_an_abandoned_one_does_not_squash_its_steps()
    {
        DecisionRecord At(int minute, string action) => new(T0.AddMinutes(minute), action, "v2", 10, "1/3", "r", "sha", "s", null, null);
        IReadOnlyList<DecisionRecord> decisions = [At(0, "start"), At(20, "step")];

        // Padded by a twentieth of the span (at least a minute) on each side.
        Assert.Equal(T0.AddMinutes(26.25), RolloutReport.Span(decisions, T0.AddMinutes(25), active: true).To);
        Assert.Equal(T0.AddMinutes(-1.25), RolloutReport.Span(decisions, T0.AddMinutes(25), active: true).From);
        Assert.Equal(T0.AddMinutes(42), RolloutReport.Span(decisions, T0.AddDays(90), active: true).To);
        Assert.Equal(T0.AddMinutes(21), RolloutReport.Span(decisions, T0.AddDays(90), active: false).To);
    }
}
