using Graystep.Core.Spec;

namespace Graystep.Core.Reports;

/// <summary>One sample of a metric over time.</summary>
public readonly record struct SeriesPoint(DateTimeOffset Time, double Value);

/// <summary>
/// One metric over the rollout's time span, for the canary and the stable version (the metric's query run once per
/// version, sampled every <see cref="Step"/>). <see cref="Note"/> says why a series is empty (no data, an error).
/// </summary>
public sealed record MetricSeries(
    string Name,
    ThresholdRange? Threshold,
    TimeSpan Step,
    IReadOnlyList<SeriesPoint> Canary,
    IReadOnlyList<SeriesPoint> Stable,
    string? Note = null);

/// <summary>
/// Everything <c>graystep report</c> shows: the decisions of the latest rollout (from the commits), each metric over
/// the same span (from Prometheus), and a note when the metrics could not be read. Pure data; <see cref="ReportHtml"/>
/// draws it.
/// </summary>
public sealed record RolloutReport(
    string RolloutId,
    string? Stable,
    string? Canary,
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset GeneratedAt,
    IReadOnlyList<DecisionRecord> Decisions,
    IReadOnlyList<MetricSeries> Metrics,
    string? MetricsNote)
{
    /// <summary>The span a chart covers: the decisions' span (to now while active), widened so a single commit still has width.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Span(IReadOnlyList<DecisionRecord> decisions, DateTimeOffset now, bool active)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        if (decisions.Count == 0)
        {
            return (now - TimeSpan.FromMinutes(30), now);
        }

        // An active rollout runs to now, but one left alone for months should not squash its own steps into a line:
        // at most as long again after its last commit (and at least ten minutes).
        var from = decisions[0].Time;
        var last = decisions[^1].Time;
        var tail = TimeSpan.FromTicks(Math.Max((last - from).Ticks, TimeSpan.FromMinutes(10).Ticks));
        var to = active && now > last ? (now - last < tail ? now : last + tail) : last;
        var pad = TimeSpan.FromTicks(Math.Max((to - from).Ticks / 20, TimeSpan.FromMinutes(1).Ticks));
        return (from - pad, to + pad);
    }

    /// <summary>Whether the latest rollout is still going (it started, and neither a promotion nor a rollback ended it).</summary>
    public static bool IsActive(IReadOnlyList<DecisionRecord> decisions) =>
        decisions.Any(d => d.Action == "start") && !decisions.Any(d => d.Action is "promote" or "rollback");
}
