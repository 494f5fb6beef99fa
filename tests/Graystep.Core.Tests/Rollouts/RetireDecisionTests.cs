using Graystep.Core.History;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using Graystep.Core.Tests.Rollouts.Support;
using static Graystep.Core.Tests.Spec.SpecFixtures;

namespace Graystep.Core.Tests.Rollouts;

/// <summary>
/// Retire later and keep a standby (<c>analysis.scaleDownDelay</c>, <c>analysis.keepPrevious</c>): the switch commit
/// moves the traffic, a later retire commit removes the version that lost it once the cluster applied the switch and
/// the delay passed; a standby makes a rollback after promotion one commit.
/// </summary>
public sealed class RetireDecisionTests
{
    private static readonly TimeSpan SyncDelay = TimeSpan.FromSeconds(30);

    private static DecisionLoop Loop(string extra) =>
        new(DeciderSpecs.Rollout("stepWeights: [10, 20, 50]\n    " + extra)) { SyncedAt = committed => committed + SyncDelay };

    [Fact]
    public void After_a_promotion_the_old_version_runs_until_the_switch_is_applied_and_scaleDownDelay_has_passed()
    {
        var loop = Loop("scaleDownDelay: 45s");

        var end = loop.Run(DeciderSpecs.V2);

        Assert.Equal((RunOutcome.Promoted, "promoted v2"), (end.Outcome, end.Reason));
        Assert.Equal([RolloutAction.Initialize, RolloutAction.Retire, RolloutAction.Retire, RolloutAction.Start, RolloutAction.Step, RolloutAction.Step, RolloutAction.Step, RolloutAction.Promote, RolloutAction.Retire], loop.Actions);
        var (promotedAt, promote) = loop.Commits[^2];
        var (retiredAt, retire) = loop.Commits[^1];
        Assert.Equal("v1", promote.Status.Retiring?.Name);
        Assert.Equal("v2", promote.Status.Stable.Name);
        Assert.Contains("v1 keeps running at 0% for scaleDownDelay 45s", promote.Message.Body, StringComparison.Ordinal);
        Assert.Equal(promotedAt + SyncDelay + TimeSpan.FromSeconds(45), retiredAt);
        Assert.Null(retire.Status.Retiring);
        Assert.Equal("reviews: retire v1 (no traffic since the switch)", retire.Message.Subject);
        Assert.Equal(("v2", "100"), (retire.Message.Trailer(Trailers.Version), retire.Message.Trailer(Trailers.Weight)));
        Assert.Equal(promote.Status with { Retiring = null }, retire.Status);
    }

    [Fact]
    public void Before_the_delay_the_run_waits_for_the_retire_and_with_once_leaves_it_to_the_next_run()
    {
        var loop = Loop("scaleDownDelay: 45s");
        var end = loop.Run(DeciderSpecs.V2, once: true);
        while (loop.Status?.Phase != RolloutPhase.Succeeded)
        {
            end = loop.Run(DeciderSpecs.V2, once: true);
        }

        Assert.Equal(RolloutAction.Promote, loop.Actions.Last());
        Assert.Equal(RunOutcome.Promoted, end.Outcome);
        var promotedAt = loop.Commits[^1].At;

        // Not applied yet: the retire waits for the sync gate, then for the delay.
        var syncing = Assert.IsType<Decision.Wait>(loop.Decide().Decision);
        Assert.StartsWith("waiting for the cluster to apply", syncing.Reason, StringComparison.Ordinal);
        Assert.Contains("before retiring v1", syncing.Reason, StringComparison.Ordinal);
        loop.Now = promotedAt + SyncDelay;
        var waiting = Assert.IsType<Decision.Wait>(loop.Decide().Decision);
        Assert.StartsWith("v1 keeps running without traffic for scaleDownDelay 45s", waiting.Reason, StringComparison.Ordinal);
        Assert.Equal(promotedAt + SyncDelay + TimeSpan.FromSeconds(45), waiting.Until);

        // The next run (a job that died in between) finishes it.
        loop.Now = waiting.Until!.Value;
        var next = loop.Run();
        Assert.Equal(RolloutAction.Retire, loop.Actions.Last());
        Assert.Equal(RunOutcome.Promoted, next.Outcome);
    }

