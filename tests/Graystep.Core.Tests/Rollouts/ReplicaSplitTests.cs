using Graystep.Core.History;
using Graystep.Core.Rollouts;
using Graystep.Core.Tests.Rollouts.Support;

namespace Graystep.Core.Tests.Rollouts;

/// <summary>A replica-ratio canary's weights as replica counts, and what the commits and status report.</summary>
public sealed class ReplicaSplitTests
{
    [Theory]
    [InlineData(4, 0, 0, 0)]
    [InlineData(4, 10, 1, 25)]
    [InlineData(4, 25, 1, 25)]
    [InlineData(4, 50, 2, 50)]
    [InlineData(4, 90, 3, 75)]
    [InlineData(4, 100, 4, 100)]
    [InlineData(2, 1, 1, 50)]
    [InlineData(2, 99, 1, 50)]
    [InlineData(10, 35, 4, 40)]
    public void A_weight_becomes_the_nearest_replica_count_never_none_and_never_all_before_the_promotion(int total, int weight, int canary, int achieved)
    {
        var split = ReplicaSplit.For(total, weight);

        Assert.Equal((canary, total - canary, achieved), (split.Canary, split.Stable, split.Weight));

        // The achieved weight maps back to the same replicas: rendering from the status is stable.
        Assert.Equal(split, ReplicaSplit.For(total, split.Weight));
    }

    [Fact]
    public void Steps_on_a_provider_that_splits_by_replicas_record_the_achieved_share_in_the_status_subject_and_trailer()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout("stepWeights: [10, 50]").Replace("provider: istio", "provider: kubernetes", StringComparison.Ordinal), replicas: 4);
        loop.Run(DeciderSpecs.V2, once: true);
        loop.Run(once: true);

        var (_, step) = loop.Commits[^1];
        Assert.Equal("reviews: shift 25% (1 of 4 replicas) to v2 (step 1/2)", step.Message.Subject);
        Assert.Equal(25, step.Status.Traffic.CanaryWeight);
        Assert.Equal("25", step.Message.Trailer(Trailers.Weight));

        var set = loop.Manual(ManualAction.SetWeight, weight: 60).Transition!;
        Assert.Equal(50, set.Status.Traffic.CanaryWeight);
        Assert.Contains("50% (2 of 4 replicas), the share of pods nearest to 60%", set.Message.Body, StringComparison.Ordinal);
    }
}
