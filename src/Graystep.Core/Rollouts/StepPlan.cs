using System.Globalization;
using Graystep.Core.Spec;

namespace Graystep.Core.Rollouts;

/// <summary>
/// What each step of a strategy does to traffic. Step 0 is the start (canary deployed, no user traffic); steps
/// 1..n are the weight steps (canary) or the analysis iterations (A/B, blue/green); promotion follows step n.
/// </summary>
public static class StepPlan
{
    public static int StepCount(RolloutSpec spec) => spec.SkipAnalysis ? 0 : spec.Analysis.StepCount;

    /// <param name="replicas">The target's replicas when the provider splits by pod share: the weight becomes the
    /// share the rounded replica counts give (see <see cref="ReplicaSplit"/>).</param>
    public static TrafficSplit TrafficAt(RolloutSpec spec, int stepIndex, int? replicas = null)
    {
        if (stepIndex <= 0)
        {
            return TrafficSplit.AllStable;
        }

        var analysis = spec.Analysis;
        return analysis.Strategy switch
        {
            Strategy.Canary => CanaryAt(analysis.StepWeights[Math.Min(stepIndex, analysis.StepWeights.Count) - 1], replicas),
            Strategy.ABTesting => new TrafficSplit(0, MatchActive: true),
            Strategy.BlueGreenMirroring => new TrafficSplit(0, MirrorActive: true, MirrorWeight: analysis.MirrorWeight),
            _ => TrafficSplit.AllStable,
        };
    }

    /// <summary>A canary weight, or the share of pods that comes nearest to it when the provider splits by replicas.</summary>
    public static TrafficSplit CanaryAt(int weight, int? replicas) =>
        new(replicas is { } total ? ReplicaSplit.For(total, weight).Weight : weight);

    /// <summary>
    /// The traffic a hand-given weight means for the strategy (<c>graystep render --weight</c>): a canary weight, or
    /// for A/B and mirroring any weight above 0 turns the match or the mirror on, and blue/green switches at 100.
    /// </summary>
    public static TrafficSplit TrafficAtWeight(RolloutSpec spec, int weight)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Strategy switch
        {
            Strategy.Canary => new TrafficSplit(weight),
            Strategy.ABTesting => new TrafficSplit(0, MatchActive: weight > 0),
            Strategy.BlueGreenMirroring => new TrafficSplit(0, MirrorActive: weight > 0, MirrorWeight: spec.Analysis.MirrorWeight),
            _ => new TrafficSplit(weight >= 100 ? 100 : 0),
        };
    }

    /// <summary>The subject's description of a step, e.g. "shift 20% to v2 (step 2/3)".</summary>
    public static string Describe(RolloutSpec spec, string version, int stepIndex, int stepCount, int? replicas = null)
    {
        var position = string.Create(CultureInfo.InvariantCulture, $"{stepIndex}/{stepCount}");
        var traffic = TrafficAt(spec, stepIndex, replicas);
        return spec.Analysis.Strategy switch
        {
            Strategy.Canary when replicas is { } total =>
                string.Create(CultureInfo.InvariantCulture, $"shift {ReplicaSplit.For(total, traffic.CanaryWeight)} to {version} (step {position})"),
            Strategy.Canary => string.Create(CultureInfo.InvariantCulture, $"shift {traffic.CanaryWeight}% to {version} (step {position})"),
            Strategy.ABTesting when stepIndex == 1 => $"route users matching {DescribeMatch(spec.Analysis.Match)} to {version} (iteration {position})",
            Strategy.ABTesting => $"A/B iteration {position} for {version}",
            Strategy.BlueGreenMirroring when stepIndex == 1 => string.Create(CultureInfo.InvariantCulture, $"mirror {traffic.MirrorWeight ?? 100}% of traffic to {version} (iteration {position})"),
            Strategy.BlueGreenMirroring => $"mirroring iteration {position} for {version}",
            _ => $"blue/green iteration {position} for {version}",
        };
    }

    public static string DescribeMatch(IReadOnlyList<MatchRule> rules)
    {
        var parts = new List<string>();
        foreach (var rule in rules)
        {
            var conditions = rule.Headers.Select(h => $"header {h.Key} {Describe(h.Value)}")
                .Concat(rule.QueryParams.Select(q => $"query {q.Key} {Describe(q.Value)}"))
                .Concat(rule.Cookies.Select(c => $"cookie {c.Key} {Describe(c.Value)}"));
            parts.Add(string.Join(" and ", conditions));
        }

        return parts.Count == 0 ? "the match rules" : string.Join(" or ", parts);
    }

    private static string Describe(StringMatch match) =>
        $"{match.Kind.ToString().ToLowerInvariant()} \"{match.Value}\"";
}
