using Graystep.Core.History;
using System.Globalization;
using System.Text;
using Graystep.Core.Analysis;
using Graystep.Core.Gates;
using Graystep.Core.Spec;

namespace Graystep.Core.Rollouts;

/// <summary>
/// The words of the decisions: commit bodies that say why (the analysis that allowed a step, the failing check with
/// its value, threshold and window), rollback reasons and what a wait is for. Pure text from data, so the same
/// decision always reads the same.
/// </summary>
public static class DecisionText
{
    public static string Initialize(RolloutSpec spec, VersionRef stable, string targetFile, string? adopting = null, string? copy = null) =>
        $"First rollout of {spec.Id} in this repository: {stable.Name} (from {targetFile}) is rendered at 100% as the stable version, as Flagger initializes a primary."
        + (adopting is null
            ? string.Empty
            : $"\n\nAdoption: {adopting} is not versioned yet, so it stays in the output exactly as you wrote it, beside its versioned copy {copy}, and the routing stays as you wrote it: the Service selects both. Once the cluster has applied this commit, a retire commit moves the routing to {copy} and removes {adopting}; no request meets a missing workload.");

    public static string Start(RolloutSpec spec, RolloutStatus status, IReadOnlyDictionary<string, string> images, string targetFile)
    {
        var why = images.Count == 0
            ? $"Started by a pipeline run with the images from {targetFile}."
            : $"Started by a pipeline run with {string.Join(", ", images.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => UntrustedText.OneLine($"{p.Key}={p.Value}")))}.";
        return why + $"\nStable: {status.Stable.Name}. Plan: {SpecSummary.Describe(spec)}";
    }

    /// <summary>What the run waits for before the next analysis.</summary>
    public static string Analysing(RolloutStatus status) =>
        status.StepIndex < status.StepCount
            ? string.Create(CultureInfo.InvariantCulture, $"analysing {status.Canary!.Name} before step {status.StepIndex + 1}/{status.StepCount}")
            : $"analysing {status.Canary!.Name} before promotion";

    /// <summary>The checks of a round that did not pass, in one line: the rollback reason and the wait reason.</summary>
    public static string FailureSummary(IReadOnlyList<MetricResult> results, IReadOnlyList<WebhookResult> hooks)
    {
        var parts = results.Where(r => !r.Passed).Select(r => r.Verdict switch
        {
            Verdict.NoData => $"{UntrustedText.OneLine(r.Name)} has no data",
            Verdict.Error => $"{UntrustedText.OneLine(r.Name)} could not be queried ({UntrustedText.OneLine(r.Detail)})",
            _ => $"{UntrustedText.OneLine(r.Name)} {AnalysisRound.FormatValue(r.Value)} outside {AnalysisRound.FormatThreshold(r.Threshold)}",
        }).Concat(hooks.Where(h => !h.Succeeded).Select(h => $"webhook {UntrustedText.OneLine(h.Name)} failed ({UntrustedText.OneLine(h.Detail)})"));
        return string.Join("; ", parts);
    }

    /// <summary>Each failing check of a round with what it measured: value, threshold and window.</summary>
    public static string FailureLines(IReadOnlyList<MetricResult> results, IReadOnlyList<WebhookResult> hooks) =>
        string.Join("; ", results.Where(r => !r.Passed).Select(r => r.Verdict switch
        {
            Verdict.NoData => $"{UntrustedText.OneLine(r.Name)} had no data over {MetricWindow.Format(r.Window)}",
            Verdict.Error => $"{UntrustedText.OneLine(r.Name)} could not be queried ({UntrustedText.OneLine(r.Detail)})",
            _ => $"{UntrustedText.OneLine(r.Name)} {AnalysisRound.FormatValue(r.Value)} outside {AnalysisRound.FormatThreshold(r.Threshold)} over {MetricWindow.Format(r.Window)}",
        }).Concat(hooks.Where(h => !h.Succeeded).Select(h => $"webhook {UntrustedText.OneLine(h.Name)} failed ({UntrustedText.OneLine(h.Detail)})")));

    /// <summary>Where the canary stands, for the failed-check log.</summary>
    public static string Position(RolloutStatus status) =>
        status.StepIndex == 0
            ? "before step 1"
            : string.Create(CultureInfo.InvariantCulture, $"at step {status.StepIndex}/{status.StepCount} ({status.Traffic.CanaryWeight}%)");

    /// <summary>
    /// The failed checks behind a count, for the commit that carries it: those this run saw, each with its time and
    /// what failed, and how many earlier runs recorded (only their count is in the status file).
    /// </summary>
    public static string FailedChecksSection(IReadOnlyList<FailedCheck> seen, int failedChecks, int threshold)
    {
        if (failedChecks == 0)
        {
            return string.Empty;
        }

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"\n\nFailed checks: {failedChecks} of threshold {threshold}");
        var earlier = failedChecks - seen.Count;
        if (earlier > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n  {earlier} recorded before this run (see the earlier commits)");
        }

        foreach (var check in seen.TakeLast(failedChecks))
        {
            sb.Append("\n  ").Append(check.At.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
                .Append(' ').Append(check.Position).Append(": ").Append(UntrustedText.OneLine(check.What));
        }

        return sb.ToString();
    }

    /// <summary>The body of a step or promotion commit: the analysis that allowed it and the webhooks called.</summary>
    public static string Body(IReadOnlyList<MetricResult> results, IReadOnlyList<WebhookResult> hooks, RolloutSpec spec)
    {
        var sb = new StringBuilder();
        if (results.Count == 0 && spec.Analysis.Metrics.Count > 0)
        {
            sb.Append("No traffic reached the canary yet, so no metrics were checked (as Flagger, before the first step).");
        }
        else if (results.Count == 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"No metrics configured: advanced after the analysis interval ({MetricWindow.Format(spec.Analysis.Interval)}), as Flagger does.");
        }
        else
        {
            sb.Append("Analysis:\n").Append(new AnalysisRound(results).ToTable().TrimEnd());
            if (spec.Analysis.Judge.IsSequential && results.Any(r => r.Judged is not null))
            {
                sb.Append("\n\n").Append(JudgePlanner.Table(spec.Analysis.Judge, results).TrimEnd());
            }
        }

        if (hooks.Count > 0)
        {
            sb.Append("\n\nWebhooks:\n").Append(HookLines(hooks));
        }

        return sb.ToString();
    }

    public static string HookLines(IEnumerable<WebhookResult> hooks) =>
        string.Join("\n", hooks.Select(h => $"  {UntrustedText.OneLine(h.Name)} ({WebhookPolicy.FlaggerName(h.Type)}): {(h.Succeeded ? "ok" : "failed")}{(h.Detail.Length > 0 ? " - " + UntrustedText.OneLine(h.Detail) : string.Empty)}"));

    public static string Short(string sha) => sha.Length > 7 ? sha[..7] : sha;
}
