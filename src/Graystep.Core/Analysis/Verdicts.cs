using Graystep.Core.Spec;

namespace Graystep.Core.Analysis;

public enum Verdict
{
    Pass,
    Fail,

    /// <summary>Empty result or NaN: counts as a failed check, as in Flagger.</summary>
    NoData,

    /// <summary>The query could not be run (Prometheus down after retries, several series): a failed check.</summary>
    Error,
}

/// <summary>The outcome of one metric check: an input of every decision, recorded in the commit body.</summary>
public sealed record MetricResult(
    string Name,
    string Query,
    double? Value,
    ThresholdRange Threshold,
    TimeSpan Window,
    Verdict Verdict,
    string? Detail = null,
    JudgeEvidence? Judged = null)
{
    public bool Passed => Verdict == Verdict.Pass;
}

/// <summary>What an analysis round needs to know about the rollout.</summary>
public sealed record AnalysisContext(
    RolloutSpec Spec,
    IReadOnlyList<MetricTemplate> Templates,
    string CanaryWorkload,
    string StableWorkload,
    DateTimeOffset AppliedAt,
    DateTimeOffset? JudgeSince = null);

/// <summary>Runs every metric of the spec once. Implemented by the metrics adapter.</summary>
public interface IAnalysisRunner
{
    Task<IReadOnlyList<MetricResult>> RunAsync(AnalysisContext context, CancellationToken cancellationToken);
}
