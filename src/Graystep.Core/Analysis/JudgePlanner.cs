using System.Globalization;
using System.Text;
using Graystep.Core.Providers;
using Graystep.Core.Spec;

namespace Graystep.Core.Analysis;

/// <summary>What the sequential judge saw for one metric and what it said: recorded in the commit body and JSON.</summary>
public sealed record JudgeEvidence(string Noun, VersionCounts Canary, VersionCounts Stable, JudgeVerdict Verdict, double Alpha, TimeSpan Window);

/// <summary>The four counter queries of one judged metric, rendered and ready for the metric provider.</summary>
public sealed record CounterPlan(
    MetricSpec Metric,
    string Noun,
    IMetricProvider Provider,
    Uri Address,
    TimeSpan Window,
    string CanaryEvents,
    string CanaryTotal,
    string StableEvents,
    string StableTotal)
{
    /// <summary>The counters' template headers, credentials and TLS setting; the default for built-ins.</summary>
    public MetricConnection Connection { get; init; } = MetricConnection.Default;
}

/// <summary>
/// Plans and judges the sequential judge's metrics. Pure: the round runner only runs the planned queries.
/// The evidence window runs from <see cref="AnalysisContext.JudgeSince"/> (when the canary's first weighted step was
/// applied, kept in the status file) or, on the first step, from when the step's commit was applied, to now: it is
/// recomputed from Prometheus at every check, so a run that dies and runs again neither loses nor double-counts
/// evidence.
/// </summary>
public static class JudgePlanner
{
    /// <summary>
    /// True when the sequential judge compares this metric: a metric with its own <c>counters</c> templates, or a
    /// built-in of a provider with counter queries.
    /// </summary>
    public static bool IsJudged(RolloutSpec spec, MetricSpec metric)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(metric);
        return spec.Analysis.Judge.IsSequential && (metric.Counters is not null || (metric.TemplateRef is null && string.IsNullOrWhiteSpace(metric.Query) &&
            BuiltinQueries.IsBuiltin(metric.Name) && spec.Provider.Queries.Counters is not null));
    }

    /// <summary>The alpha of each judged metric: the rollout's alpha split evenly across them.</summary>
    public static double AlphaPerMetric(RolloutSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return SequentialJudge.AlphaPerMetric(spec.Analysis.Judge.Alpha, spec.Analysis.Metrics.Count(m => IsJudged(spec, m)));
    }

    /// <summary>The counter queries of a judged metric, or a decided result (no address, no window yet, a bad template).</summary>
    public static (CounterPlan? Plan, MetricResult? Decided) Plan(AnalysisContext context, MetricSpec metric, DateTimeOffset now, MetricsServers? servers, MetricProviderRegistry providers)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(providers);
        var spec = context.Spec;
        var since = context.JudgeSince ?? context.AppliedAt;
        var window = now - since <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Floor((now - since).TotalSeconds));
        var duration = metric.Name == BuiltinQueries.DurationName;
        MetricResult Decided(Verdict verdict, string detail) => new(metric.Name, string.Empty, null, metric.ThresholdRange, window, verdict, detail);

        if (window <= TimeSpan.Zero)
        {
            return (null, Decided(Verdict.NoData, "the step was applied less than a second ago: there is no window to measure yet"));
        }

        if (metric.Counters is { } own)
        {
            return TemplateCounters.Plan(context, metric, own, window, servers ?? MetricsServers.None, providers);
        }

        var counters = spec.Provider.Queries.Counters ?? throw new InvalidOperationException($"provider {spec.Provider.Id} has no counter queries");

        var provider = providers.Get(MetricTemplate.DefaultProviderType);
        if ((servers ?? MetricsServers.None).Address(null, spec.MetricsServer, provider, out var error) is not { } address)
        {
            return (null, Decided(Verdict.Error, error!));
        }

        var slow = counters.BucketsInMilliseconds ? spec.Analysis.Judge.SlowRequest.TotalMilliseconds : spec.Analysis.Judge.SlowRequest.TotalSeconds;
        string Render(string template, string target) => MetricQueryBuilder.Build(template, new MetricQueryModel
        {
            Namespace = spec.Namespace,
            Target = target,
            Stable = context.StableWorkload,
            Interval = MetricWindow.Format(window),
            Service = spec.Service.Name ?? spec.TargetRef.Name,
            Ingress = spec.IngressRef?.Name ?? spec.TargetRef.Name,
            Variables = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                [CounterQueries.SlowBucketVariable] = slow.ToString("R", CultureInfo.InvariantCulture),
            },
        });

        var canary = counters.Canary;
        var stable = counters.Stable;
        return (new CounterPlan(
            metric,
            duration ? "slow" : "errors",
            provider,
            address,
            window,
            Render(duration ? canary.Slow : canary.Errors, context.CanaryWorkload),
            Render(duration ? canary.Observed : canary.Requests, context.CanaryWorkload),
            Render(duration ? stable.Slow : stable.Errors, context.StableWorkload),
            Render(duration ? stable.Observed : stable.Requests, context.StableWorkload)), null);
    }

    /// <summary>
    /// Judges the counters read for <paramref name="plan"/> (null: the query returned no series, read as zero: a version
    /// without traffic, or without errors, has no series yet).
    /// </summary>
    public static JudgeEvidence Judge(CounterPlan plan, double? canaryEvents, double? canaryTotal, double? stableEvents, double? stableTotal, double alpha, double minimumEffect)
    {
        ArgumentNullException.ThrowIfNull(plan);
        static double Count(double? value) => value is double v && double.IsFinite(v) && v > 0 ? Math.Round(v) : 0;
        var canary = new VersionCounts(Count(canaryEvents), Count(canaryTotal));
        var stable = new VersionCounts(Count(stableEvents), Count(stableTotal));
        return new JudgeEvidence(plan.Noun, canary, stable, SequentialJudge.Judge(canary, stable, alpha, minimumEffect), alpha, plan.Window);
    }

    /// <summary>
    /// The commit body's judge block (a contract: the report parses it). Columns two spaces apart, numbers with two
    /// decimals in the invariant culture, <c>inf</c> for an unbounded end.
    /// </summary>
    public static string Table(JudgeSpec judge, IReadOnlyList<MetricResult> results)
    {
        ArgumentNullException.ThrowIfNull(judge);
        ArgumentNullException.ThrowIfNull(results);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Judge: sequential, alpha {judge.Alpha.ToString("0.######", CultureInfo.InvariantCulture)}, minimum effect {judge.MinimumEffect.ToString("0.##", CultureInfo.InvariantCulture)}x\n");
        string[] header = ["METRIC", "CANARY", "STABLE", "RATIO", "INTERVAL", "OUTCOME"];
        var rows = new List<string[]> { header };
        foreach (var result in results)
        {
            if (result.Judged is not { } e)
            {
                continue;
            }

            rows.Add([result.Name, e.Canary.Format(e.Noun), e.Stable.Format(e.Noun), JudgeVerdict.FormatNumber(e.Verdict.Ratio), e.Verdict.Interval, JudgeVerdict.FormatOutcome(e.Verdict.Outcome)]);
        }

        var widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(row => row[c].Length)).ToArray();
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            for (var c = 0; c < row.Length; c++)
            {
                line.Append(c == row.Length - 1 ? row[c] : row[c].PadRight(widths[c] + 2));
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }

        return text.ToString();
    }
}
