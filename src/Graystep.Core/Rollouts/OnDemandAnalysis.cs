using Graystep.Core.Analysis;
using Graystep.Core.Errors;

namespace Graystep.Core.Rollouts;

/// <summary><c>graystep analyze</c>: the analysis a run would make now, of the version in progress (or the stable one).</summary>
public static class OnDemandAnalysis
{
    /// <summary>
    /// What to analyse now and over which window: only traffic after the last change counts, as in a real check, and
    /// at most each metric's own window. The commit's time is counted as the run loop counts it.
    /// </summary>
    public static AnalysisContext For(RolloutState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var spec = state.Spec;
        if (spec.Analysis.Metrics.Count == 0)
        {
            throw new GraystepException($"{spec.File}: analysis.metrics is empty; nothing to analyze", ExitCodes.InvalidSpec);
        }

        var status = state.Status ?? throw new GraystepException($"{spec.Id}: no rollout yet; nothing runs to analyze", ExitCodes.Failure, "start one with graystep run --version V");
        var subject = RolloutTransitions.IsActive(status) ? status.Canary! : status.Stable;
        var longest = spec.Analysis.Metrics.Max(m => m.Interval);
        var appliedAt = state.StatusCommit is { } commit && RolloutDecider.CommittedAt(commit, RunMemory.Empty) is var committed && committed > now - longest
            ? committed
            : now - longest;
        return new AnalysisContext(
            spec,
            state.Loaded.Templates,
            VersionName.Workload(spec.TargetRef.Name, subject.Name),
            VersionName.Workload(spec.TargetRef.Name, status.Stable.Name),
            appliedAt);
    }
}
