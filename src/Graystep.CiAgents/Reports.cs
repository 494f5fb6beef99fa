using System.Globalization;
using Graystep.Core.Analysis;
using Graystep.Core.Reports;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;

namespace Graystep.CiAgents;

/// <summary>How a <c>graystep run</c> (or status) ended, as the CI step outputs name it.</summary>
public enum StepResult
{
    /// <summary>The canary became the stable version.</summary>
    Promoted,

    /// <summary>Analysis or the deadline failed and traffic went back to the stable version.</summary>
    RolledBack,

    /// <summary>Still moving (<c>--once</c> or <c>--timeout</c>); run again to continue.</summary>
    InProgress,

    /// <summary>A reviewer must approve a pull request before the rollout can go on.</summary>
    WaitingApproval,

    /// <summary>Graystep itself failed (not the canary).</summary>
    Failed,

    /// <summary>The command did what it was asked and there was nothing to roll out.</summary>
    Ok,
}

public static class RunResults
{
    /// <summary>The value of the <c>result</c> output: promoted, rolled-back, in-progress, waiting-approval, failed, ok.</summary>
    public static string ToWire(this StepResult result) => result switch
    {
        StepResult.Promoted => "promoted",
        StepResult.RolledBack => "rolled-back",
        StepResult.InProgress => "in-progress",
        StepResult.WaitingApproval => "waiting-approval",
        StepResult.Failed => "failed",
        StepResult.Ok => "ok",
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, null),
    };

    /// <summary>The same, as a person reads it in a heading.</summary>
    public static string ToText(this StepResult result) => result switch
    {
        StepResult.Promoted => "promoted",
        StepResult.RolledBack => "rolled back",
        StepResult.InProgress => "in progress",
        StepResult.WaitingApproval => "waiting for approval",
        StepResult.Failed => "failed",
        StepResult.Ok => "ok",
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, null),
    };

    public static bool IsFailure(this StepResult result) => result is StepResult.RolledBack or StepResult.Failed;

    public static bool IsPending(this StepResult result) => result is StepResult.InProgress or StepResult.WaitingApproval;
}

/// <summary>One row of the analysis table, already formatted for people: what every CI report shows.</summary>
public sealed record AnalysisRow(string Metric, string Value, string Threshold, string Verdict, bool Passed)
{
    public static AnalysisRow From(MetricResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var value = result.Value is { } v && !double.IsNaN(v) ? v.ToString("G6", CultureInfo.InvariantCulture) : "no data";
        var verdict = result.Verdict switch
        {
            Core.Analysis.Verdict.Pass => "pass",
            Core.Analysis.Verdict.Fail => "fail",
            Core.Analysis.Verdict.NoData => "no data",
            _ => "error",
        };
        return new AnalysisRow(result.Name, value, FormatThreshold(result.Threshold), verdict, result.Passed);
    }

    public static string FormatThreshold(ThresholdRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        static string F(double d) => d.ToString("G6", CultureInfo.InvariantCulture);
        return (range.Min, range.Max) switch
        {
            ({ } min, { } max) => $">= {F(min)} and <= {F(max)}",
            ({ } min, null) => $">= {F(min)}",
            (null, { } max) => $"<= {F(max)}",
            _ => "any",
        };
    }
}

/// <summary>One traffic change of the rollout (one commit), for the weight-over-time chart.</summary>
public sealed record TimelinePoint(DateTimeOffset Time, string Action, string Version, int Weight);

/// <summary>
/// What the CLI hands a CI agent at the end of a run: the state, the result and why, the last analysis table and the
/// timeline. <see cref="Version"/> is the version this run is about: the canary while there is one, else the stable.
/// </summary>
public sealed record RunReport(
    string RolloutId,
    RolloutPhase Phase,
    string Stable,
    string? Canary,
    int Weight,
    StepResult Result,
    string Reason,
    IReadOnlyList<AnalysisRow> Analysis,
    IReadOnlyList<TimelinePoint> Timeline)
{
    public string Version => string.IsNullOrEmpty(Canary) ? Stable : Canary;

    /// <summary>The latest rollout's commits with what their bodies recorded (the judge's tables), for the ratio charts.</summary>
    public IReadOnlyList<DecisionRecord> Decisions { get; init; } = [];

    /// <summary>
    /// The step outputs every agent publishes, in a fixed order: phase, version, weight, result, stable, canary,
    /// reason. Values are raw (no escaping); each protocol escapes its own way.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Outputs() =>
    [
        new("phase", Phase.ToString()),
        new("version", Version),
        new("weight", Weight.ToString(CultureInfo.InvariantCulture)),
        new("result", Result.ToWire()),
        new("stable", Stable),
        new("canary", Canary ?? string.Empty),
        new("reason", Reason),
    ];
}

public enum ProblemSeverity
{
    Error,
    Warning,
}

/// <summary>A validation problem that CI systems can pin to a file and line. Line and column are 1-based; null when unknown.</summary>
public sealed record Problem(string? File, int? Line, int? Column, string Message, ProblemSeverity Severity = ProblemSeverity.Error)
{
    public static Problem From(SpecProblem problem, ProblemSeverity severity = ProblemSeverity.Error)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var message = problem.FieldPath.Length == 0 ? problem.Message : $"{problem.FieldPath}: {problem.Message}";
        var location = problem.Location;
        return new Problem(location.File, location.Line > 0 ? location.Line : null, location.Column > 0 ? location.Column : null, message, severity);
    }
}
