using Graystep.Core.Analysis;

namespace Graystep.Engine.Analysis;

/// <summary>Settings of an analysis round.</summary>
public sealed record AnalysisOptions
{
    /// <summary>The <c>--prometheus</c> and <c>--prometheus-map</c> options.</summary>
    public MetricsServers MetricsServers { get; init; } = MetricsServers.None;

    /// <summary>
    /// The <c>--prometheus</c> option alone: used when a MetricTemplate has no <c>provider.address</c>, in place of
    /// <c>spec.metricsServer</c>.
    /// </summary>
    public Uri? MetricsServerOverride
    {
        get => MetricsServers.Override;
        init => MetricsServers = MetricsServers with { Override = value };
    }

    /// <summary>How many metric queries run at once; results keep the spec's order.</summary>
    public int MaxConcurrentQueries { get; init; } = 4;
}

/// <summary>
/// Checks every metric of the spec once, as Flagger does each interval, with whatever metric provider each metric
/// names: <see cref="MetricPlanner"/> plans the queries and judges the answers, the registered providers answer.
/// Each metric gets its own result; one failing query never fails the round.
/// </summary>
public sealed class MetricAnalysisRunner(MetricProviderRegistry providers, TimeProvider time, AnalysisOptions? options = null) : IAnalysisRunner
{
    private readonly AnalysisOptions _options = options ?? new AnalysisOptions();

    public async Task<IReadOnlyList<MetricResult>> RunAsync(AnalysisContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = time.GetUtcNow();
        var checks = context.Spec.Analysis.Metrics
            .Select(metric => MetricPlanner.Plan(context, metric, now, _options.MetricsServers, providers))
            .ToList();
        using var gate = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentQueries));
        var spec = context.Spec;
        var alpha = JudgePlanner.AlphaPerMetric(spec);
        return await Task.WhenAll(checks.Select(check => JudgePlanner.IsJudged(spec, check.Metric)
            ? JudgeAsync(context, check, now, alpha, gate, cancellationToken)
            : RunAsync(check, gate, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>
    /// A metric of the sequential judge: its four counters (events and requests, canary and stable, over the judged
    /// window), judged in Core; the thresholdRange, when set, is also checked as an absolute guard.
    /// </summary>
    private async Task<MetricResult> JudgeAsync(AnalysisContext context, PlannedCheck check, DateTimeOffset now, double alpha, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        var metric = check.Metric;
        var (plan, decided) = JudgePlanner.Plan(context, metric, now, _options.MetricsServers, providers);
        if (decided is not null)
        {
            return decided;
        }

        var guarded = metric.ThresholdRange.Min is not null || metric.ThresholdRange.Max is not null;
        var guard = guarded ? await RunAsync(check, gate, cancellationToken).ConfigureAwait(false) : null;
        double?[] counts = new double?[4];
        string[] queries = [plan!.CanaryEvents, plan.CanaryTotal, plan.StableEvents, plan.StableTotal];
        for (var i = 0; i < queries.Length; i++)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                counts[i] = (await plan.Provider.QueryAsync(plan.Address, queries[i], cancellationToken, plan.Connection).ConfigureAwait(false)).Value;
            }
            catch (MetricQueryException ex)
            {
                return new MetricResult(metric.Name, queries[i], null, metric.ThresholdRange, plan.Window, Verdict.Error, ex.Message);
            }
            finally
            {
                gate.Release();
            }
        }

        var judged = JudgePlanner.Judge(plan, counts[0], counts[1], counts[2], counts[3], alpha, context.Spec.Analysis.Judge.MinimumEffect);
        return guard is not null
            ? guard with { Judged = judged }
            : new MetricResult(metric.Name, plan.CanaryEvents, null, metric.ThresholdRange, plan.Window, Verdict.Pass, null, judged);
    }

    private static async Task<MetricResult> RunAsync(PlannedCheck check, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        if (check.Decided is not null)
        {
            return check.Decided;
        }

        MetricResult Error(string detail) =>
            new(check.Metric.Name, check.Query, null, check.Metric.ThresholdRange, check.Window, Verdict.Error, detail);

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        MetricReading reading;
        try
        {
            reading = await check.Provider!.QueryAsync(check.Address!, check.Query, cancellationToken, check.Connection).ConfigureAwait(false);
        }
        catch (MetricQueryException ex)
        {
            return Error(ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A round must always produce a result per metric; an unexpected failure is still reported, not thrown.
            return Error("unexpected error: " + ex.Message);
        }
        finally
        {
            gate.Release();
        }

        return MetricPlanner.Judge(check, reading);
    }
}
