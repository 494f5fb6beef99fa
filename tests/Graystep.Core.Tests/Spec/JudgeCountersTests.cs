using Graystep.Core.Analysis;
using Graystep.Core.Manifests;
using Graystep.Core.Spec;
using static Graystep.Core.Tests.Spec.SpecFixtures;

namespace Graystep.Core.Tests.Spec;

/// <summary>
/// A metric's own <c>counters</c>: two MetricTemplates the sequential judge runs once per version. Bound, resolved,
/// refused where they cannot work, and planned with <c>{{ target }}</c> set to each version's workload.
/// </summary>
public sealed class JudgeCountersTests
{
    private const string Metric = "- {name: checkout-errors, counters: {events: {name: checkout-errors}, total: {name: checkout-requests}}}";

    private static SourceFile Template(string name, string selector = "destination_workload=\"{{ target }}\"", string extra = "") => new(
        "app/" + name + ".yaml",
        "apiVersion: flagger.app/v1beta1\n" +
        "kind: MetricTemplate\n" +
        "metadata: {name: " + name + ", namespace: bookinfo}\n" +
        "spec:\n" +
        "  provider: {type: prometheus, address: http://prometheus:9090}\n" +
        "  query: sum(increase(checkout_total{" + selector + extra + "}[{{ interval }}]))\n");

    private static readonly SourceFile[] Templates = [Template("checkout-errors", extra: ",code=~\"5..\""), Template("checkout-requests")];

    private static string Judged(string metric = Metric, string judge = "{kind: sequential}") =>
        Rollout.With("    threshold: 5\n", "    threshold: 5\n    judge: " + judge + "\n")
            .With("- {name: request-duration, interval: 30s, thresholdRange: {max: 500}}", metric);

    [Fact]
    public void Counters_bind_and_resolve_to_their_templates_and_the_metric_is_judged()
    {
        var set = Load(Judged(), Templates);

        Assert.Empty(Problems(set));
        var spec = Assert.Single(set.Rollouts);
        var metric = spec.Analysis.Metrics[1];
        Assert.Equal("checkout-errors", metric.Counters!.Events.Template!.Name);
        Assert.Equal("checkout-requests", metric.Counters.Total.Template!.Name);
        Assert.Equal(new ThresholdRange(null, null), metric.ThresholdRange);
        Assert.True(JudgePlanner.IsJudged(spec, metric));

        // Two judged metrics share the rollout's alpha.
        Assert.Equal(SequentialJudge.AlphaPerMetric(0.01, 2), JudgePlanner.AlphaPerMetric(spec));
    }

    [Fact]
    public void Each_counter_runs_once_per_version_with_target_set_to_that_versions_workload()
    {
        var spec = Assert.Single(Load(Judged(), Templates).Rollouts);
        var appliedAt = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
        var context = new AnalysisContext(spec, [], "reviews-v2", "reviews-v1", appliedAt);
        var providers = Graystep.Metrics.MetricProviders.Create(() => throw new InvalidOperationException("planning never queries"), TimeProvider.System);

        var (plan, decided) = JudgePlanner.Plan(context, spec.Analysis.Metrics[1], appliedAt.AddSeconds(90), null, providers);

        Assert.Null(decided);
        Assert.Equal("events", plan!.Noun);
        Assert.Equal(new Uri("http://prometheus:9090"), plan.Address);
        Assert.Equal("sum(increase(checkout_total{destination_workload=\"reviews-v2\",code=~\"5..\"}[90s]))", plan.CanaryEvents);
        Assert.Equal("sum(increase(checkout_total{destination_workload=\"reviews-v2\"}[90s]))", plan.CanaryTotal);
        Assert.Equal("sum(increase(checkout_total{destination_workload=\"reviews-v1\",code=~\"5..\"}[90s]))", plan.StableEvents);
        Assert.Equal("sum(increase(checkout_total{destination_workload=\"reviews-v1\"}[90s]))", plan.StableTotal);
    }

    [Fact]
    public void A_counter_template_without_target_is_refused_at_its_reference()
    {
        var set = Load(Judged(), Template("checkout-errors", selector: "destination_service=\"{{ service }}\""), Template("checkout-requests"));

        var problem = Assert.Single(Problems(set));
        Assert.StartsWith("app/rollout.yaml:15:44: ", problem, StringComparison.Ordinal);
        Assert.Contains("spec.analysis.metrics[1].counters.events: MetricTemplate \"checkout-errors\" (app/checkout-errors.yaml:1:1) does not use {{ target }}", problem, StringComparison.Ordinal);
        Assert.Empty(set.Rollouts);
    }

    [Fact]
    public void A_missing_counter_template_is_named_with_the_fix()
    {
        var problem = Assert.Single(Problems(Load(Judged(), Templates[0])));

        Assert.Contains("spec.analysis.metrics[1].counters.total: MetricTemplate \"checkout-requests\" not found in namespace bookinfo", problem, StringComparison.Ordinal);
        Assert.Contains("or fix counters.total", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Counters_under_the_threshold_rule_are_refused_rather_than_ignored()
    {
        var set = Load(Rollout.With("- {name: request-duration, interval: 30s, thresholdRange: {max: 500}}", Metric), Templates);

        Assert.Contains(Problems(set), p => p.Contains("counters: counters are read by the sequential judge only; set analysis.judge.kind: sequential", StringComparison.Ordinal));
    }

    [Fact]
    public void A_threshold_with_nothing_to_bound_is_refused()
    {
        var metric = Metric.Replace("}}}", "}}, thresholdRange: {max: 1}}", StringComparison.Ordinal);

        var problem = Assert.Single(Problems(Load(Judged(metric), Templates)));

        Assert.Contains("thresholdRange: thresholdRange needs a templateRef or query to check", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_templateRef_beside_counters_is_the_absolute_guard()
    {
        var metric = "- {name: checkout-errors, templateRef: {name: not-found-percentage}, thresholdRange: {max: 5}, counters: {events: {name: checkout-errors}, total: {name: checkout-requests}}}";

        var set = Load(Judged(metric), [.. Templates, new SourceFile("app/nf.yaml", NotFoundTemplate)]);

        Assert.Empty(Problems(set));
        var judged = Assert.Single(set.Rollouts).Analysis.Metrics[1];
        Assert.Equal("not-found-percentage", judged.Template!.Name);
        Assert.Equal(new ThresholdRange(null, 5), judged.ThresholdRange);
    }
}
