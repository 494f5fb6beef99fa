using Graystep.Core.Analysis;

namespace Graystep.Engine.Analysis;

/// <summary>Settings of an analysis round.</summary>
public sealed record AnalysisOptions
{
    /// <summary>
    /// The <c>--prometheus</c> option: used when a MetricTemplate has no <c>provider.address</c>, in place of
    /// <c>spec.metricsServer</c>.
    /// </summary>
    public Uri? MetricsServerOverride { get; init; }

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
            .Select(metric => MetricPlanner.Plan(context, metric, now, _options.MetricsServerOverride, providers))
            .ToList();
        using var gate = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentQueries));
        return await Task.WhenAll(checks.Select(check => RunAsync(check, gate, cancellationToken))).ConfigureAwait(false);
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
            reading = await check.Provider!.QueryAsync(check.Address!, check.Query, cancellationToken).ConfigureAwait(false);
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
