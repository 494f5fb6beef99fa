using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Graystep.Core.Reports;

namespace Graystep.CiAgents.GitHub;

/// <summary>
/// The markdown appended to <c>$GITHUB_STEP_SUMMARY</c>: the state, the analysis table, and a Mermaid
/// <c>xychart-beta</c> of the canary weight over time, which GitHub renders in the run's summary page.
/// </summary>
public static partial class GitHubStepSummary
{
    public static string Render(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"## Graystep: {Cell(report.RolloutId)} {report.Result.ToText()}\n\n");
        md.Append("| Phase | Stable | Canary | Canary weight | Result |\n");
        md.Append("|---|---|---|---|---|\n");
        md.Append(CultureInfo.InvariantCulture,
            $"| {report.Phase} | {Cell(report.Stable)} | {Cell(string.IsNullOrEmpty(report.Canary) ? "-" : report.Canary)} | {report.Weight}% | {report.Result.ToWire()} |\n");
        if (!string.IsNullOrWhiteSpace(report.Reason))
        {
            md.Append(CultureInfo.InvariantCulture, $"\n**Reason:** {Cell(report.Reason)}\n");
        }

        md.Append("\n### Analysis\n\n");
        if (report.Analysis.Count == 0)
        {
            md.Append("No analysis has run yet.\n");
        }
        else
        {
            md.Append("| Metric | Value | Threshold | Verdict |\n");
            md.Append("|---|---|---|---|\n");
            foreach (var row in report.Analysis)
            {
                var mark = row.Passed ? "✅" : "❌";
                md.Append(CultureInfo.InvariantCulture, $"| {Cell(row.Metric)} | {Cell(row.Value)} | {Cell(row.Threshold)} | {mark} {Cell(row.Verdict)} |\n");
            }
        }

        if (report.Timeline.Count > 0)
        {
            md.Append("\n### Canary weight\n\n");
            md.Append(Chart(report.RolloutId, report.Timeline));
            if (MermaidCharts.JudgeRatios(report.Decisions) is { Length: > 0 } ratios)
            {
                md.Append("\n### Judge: canary/stable ratio\n\n").Append(ratios);
            }

            md.Append("\n| Time (UTC) | Action | Version | Weight |\n");
            md.Append("|---|---|---|---|\n");
            foreach (var point in report.Timeline)
            {
                md.Append(CultureInfo.InvariantCulture,
                    $"| {point.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} | {Cell(point.Action)} | {Cell(point.Version)} | {point.Weight}% |\n");
            }
        }

        return md.ToString();
    }

    /// <summary>A fenced Mermaid <c>xychart-beta</c> block: one x label per traffic change, the weight as a line.</summary>
    /// <summary>The summary of a run Graystep could not finish: the heading and the reason, as a table cell is escaped.</summary>
    public static string RenderFailure(string reason) =>
        $"### Graystep: failed\n\n{Cell(reason)}\n";

    public static string Chart(string rolloutId, IReadOnlyList<TimelinePoint> timeline)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        return MermaidCharts.Weight(rolloutId, [.. timeline.Select(p => (p.Time, p.Weight))]);
    }

    /// <summary>
    /// A table cell: pipes would end the cell, line breaks the row, and a '&lt;' that starts a tag could hide text
    /// (a '&lt;' before a space or digit, as in "&lt;= 500", is left alone).
    /// </summary>
    internal static string Cell(string text) =>
        TagStart().Replace(
            text.Replace("\r\n", "\n", StringComparison.Ordinal)
                .Replace('\r', '\n')
                .Replace("|", "\\|", StringComparison.Ordinal),
            "&lt;")
            .Replace("\n", "<br>", StringComparison.Ordinal);

    [GeneratedRegex("<(?=[A-Za-z/!?])")]
    private static partial Regex TagStart();
}
