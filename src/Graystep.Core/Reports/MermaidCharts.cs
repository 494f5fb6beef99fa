using System.Globalization;
using System.Text;

namespace Graystep.Core.Reports;

/// <summary>
/// Mermaid <c>xychart-beta</c> blocks, which GitHub renders in markdown (step summaries, pull-request descriptions):
/// the canary weight over time and the judge's canary/stable ratio with its interval at each check.
/// </summary>
public static class MermaidCharts
{
    /// <summary>A fenced block: one x label per traffic change, the weight as a line.</summary>
    public static string Weight(string rolloutId, IReadOnlyList<(DateTimeOffset Time, int Weight)> timeline)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var labels = Labels(timeline.Select(p => p.Time).ToList());
        var weights = timeline.Select(p => Math.Clamp(p.Weight, 0, 100).ToString(CultureInfo.InvariantCulture));
        var chart = new StringBuilder();
        chart.Append("```mermaid\n");
        chart.Append("xychart-beta\n");
        chart.Append(CultureInfo.InvariantCulture, $"    title \"{Label(rolloutId)}: canary weight (%)\"\n");
        chart.Append(CultureInfo.InvariantCulture, $"    x-axis [{string.Join(", ", labels)}]\n");
        chart.Append("    y-axis \"weight (%)\" 0 --> 100\n");
        chart.Append(CultureInfo.InvariantCulture, $"    line [{string.Join(", ", weights)}]\n");
        chart.Append("```\n");
        return chart.ToString();
    }

    /// <summary>
    /// One fenced block per metric the judge recorded: at each check (x), three lines: the interval's upper bound,
    /// the estimated ratio, and the lower bound. An open upper bound (<c>inf</c>) is drawn at the top of the axis.
    /// Empty when no decision carries a judge table.
    /// </summary>
    public static string JudgeRatios(IReadOnlyList<DecisionRecord> decisions)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        var judged = decisions.Where(d => d.Judge is { Rows.Count: > 0 }).ToList();
        var text = new StringBuilder();
        foreach (var metric in judged.SelectMany(d => d.Judge!.Rows.Select(r => r.Metric)).Distinct(StringComparer.Ordinal))
        {
            var checks = judged
                .Select(d => (d.Time, Row: d.Judge!.Rows.FirstOrDefault(r => r.Metric == metric)))
                .Where(c => c.Row is { Ratio: { } r } && double.IsFinite(r))
                .ToList();
            if (checks.Count == 0)
            {
                continue;
            }

            var finite = checks.SelectMany(c => new[] { c.Row!.Ratio, c.Row.Lower, c.Row.Upper }).OfType<double>().Where(double.IsFinite).ToList();
            var effect = judged[^1].Judge!.MinimumEffect ?? 1;
            var top = Math.Ceiling(Math.Round(Math.Max(Math.Max(effect, 2), finite.Max()) * 11, 6)) / 10;
            string V(double? v, double fallback) => Value(v is { } x ? (double.IsPositiveInfinity(x) ? top : Math.Clamp(x, 0, top)) : fallback);
            text.Append("```mermaid\n");
            text.Append("xychart-beta\n");
            text.Append(CultureInfo.InvariantCulture, $"    title \"{Label(metric)}: canary/stable ratio and interval (judge)\"\n");
            text.Append(CultureInfo.InvariantCulture, $"    x-axis [{string.Join(", ", Labels(checks.Select(c => c.Time).ToList()))}]\n");
            text.Append(CultureInfo.InvariantCulture, $"    y-axis \"ratio\" 0 --> {Value(top)}\n");
            text.Append(CultureInfo.InvariantCulture, $"    line [{string.Join(", ", checks.Select(c => V(c.Row!.Upper, c.Row.Ratio!.Value)))}]\n");
            text.Append(CultureInfo.InvariantCulture, $"    line [{string.Join(", ", checks.Select(c => V(c.Row!.Ratio, 0)))}]\n");
            text.Append(CultureInfo.InvariantCulture, $"    line [{string.Join(", ", checks.Select(c => V(c.Row!.Lower, c.Row.Ratio!.Value)))}]\n");
            text.Append("```\n");
        }

        return text.ToString();
    }

    private static IEnumerable<string> Labels(IReadOnlyList<DateTimeOffset> times)
    {
        var sameDay = times.Select(t => t.UtcDateTime.Date).Distinct().Count() <= 1;
        var format = sameDay ? "HH:mm:ss" : "MM-dd HH:mm";
        return times.Select(t => $"\"{t.UtcDateTime.ToString(format, CultureInfo.InvariantCulture)}\"");
    }

    private static string Value(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A Mermaid quoted string cannot hold a double quote or a line break.</summary>
    private static string Label(string text) =>
        text.Replace('"', '\'').Replace('\r', ' ').Replace('\n', ' ');
}