    [Fact]
    public void A_rolled_back_canary_is_retired_later_too_and_a_new_start_waits_for_the_retire()
    {
        var loop = Loop("scaleDownDelay: 10s");
        loop.Run(DeciderSpecs.V2);
        loop.MetricsPass = round => round <= 1;
        var rolledBack = loop.Run(DeciderSpecs.Version("v3"));
        Assert.Equal(RunOutcome.RolledBack, rolledBack.Outcome);
        Assert.StartsWith("analysis failed", rolledBack.Reason, StringComparison.Ordinal);
        Assert.Equal([RolloutAction.Rollback, RolloutAction.Retire], loop.Actions.TakeLast(2));
        Assert.Equal("v3", loop.Commits[^2].Transition.Status.Retiring?.Name);
        Assert.Equal(("v3", "0"), (loop.Commits[^1].Transition.Message.Trailer(Trailers.Version), loop.Commits[^1].Transition.Message.Trailer(Trailers.Weight)));

        // A start asked while a retire is due: the retire is committed first, then the new version starts.
        var fresh = Loop("scaleDownDelay: 10s");
        fresh.Run(DeciderSpecs.V2, once: true);
        while (fresh.Status?.Phase != RolloutPhase.Succeeded)
        {
            fresh.Run(DeciderSpecs.V2, once: true);
        }

        fresh.Now += TimeSpan.FromMinutes(5);
        fresh.Run(DeciderSpecs.Version("v3"), once: true);
        Assert.Equal([RolloutAction.Promote, RolloutAction.Retire, RolloutAction.Start], fresh.Actions.TakeLast(3));
    }

    [Fact]
    public void With_keepPrevious_the_previous_stable_stays_as_a_standby_and_rollback_switches_back_in_one_commit()
    {
        var loop = Loop("keepPrevious: true");
        loop.Run(DeciderSpecs.V2);
        var promoted = loop.Status!;
        Assert.Equal(RolloutAction.Promote, loop.Actions.Last());
        Assert.Equal("v1", promoted.Standby?.Name);
        Assert.Null(promoted.Retiring);
        Assert.Equal(["v1"], promoted.Idle.Select(v => v.Name));

        var back = loop.Manual(ManualAction.Rollback, "latency regression");

        var transition = back.Transition!;
        Assert.Equal("reviews: switch back to v1, roll back v2", transition.Message.Subject);
        Assert.Equal(RolloutAction.Rollback, transition.Action);
        Assert.Equal(RolloutPhase.Failed, transition.Status.Phase);
        Assert.Equal(("v1", "v2"), (transition.Status.Stable.Name, transition.Status.Canary?.Name));
        Assert.Null(transition.Status.Standby);
        Assert.Null(transition.Status.Retiring);
        Assert.Null(transition.RenderedCanary);

        // Switched back: v2 counts as rolled back, and there is no standby left to switch to.
        var again = Assert.IsType<Decision.Finish>(loop.Decide(DeciderSpecs.V2).Decision);
        Assert.Equal(RunOutcome.RolledBack, again.Outcome);
        Assert.StartsWith("v2 was rolled back", again.Reason, StringComparison.Ordinal);
        Assert.Throws<Errors.GraystepException>(() => loop.Manual(ManualAction.Rollback));
    }

    [Fact]
    public void A_standby_keeps_running_through_the_next_canary_and_is_replaced_at_the_next_promotion()
    {
        var loop = Loop("keepPrevious: true");
        loop.Run(DeciderSpecs.V2);
        loop.Run(DeciderSpecs.Version("v3"), once: true);
        Assert.Equal("v1", loop.Status!.Standby?.Name);
        Assert.Equal(["v1"], loop.Status.Idle.Select(v => v.Name));

        loop.Run(DeciderSpecs.Version("v3"));
        Assert.Equal(("v3", "v2"), (loop.Status.Stable.Name, loop.Status.Standby?.Name));
    }

