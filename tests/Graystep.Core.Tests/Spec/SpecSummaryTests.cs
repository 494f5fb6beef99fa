using Graystep.Core.Spec;
using Graystep.TestKit;
using Graystep.Core.Providers;

namespace Graystep.Core.Tests.Spec;

public sealed class SpecSummaryTests
{
    private static RolloutSpec Spec(AnalysisSpec analysis, TrafficProvider? provider = null) => new()
    {
        File = "examples/bookinfo/rollout.yaml",
        Kind = SpecKind.Rollout,
        Name = "reviews",
        Namespace = "bookinfo",
        Provider = provider ?? StandardProviders.Istio,
        TargetRef = new TargetRef("Deployment", "reviews"),
        Service = new ServiceSpec { Port = 9080 },
        Analysis = analysis,
        Output = "rendered/",
        Git = new GitSpec(),
        Approvals = new ApprovalSpec(),
        Sync = new SyncSpec(),
    };

    private static MatchRule Header(string name, StringMatchKind kind, string value) =>
        new() { Headers = new SortedDictionary<string, StringMatch>(StringComparer.Ordinal) { [name] = new StringMatch(kind, value) } };

    [Fact]
    public void Canary()
    {
        Assert.Equal(
            "examples/bookinfo/rollout.yaml: bookinfo/reviews (istio): canary 10% → 20% → 50%, then promote",
            SpecSummary.Describe(Spec(new AnalysisSpec { Strategy = Strategy.Canary, StepWeights = [10, 20, 50] })));
    }

    [Fact]
    public void A_long_canary_ladder_is_shortened()
    {
        Assert.Equal(
            "examples/bookinfo/rollout.yaml: bookinfo/reviews (nginx): canary 5% → 10% → … → 100% (20 steps), then promote",
            SpecSummary.Describe(Spec(new AnalysisSpec { Strategy = Strategy.Canary, StepWeights = [.. Enumerable.Range(1, 20).Select(i => i * 5)] }, StandardProviders.Nginx)));
    }

    [Fact]
    public void AB_testing()
    {
        Assert.Equal(
            "examples/bookinfo/rollout.yaml: bookinfo/reviews (istio): A/B testing, 10 iterations on header user-id exact \"123\"",
            SpecSummary.Describe(Spec(new AnalysisSpec { Strategy = Strategy.ABTesting, Iterations = 10, Match = [Header("user-id", StringMatchKind.Exact, "123")] })));
    }

    [Fact]
    public void Blue_green_and_mirroring()
    {
        Assert.Equal(
            "examples/bookinfo/rollout.yaml: bookinfo/reviews (kubernetes): blue/green, 5 iterations",
            SpecSummary.Describe(Spec(new AnalysisSpec { Strategy = Strategy.BlueGreen, Iterations = 5 }, StandardProviders.Kubernetes)));
        Assert.Equal(
            "examples/bookinfo/rollout.yaml: bookinfo/reviews (gateway-api): blue/green with 100% of traffic mirrored, 1 iteration",
            SpecSummary.Describe(Spec(new AnalysisSpec { Strategy = Strategy.BlueGreenMirroring, Iterations = 1, Mirror = true }, StandardProviders.GatewayApi)));
    }

    [Fact]
    public void Suspended_and_skipped_analysis_are_said()
    {
        Assert.Equal(
            "examples/bookinfo/rollout.yaml: bookinfo/reviews (istio): blue/green, 2 iterations (analysis skipped) (suspended)",
            SpecSummary.Describe(Spec(new AnalysisSpec { Strategy = Strategy.BlueGreen, Iterations = 2 }) with { SkipAnalysis = true, Suspend = true }));
    }
}
