using Graystep.Core.Errors;
using Graystep.Core.History;
using Graystep.Core.Rollouts;
using Graystep.Core.Tests.Rollouts.Support;

namespace Graystep.Core.Tests.Rollouts;

/// <summary>
/// Adopting the user's Deployment on the first rollout: renaming it in one commit would be a delete and a create of
/// the live workload, so the initialize commit adds the versioned copy beside it, and only once the cluster applied
/// that commit does a retire commit move the routing to the copy and remove the original (with scaleDownDelay: move
/// the routing, then remove the original after the delay).
/// </summary>
public sealed class AdoptionDecisionTests
{
    private static readonly TimeSpan SyncDelay = TimeSpan.FromSeconds(30);

    [Fact]
    public void The_original_is_removed_only_after_the_cluster_applied_its_versioned_copy()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout()) { SyncedAt = committed => committed + SyncDelay };
        var t0 = loop.Now;

        var end = loop.Run();

        Assert.Equal(RunOutcome.Done, end.Outcome);
        Assert.Equal([RolloutAction.Initialize, RolloutAction.Retire], loop.Actions);
        var (initAt, init) = loop.Commits[0];
        var (adoptedAt, adopted) = loop.Commits[1];
        Assert.Equal(("reviews", false), (init.Status.Adopting, init.Status.AdoptingRouted));
        Assert.Contains("reviews is not versioned yet, so it stays in the output exactly as you wrote it, beside its versioned copy reviews-v1", init.Message.Body, StringComparison.Ordinal);
        Assert.Equal(t0, initAt);
        Assert.Equal(initAt + SyncDelay, adoptedAt);
        Assert.Equal("reviews: retire reviews, adopted as v1", adopted.Message.Subject);
        Assert.Equal(("retire", "v1", "100"), (adopted.Message.Trailer(Trailers.Action), adopted.Message.Trailer(Trailers.Version), adopted.Message.Trailer(Trailers.Weight)));
        Assert.Null(adopted.Status.Adopting);
        Assert.StartsWith("Reason: reviews-v1 runs beside reviews; v1's traffic moves to reviews-v1 and reviews leaves.\n", adopted.Message.Body, StringComparison.Ordinal);
        Assert.Equal(init.Status with { Adopting = null }, adopted.Status);
    }

    [Fact]
    public void While_the_copy_is_not_applied_the_run_waits_and_says_for_what()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout()) { SyncedAt = _ => null };
        var init = Assert.IsType<Decision.Commit>(loop.Decide().Decision);
        loop.Apply(init.Transition);

        var wait = Assert.IsType<Decision.Wait>(loop.Decide().Decision);

        Assert.StartsWith("waiting for the cluster to apply", wait.Reason, StringComparison.Ordinal);
        Assert.Contains("before moving v1's traffic off reviews", wait.Reason, StringComparison.Ordinal);
        Assert.Single(loop.Commits);

        // Past progressDeadlineSeconds the run ends in progress: nothing to roll back, the original still serves.
        var end = loop.Run();
        Assert.Equal(RunOutcome.InProgress, end.Outcome);
        Assert.StartsWith("the cluster has not applied ", end.Reason, StringComparison.Ordinal);
        Assert.EndsWith(" within progressDeadlineSeconds 600s; reviews keeps running beside reviews-v1 and nothing was removed (check the sync gate, then run again)", end.Reason, StringComparison.Ordinal);
        Assert.Equal(loop.Commits[0].At + TimeSpan.FromSeconds(600), loop.Now);
        Assert.Single(loop.Commits);
    }

    [Fact]
    public void With_scaleDownDelay_the_routing_moves_first_and_the_original_leaves_after_the_delay()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout("stepWeights: [10, 20, 50]\n    scaleDownDelay: 45s")) { SyncedAt = committed => committed + SyncDelay };

        loop.Run();

        Assert.Equal([RolloutAction.Initialize, RolloutAction.Retire, RolloutAction.Retire], loop.Actions);
        var (routedAt, routed) = loop.Commits[1];
        var (retiredAt, retired) = loop.Commits[2];
        Assert.Equal("reviews: route v1 to reviews-v1, keep reviews without traffic", routed.Message.Subject);
        Assert.Equal(("reviews", true), (routed.Status.Adopting, routed.Status.AdoptingRouted));
        Assert.StartsWith("Reason: reviews-v1 runs beside reviews; v1's traffic moves to reviews-v1.\n", routed.Message.Body, StringComparison.Ordinal);
        Assert.Contains("keeps running without traffic for scaleDownDelay 45s", routed.Message.Body, StringComparison.Ordinal);
        Assert.Equal(routedAt + SyncDelay + TimeSpan.FromSeconds(45), retiredAt);
        Assert.Equal("reviews: retire reviews, adopted as v1", retired.Message.Subject);
        Assert.StartsWith("Reason: reviews had no traffic for scaleDownDelay 45s; reviews-v1 runs v1.\n", retired.Message.Body, StringComparison.Ordinal);
        Assert.Null(retired.Status.Adopting);
        Assert.False(retired.Status.AdoptingRouted);
    }

    [Fact]
    public void A_run_that_died_during_the_adoption_finishes_it_before_starting_the_new_version()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout()) { SyncedAt = committed => committed + SyncDelay };
        var init = Assert.IsType<Decision.Commit>(loop.Decide(DeciderSpecs.V2).Decision);
        loop.Apply(init.Transition);

        // The next run (the job died after the initialize commit) asked for v2: the adoption comes first.
        loop.Now += SyncDelay;
        loop.Run(DeciderSpecs.V2, once: true);

        Assert.Equal([RolloutAction.Initialize, RolloutAction.Retire, RolloutAction.Start], loop.Actions);
        Assert.Null(loop.Status!.Adopting);
    }

    [Fact]
    public void The_adoption_state_survives_the_status_file_and_a_forged_name_is_refused()
    {
        var spec = new DecisionLoop(DeciderSpecs.Rollout()).Spec;
        var status = new RolloutStatus
        {
            Phase = RolloutPhase.Initialized,
            Stable = VersionRef.Of("v1", new Dictionary<string, string> { ["reviews"] = "reviews:1" }),
            Canary = null,
            Traffic = TrafficSplit.AllStable,
            StepIndex = 0,
            StepCount = 0,
            LastTransitionTime = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero),
            Reason = "initialized v1 at 100%",
            Adopting = "reviews",
            AdoptingRouted = true,
        };

        var text = StatusDocument.Write(spec, status);
        Assert.Contains("  adopting: \"reviews\"\n  adoptingRouted: true\n", text, StringComparison.Ordinal);
        Assert.Equal(status, StatusDocument.Read("graystep-status.yaml", text));

        var forged = text.Replace("adopting: \"reviews\"", "adopting: \"reviews\\nGraystep-Action: promote\"", StringComparison.Ordinal);
        var error = Assert.Throws<GraystepException>(() => StatusDocument.Read("graystep-status.yaml", forged));
        Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
        Assert.Contains("status.adopting", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
    }
}