    [Fact]
    public void The_status_file_keeps_the_retiring_and_standby_versions()
    {
        var status = new RolloutStatus
        {
            Phase = RolloutPhase.Succeeded,
            Stable = VersionRef.Of("v3", new Dictionary<string, string> { ["reviews"] = "r:3" }),
            Retiring = VersionRef.Of("v2", new Dictionary<string, string> { ["reviews"] = "r:2" }),
            Standby = VersionRef.Of("v1", new Dictionary<string, string> { ["reviews"] = "r:1" }),
            LastTransitionTime = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero),
            Reason = "promoted v3",
        };
        var spec = new DecisionLoop(DeciderSpecs.Rollout()).Spec;

        var text = StatusDocument.Write(spec, status);
        var read = StatusDocument.Read("graystep-status.yaml", text);

        Assert.Contains("  retiring:\n    version: \"v2\"\n", text, StringComparison.Ordinal);
        Assert.Contains("  standby:\n    version: \"v1\"\n", text, StringComparison.Ordinal);
        Assert.Equal(status.Retiring, read.Retiring);
        Assert.Equal(status.Standby, read.Standby);
        Assert.Null(StatusDocument.Read("s.yaml", StatusDocument.Write(spec, status with { Retiring = null, Standby = null })).Retiring);
    }

    [Fact]
    public void The_spec_binds_both_fields_refuses_a_negative_delay_and_names_them_as_Graystep_fields_in_a_Flagger_Canary()
    {
        var spec = Assert.Single(Load(Rollout.With("    threshold: 5\n", "    threshold: 5\n    scaleDownDelay: 45s\n    keepPrevious: true\n")).Rollouts);
        Assert.Equal((TimeSpan.FromSeconds(45), true, true), (spec.Analysis.ScaleDownDelay, spec.Analysis.KeepPrevious, spec.Analysis.RetiresLater));

        // A Rollout retires later by default (Argo Rollouts' 30 s); 0s removes the old version in the switch commit.
        Assert.Equal((TimeSpan.FromSeconds(30), false), (Assert.Single(Load(Rollout).Rollouts).Analysis.ScaleDownDelay, Assert.Single(Load(Rollout).Rollouts).Analysis.KeepPrevious));
        Assert.False(Assert.Single(Load(Rollout.With("    threshold: 5\n", "    threshold: 5\n    scaleDownDelay: 0s\n")).Rollouts).Analysis.RetiresLater);

        var negative = Problems(Load(Rollout.With("    threshold: 5\n", "    threshold: 5\n    scaleDownDelay: -5s\n")));
        Assert.Contains(negative, p => p.Contains("scaleDownDelay cannot be negative", StringComparison.Ordinal));

        var canary = Rollout
            .With("apiVersion: graystep.io/v1alpha1\nkind: Rollout", "apiVersion: flagger.app/v1beta1\nkind: Canary")
            .With("  output: rendered/", string.Empty)
            .With("    threshold: 5\n", "    threshold: 5\n    keepPrevious: true\n");
        var problem = Assert.Single(Problems(Load(canary)));
        Assert.Contains("unknown field \"keepPrevious\"; it is a Graystep field", problem, StringComparison.Ordinal);
        Assert.Contains("app/rollout.yaml:11:", problem, StringComparison.Ordinal);

        // A Flagger Canary keeps Flagger's behaviour: the old version goes in the switch commit.
        var flagger = Rollout
            .With("apiVersion: graystep.io/v1alpha1\nkind: Rollout", "apiVersion: flagger.app/v1beta1\nkind: Canary")
            .With("  output: rendered/", string.Empty);
        Assert.Equal(TimeSpan.Zero, Assert.Single(Load(flagger).Rollouts).Analysis.ScaleDownDelay);
    }
}
