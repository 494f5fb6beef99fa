using System.Globalization;
using System.Text;

namespace Graystep.Core.Spec;

/// <summary>The one line <c>graystep validate</c> prints per valid rollout.</summary>
public static class SpecSummary
{
    /// <summary>Canary ladders longer than this are shortened to first, second, …, last.</summary>
    private const int MaxStepsShown = 6;

    /// <summary>
    /// e.g. <c>examples/bookinfo/rollout.yaml: bookinfo/reviews (istio): canary 10% → 20% → 50%, then promote</c>.
    /// </summary>
    public static string Describe(RolloutSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var sb = new StringBuilder();
        sb.Append(spec.File).Append(": ").Append(spec.Id).Append(" (").Append(spec.Provider.Id).Append("): ");
        var analysis = spec.Analysis;
        switch (analysis.Strategy)
        {
            case Strategy.Canary:
                sb.Append("canary ").Append(Ladder(analysis.StepWeights));
                if (analysis.Match.Count > 0)
                {
                    sb.Append(" of the requests on ").Append(Conditions(analysis.Match)).Append(" (the others stay on stable)");
                }

                sb.Append(", then promote");
                break;
            case Strategy.ABTesting:
                sb.Append("A/B testing, ").Append(Iterations(analysis.Iterations)).Append(" on ").Append(Conditions(analysis.Match));
                break;
            case Strategy.BlueGreen:
                sb.Append("blue/green, ").Append(Iterations(analysis.Iterations));
                break;
            case Strategy.BlueGreenMirroring:
                sb.Append("blue/green with ")
                    .Append((analysis.MirrorWeight ?? 100).ToString(CultureInfo.InvariantCulture))
                    .Append("% of traffic mirrored, ")
                    .Append(Iterations(analysis.Iterations));
                break;
        }

        if (spec.SkipAnalysis)
        {
            sb.Append(" (analysis skipped)");
        }

        if (spec.Suspend)
        {
            sb.Append(" (suspended)");
        }

        return sb.ToString();
    }

    private static string Ladder(IReadOnlyList<int> weights)
    {
        static string Percent(int w) => w.ToString(CultureInfo.InvariantCulture) + "%";
        if (weights.Count <= MaxStepsShown)
        {
            return string.Join(" → ", weights.Select(Percent));
        }

        return Percent(weights[0]) + " → " + Percent(weights[1]) + " → … → " + Percent(weights[^1]) +
            " (" + weights.Count.ToString(CultureInfo.InvariantCulture) + " steps)";
    }

    private static string Iterations(int n) =>
        n.ToString(CultureInfo.InvariantCulture) + (n == 1 ? " iteration" : " iterations");

    /// <summary>Conditions in one entry must all hold ("and"); entries are alternatives ("or").</summary>
    private static string Conditions(IReadOnlyList<MatchRule> rules) =>
        string.Join(" or ", rules.Select(rule => string.Join(" and ",
            rule.Headers.Select(h => "header " + Condition(h.Key, h.Value))
                .Concat(rule.QueryParams.Select(q => "query param " + Condition(q.Key, q.Value))))));

    private static string Condition(string name, StringMatch match) =>
        name + " " + match.Kind.ToString().ToLowerInvariant() + " " + Manifests.YamlNodes.Quote(match.Value);
}
