using System.Globalization;

namespace Graystep.Core.Analysis;

/// <summary>What the sequential judge says about one metric.</summary>
public enum JudgeOutcome
{
    /// <summary>The canary is not worse than the stable version by the minimum effect.</summary>
    Pass,

    /// <summary>The canary is worse than the stable version: the whole interval of the ratio is above 1.</summary>
    Fail,

    /// <summary>Not enough evidence either way yet: the step waits; never a failed check.</summary>
    Inconclusive,
}

/// <summary>
/// One version's counters over the judged window: <see cref="Events"/> bad requests (errors, or requests slower than
/// the latency bucket) out of <see cref="Total"/> requests.
/// </summary>
public readonly record struct VersionCounts(double Events, double Total)
{
    public string Format(string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{Whole(Events)}/{Whole(Total)} {noun}");

    private static string Whole(double value) => double.IsFinite(value) ? Math.Round(value).ToString("0", CultureInfo.InvariantCulture) : "-";
}

/// <summary>The judge's answer: the outcome, the estimated ratio canary/stable and its anytime-valid interval.</summary>
public sealed record JudgeVerdict(JudgeOutcome Outcome, double Ratio, double Lower, double Upper)
{
    public static string FormatNumber(double value) => double.IsPositiveInfinity(value) ? "inf"
        : double.IsNaN(value) ? "-"
        : value.ToString("0.00", CultureInfo.InvariantCulture);

    public string Interval => "[" + FormatNumber(Lower) + ", " + FormatNumber(Upper) + "]";

    public static string FormatOutcome(JudgeOutcome outcome) => outcome switch
    {
        JudgeOutcome.Pass => "pass",
        JudgeOutcome.Fail => "fail",
        _ => "inconclusive",
    };
}

/// <summary>
/// The comparative judge: an anytime-valid test of the canary's bad-request rate against the stable version's, on
/// counters from the same window. Pure: no I/O, no clock.
/// <para>
/// Conditioned on the total number of bad requests n = x_c + x_s, the canary's share is binomial with
/// p(r) = r·e_c / (r·e_c + e_s), where e_c and e_s are the requests each version served and r is the ratio of the two
/// rates (canary/stable). The stable version's own errors are the control: anything that raises both rates alike (a
/// shared incident) leaves r, and the test, unchanged.
/// </para>
/// <para>
/// Two one-sided mixture likelihood-ratio tests (Robbins' mixture martingales) run on that likelihood:
/// "r ≤ r0" against a mixture of larger ratios, and "r ≥ r0" against a mixture of smaller ones. The binomial
/// log-likelihood is concave in log r, so each statistic is monotone in r0: the values of r0 neither test rejects
/// form one interval, the anytime-valid confidence sequence for r (Ville's inequality bounds each test's error by its
/// alpha however often it is looked at). <c>fail</c> when the whole interval is above 1 (the test of r ≤ 1 rejects),
/// <c>pass</c> when it lies below the minimum effect (the test of r ≥ minimumEffect rejects), otherwise
/// <c>inconclusive</c>.
/// </para>
/// </summary>
public static class SequentialJudge
{
    // The mixture over worse canaries: 1 + (δ-1)·m with these m, and their weights. Most mass near the minimum effect
    // (the hardest regression worth catching), some on large regressions so those are caught after a few errors.
    private static readonly double[] WorseSteps = [0.5, 1, 2, 4, 9, 29];
    private static readonly double[] WorseWeights = [0.15, 0.35, 0.2, 0.1, 0.1, 0.1];

    // The mixture over canaries better than the minimum effect: as fractions of log δ (0 is "equal to stable",
    // negative is better than stable).
    private static readonly double[] BetterSteps = [0, 0.5, -1, -2];
    private static readonly double[] BetterWeights = [0.5, 0.25, 0.15, 0.1];

    private const double MinRatio = 1e-3;
    private const double MaxRatio = 1e4;

    /// <summary>
    /// The alpha each metric's test gets when <paramref name="metrics"/> metrics are judged: the rollout's alpha split
    /// evenly (Bonferroni), so the chance that any of them rolls a healthy canary back stays below alpha.
    /// </summary>
    public static double AlphaPerMetric(double alpha, int metrics) => alpha / Math.Max(1, metrics);

    /// <summary>The outcome only (no interval): what every check needs, cheap enough to simulate millions of times.</summary>
    public static JudgeOutcome Decide(VersionCounts canary, VersionCounts stable, double alpha, double minimumEffect)
    {
        if (!Comparable(canary, stable))
        {
            return JudgeOutcome.Inconclusive;
        }

        var bound = Math.Log(1 / alpha);
        if (LogWorse(canary, stable, 1, minimumEffect) >= bound)
        {
            return JudgeOutcome.Fail;
        }

        return LogBetter(canary, stable, minimumEffect, minimumEffect) >= bound ? JudgeOutcome.Pass : JudgeOutcome.Inconclusive;
    }

    /// <summary>The outcome with the estimate and the interval, for the commit body and the report.</summary>
    public static JudgeVerdict Judge(VersionCounts canary, VersionCounts stable, double alpha, double minimumEffect)
    {
        var outcome = Decide(canary, stable, alpha, minimumEffect);
        if (!Comparable(canary, stable))
        {
            return new JudgeVerdict(outcome, double.NaN, 0, double.PositiveInfinity);
        }

        var ratio = Estimate(canary, stable);
        var bound = Math.Log(1 / alpha);

        // lower: the largest r0 that "r ≤ r0" is rejected for (the statistic falls as r0 grows).
        var lower = Crossing(r0 => LogWorse(canary, stable, r0, minimumEffect) >= bound, rejectedBelow: true);

        // upper: the smallest r0 that "r ≥ r0" is rejected for (the statistic grows with r0).
        var upper = Crossing(r0 => LogBetter(canary, stable, r0, minimumEffect) >= bound, rejectedBelow: false);
        return new JudgeVerdict(outcome, ratio, lower, upper);
    }

    /// <summary>The maximum-likelihood ratio of the rates, canary/stable: 0 or infinity when one side has no events, NaN when neither has.</summary>
    public static double Estimate(VersionCounts canary, VersionCounts stable)
    {
        if (canary.Events <= 0 && stable.Events <= 0)
        {
            return double.NaN;
        }

        if (canary.Events <= 0)
        {
            return 0;
        }

        return stable.Events <= 0 ? double.PositiveInfinity : (canary.Events / canary.Total) / (stable.Events / stable.Total);
    }

    private static bool Comparable(VersionCounts canary, VersionCounts stable) =>
        canary.Total > 0 && stable.Total > 0 && canary.Events >= 0 && stable.Events >= 0 &&
        double.IsFinite(canary.Total) && double.IsFinite(stable.Total) && double.IsFinite(canary.Events) && double.IsFinite(stable.Events);

    /// <summary>log of the mixture likelihood ratio against "r ≤ r0" (alternatives r0·(1 + (δ-1)·m)).</summary>
    private static double LogWorse(VersionCounts canary, VersionCounts stable, double r0, double minimumEffect)
    {
        var null0 = LogLikelihood(canary, stable, r0);
        Span<double> terms = stackalloc double[WorseSteps.Length];
        for (var i = 0; i < terms.Length; i++)
        {
            terms[i] = Math.Log(WorseWeights[i]) + LogLikelihood(canary, stable, r0 * (1 + ((minimumEffect - 1) * WorseSteps[i]))) - null0;
        }

        return LogSumExp(terms);
    }

    /// <summary>log of the mixture likelihood ratio against "r ≥ r0" (alternatives r0·δ^(s-1)).</summary>
    private static double LogBetter(VersionCounts canary, VersionCounts stable, double r0, double minimumEffect)
    {
        var null0 = LogLikelihood(canary, stable, r0);
        var logEffect = Math.Log(minimumEffect);
        Span<double> terms = stackalloc double[BetterSteps.Length];
        for (var i = 0; i < terms.Length; i++)
        {
            terms[i] = Math.Log(BetterWeights[i]) + LogLikelihood(canary, stable, r0 * Math.Exp(logEffect * (BetterSteps[i] - 1))) - null0;
        }

        return LogSumExp(terms);
    }

    /// <summary>The binomial log-likelihood of the canary's share of the events (constant terms dropped).</summary>
    private static double LogLikelihood(VersionCounts canary, VersionCounts stable, double ratio)
    {
        // log p = log(r·e_c) - log(r·e_c + e_s); log(1-p) = log(e_s) - log(r·e_c + e_s).
        var a = Math.Log(ratio) + Math.Log(canary.Total);
        var b = Math.Log(stable.Total);
        var sum = a > b ? a + Math.Log(1 + Math.Exp(b - a)) : b + Math.Log(1 + Math.Exp(a - b));
        return (canary.Events * (a - sum)) + (stable.Events * (b - sum));
    }

    private static double LogSumExp(ReadOnlySpan<double> terms)
    {
        var max = double.NegativeInfinity;
        foreach (var t in terms)
        {
            max = Math.Max(max, t);
        }

        if (double.IsNegativeInfinity(max))
        {
            return max;
        }

        var sum = 0.0;
        foreach (var t in terms)
        {
            sum += Math.Exp(t - max);
        }

        return max + Math.Log(sum);
    }

    /// <summary>Bisection in log r for the edge of the rejected region; the region is one side of a single point.</summary>
    private static double Crossing(Func<double, bool> rejected, bool rejectedBelow)
    {
        double lo = Math.Log(MinRatio), hi = Math.Log(MaxRatio);
        if (rejectedBelow)
        {
            if (!rejected(Math.Exp(lo)))
            {
                return 0;
            }

            if (rejected(Math.Exp(hi)))
            {
                return MaxRatio;
            }
        }
        else
        {
            if (!rejected(Math.Exp(hi)))
            {
                return double.PositiveInfinity;
            }

            if (rejected(Math.Exp(lo)))
            {
                return MinRatio;
            }
        }

        for (var i = 0; i < 60; i++)
        {
            var mid = (lo + hi) / 2;
            if (rejected(Math.Exp(mid)) == rejectedBelow)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return Math.Exp(rejectedBelow ? lo : hi);
    }
}
