using Graystep.Core.Analysis;
using Graystep.Core.Spec;

namespace Graystep.Core.Tests.Analysis;

/// <summary>The sequential judge: its three outcomes, the shared incident, and its error control under repeated looks.</summary>
public sealed class SequentialJudgeTests
{
    private const double Alpha = 0.01;
    private const double Effect = 2;

    [Fact]
    public void A_canary_with_ten_times_the_errors_fails_with_the_whole_interval_above_one()
    {
        var verdict = SequentialJudge.Judge(new VersionCounts(50, 5000), new VersionCounts(5, 5000), Alpha, Effect);

        Assert.Equal(JudgeOutcome.Fail, verdict.Outcome);
        Assert.Equal(10, verdict.Ratio, 6);
        Assert.True(verdict.Lower > 1, $"lower {verdict.Lower}");
        Assert.True(verdict.Upper > verdict.Ratio, $"upper {verdict.Upper}");
    }

    [Fact]
    public void A_canary_like_the_stable_version_passes_once_there_is_enough_traffic()
    {
        var verdict = SequentialJudge.Judge(new VersionCounts(100, 20000), new VersionCounts(98, 20000), Alpha, Effect);

        Assert.Equal(JudgeOutcome.Pass, verdict.Outcome);
        Assert.True(verdict.Lower < 1 && verdict.Upper < Effect, verdict.Interval);
    }

    [Fact]
    public void Too_little_traffic_is_inconclusive_and_the_interval_spans_both_ends()
    {
        var verdict = SequentialJudge.Judge(new VersionCounts(3, 1200), new VersionCounts(11, 4800), Alpha, Effect);

        Assert.Equal(JudgeOutcome.Inconclusive, verdict.Outcome);
        Assert.True(verdict.Lower < 1 && verdict.Upper > Effect, verdict.Interval);
    }

    [Fact]
    public void No_requests_on_one_side_is_inconclusive_not_a_failure()
    {
        Assert.Equal(JudgeOutcome.Inconclusive, SequentialJudge.Decide(new VersionCounts(0, 0), new VersionCounts(4, 1000), Alpha, Effect));
        Assert.Equal(JudgeOutcome.Inconclusive, SequentialJudge.Decide(new VersionCounts(2, 100), new VersionCounts(0, 0), Alpha, Effect));
        Assert.Equal("inf", JudgeVerdict.FormatNumber(SequentialJudge.Judge(new VersionCounts(2, 100), new VersionCounts(0, 100), Alpha, Effect).Upper));
    }

    [Fact]
    public void A_shared_incident_is_not_blamed_on_the_canary()
    {
        // Both versions at 20% errors (the stable's own errors are the control); a threshold of 99% would fail both.
        var verdict = SequentialJudge.Judge(new VersionCounts(2000, 10000), new VersionCounts(2010, 10000), Alpha, Effect);

        Assert.Equal(JudgeOutcome.Pass, verdict.Outcome);
        Assert.InRange(verdict.Ratio, 0.9, 1.1);
    }

    [Fact]
    public void The_interval_narrows_as_evidence_grows()
    {
        var small = SequentialJudge.Judge(new VersionCounts(10, 2000), new VersionCounts(10, 2000), Alpha, Effect);
        var large = SequentialJudge.Judge(new VersionCounts(1000, 200000), new VersionCounts(1000, 200000), Alpha, Effect);

        Assert.True(large.Upper - large.Lower < small.Upper - small.Lower);
        Assert.InRange(large.Lower, 0.7, 1);
        Assert.InRange(large.Upper, 1, 1.35);
    }

