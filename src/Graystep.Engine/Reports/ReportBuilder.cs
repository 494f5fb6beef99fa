using Graystep.Core.Abstractions;
using Graystep.Core.Analysis;
using Graystep.Core.Reports;
using Graystep.Core.Rollouts;
using Graystep.Engine.Rollouts;

namespace Graystep.Engine.Reports;

/// <summary>
/// Gathers what <c>graystep report</c> shows: the latest rollout's decisions from <c>git log</c> (trailers and bodies),
/// and each metric of the spec over the rollout's span from its metric provider, for the canary and the stable version
/// (the metric's own query, planned as the analysis plans it, once per version). A provider that cannot be read does
/// not stop the report: the charts stay empty and <see cref="RolloutReport.MetricsNote"/> says why.
/// </summary>
public sealed class ReportBuilder(MetricProviderRegistry providers, TimeProvider time, MetricsServers? servers = null)
{
    /// <summary>At most this many samples per series keeps a 20-step page small.</summary>
    public const int MaxSamples = 240;

    /// <summary>Warnings for the command to print (the metrics could not be read).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    private readonly List<string> _warnings = [];

    public async Task<RolloutReport> BuildAsync(IGitWorkspace workspace, RolloutState state, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(state);
        var log = await workspace.LogAsync(state.Loaded.OutputPath, HistoryReader.MaxCommits, ct).ConfigureAwait(false);
        var (decisions, stable, canary) = DecisionRecords.Latest(DecisionRecords.From(log, state.Spec.Id));
        stable ??= state.Status?.Stable.Name;
        var now = time.GetUtcNow();
        var (from, to) = RolloutReport.Span(decisions, now, RolloutReport.IsActive(decisions));
        var (metrics, note) = canary is null || stable is null
            ? ([], state.Spec.Analysis.Metrics.Count > 0 ? "No canary has been started yet, so there are no metrics to compare." : null)
            : await MetricsAsync(state, stable, canary, from, to, ct).ConfigureAwait(false);
        return new RolloutReport(state.Spec.Id, stable, canary, from, to, now, decisions, metrics, note);
    }

    private async Task<(IReadOnlyList<MetricSeries> Metrics, string? Note)> MetricsAsync(
        RolloutState state, string stable, string canary, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var spec = state.Spec;
        if (spec.Analysis.Metrics.Count == 0)
        {
            return ([], "The spec has no analysis.metrics.");
        }

        var step = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((to - from).TotalSeconds / MaxSamples)));
        var canaryWorkload = VersionName.Workload(spec.TargetRef.Name, canary);
        var stableWorkload = VersionName.Workload(spec.TargetRef.Name, stable);
        var unreachable = new Dictionary<Uri, string>();
        var answered = new HashSet<Uri>();
        var series = new List<MetricSeries>();
        foreach (var metric in spec.Analysis.Metrics)
        {
            var notes = new List<string>();
            async Task<IReadOnlyList<SeriesPoint>> Read(string workload, string version)
            {
                // The metric's query as a check would run it, with {{ target }} set to this version's workload.
                var context = new AnalysisContext(spec, state.Loaded.Templates, workload, stableWorkload, to - TimeSpan.FromDays(1));
                var plan = MetricPlanner.Plan(context, metric, to, servers, providers);
                if (plan.Decided is { } decided)
                {
                    notes.Add($"{version}: {decided.Detail}");
                    return [];
                }

                if (plan.Provider is not IMetricRangeQuery range)
                {
                    notes.Add($"{version}: {plan.Provider!.Name} cannot answer range queries");
                    return [];
                }

                var address = plan.Address!;
                if (unreachable.ContainsKey(address))
                {
                    return [];
                }

                try
                {
                    var points = await range.QueryRangeAsync(address, plan.Query, from, to, step, ct, plan.Connection).ConfigureAwait(false);
                    answered.Add(address);
                    if (points.Count == 0)
                    {
                        notes.Add($"{version}: no data ({workload})");
                    }

                    return points;
                }
                catch (MetricQueryException ex)
                {
                    if (!answered.Contains(address))
                    {
                        // The first answer from this address failed: do not wait on it once per metric.
                        unreachable[address] = ex.Message;
                    }
                    else
                    {
                        notes.Add($"{version}: {ex.Message}");
                    }

                    return [];
                }
            }

            var canaryPoints = await Read(canaryWorkload, "canary " + canary).ConfigureAwait(false);
            var stablePoints = await Read(stableWorkload, "stable " + stable).ConfigureAwait(false);
            series.Add(new MetricSeries(metric.Name, metric.ThresholdRange, step, canaryPoints, stablePoints, notes.Count == 0 ? null : string.Join("; ", notes)));
        }

        string? note = null;
        if (unreachable.Count > 0)
        {
            note = "Metrics could not be read, so their charts are empty: " + string.Join("; ", unreachable.Values.Distinct(StringComparer.Ordinal));
            _warnings.Add(note);
        }

        return (series, note);
    }
}
