using Graystep.Core.Spec;
using static Graystep.Core.Tests.Spec.SpecFixtures;

namespace Graystep.Core.Tests.Spec;

/// <summary><c>analysis.judge</c>: defaults, every field, and bad values with their place.</summary>
public sealed class JudgeSpecTests
{
    private static string WithJudge(string judge) => Rollout.With("    threshold: 5\n", "    threshold: 5\n    judge: " + judge + "\n");

    [Fact]
    public void Without_a_judge_the_threshold_rule_applies()
    {
        var spec = Assert.Single(Load(Rollout).Rollouts);

        Assert.Equal(JudgeSpec.Threshold, spec.Analysis.Judge);
        Assert.False(spec.Analysis.Judge.IsSequential);
    }

    [Fact]
    public void Every_field_binds()
    {
        var set = Load(WithJudge("{kind: sequential, alpha: 0.05, minimumEffect: 1.5, maxDuration: 10m, onInconclusive: rollback, slowRequest: 250ms}"));

        Assert.Empty(Problems(set));
        var judge = Assert.Single(set.Rollouts).Analysis.Judge;
        Assert.Equal(new JudgeSpec
        {
            Kind = JudgeKind.Sequential, Alpha = 0.05, MinimumEffect = 1.5, MaxDuration = TimeSpan.FromMinutes(10),
            OnInconclusive = InconclusiveAction.Rollback, SlowRequest = TimeSpan.FromMilliseconds(250),
        }, judge);
    }

    [Fact]
    public void With_the_sequential_judge_thresholdRange_is_optional_for_the_builtins()
    {
        var set = Load(WithJudge("{kind: sequential}")
            .With("- {name: request-success-rate, interval: 1m, thresholdRange: {min: 99}}", "- {name: request-success-rate}")
            .With("- {name: request-duration, interval: 30s, thresholdRange: {max: 500}}", "- {name: request-duration}"));

        Assert.Empty(Problems(set));
        Assert.Equal(new ThresholdRange(null, null), Assert.Single(set.Rollouts).Analysis.Metrics[0].ThresholdRange);
    }

    [Fact]
    public void Without_it_thresholdRange_stays_required()
    {
        var set = Load(Rollout.With("- {name: request-success-rate, interval: 1m, thresholdRange: {min: 99}}", "- {name: request-success-rate}"));

        Assert.Contains(Problems(set), p => p.Contains("thresholdRange: required field is missing", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{kind: sequential, alpha: 0}", "app/rollout.yaml:11:38: spec.analysis.judge.alpha: alpha is the chance of rolling back a healthy canary and must be above 0 and at most 0.2, got 0")]
    [InlineData("{kind: sequential, alpha: 0.5}", "app/rollout.yaml:11:38: spec.analysis.judge.alpha: alpha is the chance of rolling back a healthy canary and must be above 0 and at most 0.2, got 0.5")]
    [InlineData("{kind: sequential, minimumEffect: 1}", "app/rollout.yaml:11:46: spec.analysis.judge.minimumEffect: minimumEffect is the smallest canary/stable ratio worth catching and must be above 1 and at most 100, got 1")]
    [InlineData("{kind: bayes}", "app/rollout.yaml:11:19: spec.analysis.judge.kind: judge kind \"bayes\" is unknown; use threshold or sequential")]
    [InlineData("{kind: sequential, onInconclusive: wait}", "app/rollout.yaml:11:47: spec.analysis.judge.onInconclusive: onInconclusive \"wait\" is unknown; use hold, promote or rollback")]
    [InlineData("{kind: sequential, maxDuration: 0s}", "app/rollout.yaml:11:44: spec.analysis.judge.maxDuration: maxDuration must be greater than 0, got \"0s\"")]
    public void A_bad_value_is_reported_at_its_place(string judge, string expected)
    {
        Assert.Equal([expected], Problems(Load(WithJudge(judge))));
    }

    [Fact]
    public void Settings_of_the_sequential_judge_need_kind_sequential()
    {
        var problems = Problems(Load(WithJudge("{alpha: 0.05}")));

        Assert.Equal(["app/rollout.yaml:11:12: spec.analysis.judge: alpha, minimumEffect, maxDuration, onInconclusive and slowRequest apply to the sequential judge; set kind: sequential"], problems);
    }

    [Fact]
    public void A_metric_that_is_not_built_in_still_needs_a_thresholdRange()
    {
        var set = Load(WithJudge("{kind: sequential}").With("- {name: request-duration, interval: 30s, thresholdRange: {max: 500}}", "- {name: latency, query: \"sum(x)\"}"));

        Assert.Contains(Problems(set), p => p.Contains("thresholdRange: required field is missing", StringComparison.Ordinal));
    }
}