    /// <summary>
    /// Error control: healthy canaries (equal error rates) checked every 10 s for 30 minutes, at traffic and error rates
    /// where a fixed threshold fails often. Anytime-valid means at most alpha of them are ever rolled back. Seeded
    /// (deterministic), so the bound is exact for these draws: 1,500 rollouts at alpha 1%; the expected count is at most
    /// 15, and the bound leaves room for the simulation's own spread (a binomial with mean 15 exceeds 27 with
    /// probability below 0.2%) while a judge without the correction (a plain z-test at every look) rolls back 10% or more.
    /// </summary>
    [Fact]
    public void Checking_every_interval_keeps_false_rollbacks_below_alpha()
    {
        var random = new Random(20261205);
        var falseRollbacks = 0;
        const int Rollouts = 1500;
        for (var n = 0; n < Rollouts; n++)
        {
            double ce = 0, ct = 0, se = 0, st = 0;
            for (var check = 0; check < 180; check++)
            {
                ce += Poisson(random, 20 * 10 * 0.005);
                se += Poisson(random, 20 * 10 * 0.005);
                ct += 200;
                st += 200;
                if (SequentialJudge.Decide(new VersionCounts(ce, ct), new VersionCounts(se, st), Alpha, Effect) == JudgeOutcome.Fail)
                {
                    falseRollbacks++;
                    break;
                }
            }
        }

        Assert.InRange(falseRollbacks, 0, 27);
    }

    [Fact]
    public void A_regression_of_the_minimum_effect_is_caught_within_the_rollout()
    {
        var random = new Random(7);
        var caught = 0;
        for (var n = 0; n < 200; n++)
        {
            double ce = 0, ct = 0, se = 0, st = 0;
            for (var check = 0; check < 90; check++)
            {
                ce += Poisson(random, 20 * 10 * 0.01);
                se += Poisson(random, 20 * 10 * 0.005);
                ct += 200;
                st += 200;
                if (SequentialJudge.Decide(new VersionCounts(ce, ct), new VersionCounts(se, st), Alpha, Effect) == JudgeOutcome.Fail)
                {
                    caught++;
                    break;
                }
            }
        }

        // 15 minutes at 20 requests/s, 0.5% against 1%: the benchmark catches 90% within 10 minutes.
        Assert.True(caught >= 180, $"caught {caught} of 200");
    }

    [Fact]
    public void Alpha_is_split_across_the_judged_metrics()
    {
        Assert.Equal(0.005, SequentialJudge.AlphaPerMetric(0.01, 2), 12);
        Assert.Equal(0.01, SequentialJudge.AlphaPerMetric(0.01, 0), 12);
    }

    [Fact]
    public void The_commit_body_block_keeps_the_report_contract()
    {
        var window = TimeSpan.FromMinutes(5);
        MetricResult Row(string name, string noun, VersionCounts canary, VersionCounts stable) =>
            new(name, "q", null, new ThresholdRange(null, null), window, Verdict.Pass, null,
                new JudgeEvidence(noun, canary, stable, SequentialJudge.Judge(canary, stable, 0.005, 2), 0.005, window));

        var text = JudgePlanner.Table(new JudgeSpec { Kind = JudgeKind.Sequential }, [
            Row("request-success-rate", "errors", new VersionCounts(3, 1200), new VersionCounts(11, 4800)),
            Row("request-duration", "slow", new VersionCounts(40, 1200), new VersionCounts(150, 4800)),
        ]);

        var lines = text.TrimEnd('\n').Split('\n');
        Assert.Equal("Judge: sequential, alpha 0.01, minimum effect 2x", lines[0]);
        Assert.Matches(@"^METRIC {2,}CANARY {2,}STABLE {2,}RATIO {2,}INTERVAL {2,}OUTCOME$", lines[1]);
        Assert.Matches(@"^request-success-rate {2,}3/1200 errors {2,}11/4800 errors {2,}1\.09 {2,}\[\d+\.\d\d, \d+\.\d\d\] {2,}inconclusive$", lines[2]);
        Assert.Matches(@"^request-duration {2,}40/1200 slow {2,}150/4800 slow {2,}1\.07 {2,}\[\d+\.\d\d, \d+\.\d\d\] {2,}(pass|inconclusive)$", lines[3]);
    }

    private static double Poisson(Random random, double mean)
    {
        var u = random.NextDouble();
        var p = Math.Exp(-mean);
        var cumulative = p;
        var k = 0;
        while (u > cumulative && k < 1000)
        {
            k++;
            p *= mean / k;
            cumulative += p;
        }

        return k;
    }
}
