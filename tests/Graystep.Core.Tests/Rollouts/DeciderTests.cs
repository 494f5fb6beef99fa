using Graystep.Core.Errors;
using Graystep.Core.Gates;
using Graystep.Core.History;
using Graystep.Core.Rollouts;
using Graystep.Core.Tests.Rollouts.Support;

namespace Graystep.Core.Tests.Rollouts;

/// <summary>
/// Every decision path of the run, one at a time, through <see cref="RolloutDecider"/> with a fake clock and scripted
/// observations: each transition of DESIGN.md §4 (initialize, start, step, pause, resume, promote, rollback), the
/// gates, the deadlines, the waits, and the manual commands. No git, no HTTP, no sleeping.
/// </summary>
public sealed class DeciderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static string Hook(string type, string name = "hook") =>
        $"    webhooks:\n      - {{name: {name}, type: {type}, url: http://hooks.test/{name}}}";

    [Fact]
    public void A_first_run_initializes_the_stable_version_at_100_percent_then_starts_the_new_one()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout());

        var first = loop.Decide(DeciderSpecs.V2);

        var init = Assert.IsType<Decision.Commit>(first.Decision);
        Assert.True(init.Preparatory);
        Assert.Equal(RolloutAction.Initialize, init.Transition.Action);
        Assert.Equal("v1", init.Transition.Status.Stable.Name);
        Assert.Equal("reviews: initialize v1 at 100%", init.Transition.Message.Subject);
        Assert.Equal(
            ["Graystep-Rollout: bookinfo/reviews", "Graystep-Version: v1", "Graystep-Action: initialize", "Graystep-Weight: 100", "Graystep-Step: 0/0"],
            init.Transition.Message.Trailers.Select(t => $"{t.Key}: {t.Value}"));
        Assert.Equal("reviews", init.Transition.Status.Adopting);
        loop.Apply(init.Transition);

        // The user's Deployment is adopted: once the cluster applied its versioned copy, a retire commit removes it.
        var adopted = Assert.IsType<Decision.Commit>(loop.Decide(DeciderSpecs.V2).Decision);
        Assert.True(adopted.Preparatory);
        Assert.Equal((RolloutAction.Retire, "reviews: retire reviews, adopted as v1"), (adopted.Transition.Action, adopted.Transition.Message.Subject));
        Assert.Null(adopted.Transition.Status.Adopting);
        loop.Apply(adopted.Transition);

        var start = Assert.IsType<Decision.Commit>(loop.Decide(DeciderSpecs.V2).Decision);
        Assert.False(start.Preparatory);
        Assert.Equal(RolloutAction.Start, start.Transition.Action);
        Assert.Equal("reviews: start v2 at 0%", start.Transition.Message.Subject);
        Assert.Equal(RolloutPhase.Progressing, start.Transition.Status.Phase);
        Assert.Equal("docker.io/istio/examples-bookinfo-reviews-v2:1.20.1", start.Transition.Status.Canary!.Images["reviews"]);
        Assert.Equal(3, start.Transition.Status.StepCount);
        Assert.IsType<Need.Sync>(Assert.Single(loop.Asked).Need);
    }

    /// <summary>
    /// The state machine as DESIGN.md §4 states it, edge by edge: the phase before a commit, its action, the phase
    /// after. (Waiting and WaitingPromotion are gates that hold a
    /// step without a commit, covered by the gate tests below.)
    /// </summary>
    [Fact]
    public void Every_committed_transition_of_the_state_machine_is_reached_from_each_phase_it_leaves()
    {
        var seen = new HashSet<(RolloutPhase? From, RolloutAction Action, RolloutPhase To)>();
        void Record(DecisionLoop loop)
        {
            RolloutPhase? before = null;
            foreach (var (_, transition) in loop.Commits)
            {
                seen.Add((before, transition.Action, transition.Status.Phase));
                before = transition.Status.Phase;
            }
        }

        // Initialize, start, step, promote; then v3 fails its analysis and is rolled back; then v4 starts after it.
        var automatic = new DecisionLoop(DeciderSpecs.Rollout());
        automatic.Run(DeciderSpecs.V2);
        automatic.MetricsPass = round => round <= 3;
        automatic.Run(DeciderSpecs.Version("v3"));
        automatic.MetricsPass = _ => true;
        automatic.Run(DeciderSpecs.Version("v4"), once: true);
        Record(automatic);

        // By hand: pause, resume, promote; and a rollback by hand.
        var manual = new DecisionLoop(DeciderSpecs.Rollout());
        manual.Run(DeciderSpecs.V2, once: true);
        manual.Manual(ManualAction.Pause);
        manual.Manual(ManualAction.Resume);
        Assert.NotNull(manual.Manual(ManualAction.SetWeight, weight: 30).Transition);
        manual.Manual(ManualAction.Resume);
        manual.Manual(ManualAction.Promote);
        manual.Run(DeciderSpecs.Version("v3"), once: true);
        manual.Manual(ManualAction.Rollback);
        Record(manual);

        // Retire later: after a promotion and after a rollback; a standby switched back to by hand, then retired.
        var retiring = new DecisionLoop(DeciderSpecs.Rollout("stepWeights: [10, 20, 50]\n    scaleDownDelay: 30s"));
        retiring.Run(DeciderSpecs.V2);
        retiring.MetricsPass = round => round <= 3;
        retiring.Run(DeciderSpecs.Version("v3"));
        Record(retiring);
        var standby = new DecisionLoop(DeciderSpecs.Rollout("stepWeights: [10, 20, 50]\n    scaleDownDelay: 30s\n    keepPrevious: true"));
        standby.Run(DeciderSpecs.V2);
        standby.Manual(ManualAction.Rollback);
        standby.Run();
        Record(standby);

        // --once: a failed check below the threshold is committed, so the next run counts on.
        var once = new DecisionLoop(DeciderSpecs.Rollout());
        once.Run(DeciderSpecs.V2, once: true);
        once.Run(once: true);
        once.MetricsPass = _ => false;
        once.Run(once: true);
        once.Run(once: true);
        Assert.Equal([RolloutAction.Check, RolloutAction.Rollback], once.Actions.TakeLast(2));
        Record(once);

        (RolloutPhase?, RolloutAction, RolloutPhase)[] machine =
        [
            (null, RolloutAction.Initialize, RolloutPhase.Initialized),
            (RolloutPhase.Initialized, RolloutAction.Retire, RolloutPhase.Initialized),
            (RolloutPhase.Initialized, RolloutAction.Start, RolloutPhase.Progressing),
            (RolloutPhase.Succeeded, RolloutAction.Start, RolloutPhase.Progressing),
            (RolloutPhase.Failed, RolloutAction.Start, RolloutPhase.Progressing),
            (RolloutPhase.Progressing, RolloutAction.Step, RolloutPhase.Progressing),
            (RolloutPhase.Progressing, RolloutAction.Pause, RolloutPhase.Progressing),
            (RolloutPhase.Progressing, RolloutAction.Resume, RolloutPhase.Progressing),
            (RolloutPhase.Progressing, RolloutAction.Promote, RolloutPhase.Succeeded),
            (RolloutPhase.Progressing, RolloutAction.Rollback, RolloutPhase.Failed),
            (RolloutPhase.Succeeded, RolloutAction.Retire, RolloutPhase.Succeeded),
            (RolloutPhase.Failed, RolloutAction.Retire, RolloutPhase.Failed),
            (RolloutPhase.Succeeded, RolloutAction.Rollback, RolloutPhase.Failed),
            (RolloutPhase.Progressing, RolloutAction.SetWeight, RolloutPhase.Progressing),
            (RolloutPhase.Progressing, RolloutAction.Check, RolloutPhase.Progressing),
        ];
        Assert.Equal(machine.ToHashSet(), seen);
        Assert.Equal(Enum.GetValues<RolloutAction>().ToHashSet(), seen.Select(e => e.Action).ToHashSet());
    }

    [Fact]
    public void Without_a_version_to_start_a_run_initializes_and_ends()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout());

        var end = loop.Run();

        Assert.Equal([RolloutAction.Initialize, RolloutAction.Retire], loop.Actions);
        Assert.Equal(RunOutcome.Done, end.Outcome);
        Assert.Equal("v1 is stable at 100%; nothing in progress (pass --version to start a rollout)", end.Reason);
    }

    [Theory]
    [InlineData("v2 beta")]
    [InlineData("v2/beta")]
    [InlineData("-v2")]
    [InlineData("v2.")]
    public void A_version_that_is_no_label_value_is_a_usage_error(string version)
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout());
        loop.Run();

        var error = Assert.Throws<GraystepException>(() => loop.Decide(new StartRequest(version, new Dictionary<string, string>())));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Equal($"--version '{version}' is not a valid version name", error.Message);
    }

    [Theory]
    [InlineData("V1")]
    public void A_version_whose_objects_would_be_named_like_the_stable_ones_is_refused_naming_both(string version)
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout());
        loop.Run();

        var error = Assert.Throws<GraystepException>(() => loop.Decide(new StartRequest(version, new Dictionary<string, string>())));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains($"'{version}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'v1'", error.Message, StringComparison.Ordinal);
        Assert.Equal([RolloutAction.Initialize, RolloutAction.Retire], loop.Actions);
    }

    [Fact]
    public void A_semantic_version_starts_as_written()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout());
        loop.Run();

        var end = loop.Run(new StartRequest("1.1.0-rc.1", new Dictionary<string, string>()));

        Assert.Equal(RunOutcome.Promoted, end.Outcome);
        Assert.Equal("1.1.0-rc.1", loop.Status?.Stable.Name);
        Assert.Contains(loop.Commits, c => c.Transition.Message.Trailers.Any(t => t.Key == Trailers.Version && t.Value == "1.1.0-rc.1"));
    }

    [Fact]
    public void An_image_for_a_container_the_target_lacks_is_a_usage_error_naming_the_containers()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout());
        loop.Run();

        var error = Assert.Throws<GraystepException>(() => loop.Decide(new StartRequest("v2", new Dictionary<string, string> { ["sidecar"] = "x:1" })));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Equal("--image sidecar=...: Deployment/reviews has no container named 'sidecar'", error.Message);
        Assert.Equal("containers in app/deployment.yaml: reviews", error.Hint);
    }

    [Fact]
    public void Another_version_in_progress_is_refused_unless_superseded_which_rolls_it_back_first()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout());
        loop.Run(DeciderSpecs.V2, once: true);
        var v3 = new StartRequest("v3", new Dictionary<string, string>());

        var refused = Assert.Throws<GraystepException>(() => loop.Decide(v3));
        Assert.Equal("bookinfo/reviews: v2 is in progress (started v2); refusing to start v3", refused.Message);
        Assert.Equal("wait for v2 to finish, or pass --supersede to roll it back and start v3", refused.Hint);

        loop.Run(v3 with { Supersede = true }, once: true);

        Assert.Equal([RolloutAction.Initialize, RolloutAction.Retire, RolloutAction.Start, RolloutAction.Rollback, RolloutAction.Start], loop.Actions);
        Assert.Equal("superseded by v3", loop.Commits[3].Transition.Status.Reason);
        Assert.Equal("v3", loop.Status!.Canary!.Name);
    }

    [Fact]
    public void Starting_the_stable_version_changes_nothing_and_says_so()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout());
        loop.Run();
        Assert.Equal("v1 is already the stable version", loop.Run(new StartRequest("v1", new Dictionary<string, string>())).Reason);

        loop.Run(DeciderSpecs.V2);
        var again = loop.Run(DeciderSpecs.V2);

        Assert.Equal(RunOutcome.Promoted, again.Outcome);
        Assert.Equal("v2 is already promoted and stable", again.Reason);
        Assert.Equal(RolloutAction.Promote, loop.Actions.Last());
    }

    [Fact]
    public void A_rolled_back_version_with_the_same_images_is_not_tried_again_under_its_name()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout(threshold: 1)) { MetricsPass = _ => false };
        Assert.Equal(RunOutcome.RolledBack, loop.Run(DeciderSpecs.V2).Outcome);
        var commits = loop.Commits.Count;

        var again = loop.Run(DeciderSpecs.V2);

        Assert.Equal(RunOutcome.RolledBack, again.Outcome);
        Assert.StartsWith("v2 was rolled back at 2026-03-01 09:", again.Reason, StringComparison.Ordinal);
        Assert.EndsWith("(pass --retry to start v2 again as attempt 2, or start a new version)", again.Reason, StringComparison.Ordinal);
        Assert.Equal(commits, loop.Commits.Count);
    }

    [Fact]
    public void Retry_starts_a_rolled_back_version_as_its_next_attempt_and_every_commit_of_it_says_so()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout(threshold: 1)) { MetricsPass = _ => false };
        loop.Run(DeciderSpecs.V2);
        var firstAttempt = loop.Commits.Count;
        Assert.All(loop.Commits, c => Assert.Null(c.Transition.Message.Trailer(Trailers.Attempt)));

        loop.MetricsPass = _ => true;
        var retried = loop.Run(DeciderSpecs.V2 with { Retry = true });

        Assert.Equal(RunOutcome.Promoted, retried.Outcome);
        var attempt = loop.Commits.Skip(firstAttempt).ToList();
        Assert.Equal("reviews: start v2 (attempt 2) at 0%", attempt[0].Transition.Message.Subject);
        Assert.Equal("started v2 (attempt 2)", attempt[0].Transition.Status.Reason);
        Assert.All(attempt, c => Assert.Equal(("2", 2), (c.Transition.Message.Trailer(Trailers.Attempt), c.Transition.Status.Attempt)));

        // The next version is a first attempt again; new images under a rolled-back name start the next attempt.
        loop.MetricsPass = _ => false;
        loop.Run(DeciderSpecs.Version("v3"));
        Assert.Equal(1, loop.Status!.Attempt);
        loop.MetricsPass = _ => true;
        loop.Run(new StartRequest("v3", new Dictionary<string, string> { ["reviews"] = "registry.example/reviews:3.0.1" }));
        Assert.Equal(("reviews: start v3 (attempt 2) at 0%", RolloutPhase.Succeeded), (loop.Commits.Last(c => c.Transition.Action == RolloutAction.Start).Transition.Message.Subject, loop.Status.Phase));
    }

    [Fact]
    public void A_suspended_spec_holds_the_rollout_without_deciding_anything()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout(extra: "  suspend: true"));
        loop.Run(DeciderSpecs.V2, once: true);
        var asked = loop.Asked.Count;

        var end = loop.Run();

        Assert.Equal(RunOutcome.InProgress, end.Outcome);
        Assert.Equal("the rollout is suspended (spec.suspend: true); set it to false to continue", end.Reason);
        Assert.Equal(asked, loop.Asked.Count);
    }

    [Fact]
    public void Pause_holds_the_rollout_and_resume_carries_on_from_the_same_step()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout()) { SyncedAt = c => c + TimeSpan.FromSeconds(30) };
        loop.Run(DeciderSpecs.V2, once: true);
        loop.Run(once: true);
        Assert.Equal(10, loop.Status!.Traffic.CanaryWeight);

        var pause = loop.Manual(ManualAction.Pause, "release notes");
        Assert.Equal("reviews: pause v2 at 10%", pause.Transition!.Message.Subject);
        Assert.Equal("Graystep-Action: pause", pause.Transition.Message.Trailers.Select(t => $"{t.Key}: {t.Value}").ElementAt(2));
        loop.Now += TimeSpan.FromHours(1);
        var paused = loop.Run();
        Assert.Equal(RunOutcome.InProgress, paused.Outcome);
        Assert.Equal("v2 is paused (paused: release notes); run 'graystep resume' to continue", paused.Reason);
        Assert.Equal("bookinfo/reviews: already paused (paused: release notes); nothing to do", loop.Manual(ManualAction.Pause).NothingToDo);

        var resume = loop.Manual(ManualAction.Resume);
        Assert.Equal("reviews: resume v2 at 10%", resume.Transition!.Message.Subject);
        Assert.Equal("resumed: graystep resume by hand", loop.Status.Reason);
        Assert.Equal("bookinfo/reviews: not paused; nothing to do", loop.Manual(ManualAction.Resume).NothingToDo);

        loop.Run(once: true);
        Assert.Equal(20, loop.Status.Traffic.CanaryWeight);
        Assert.Equal(2, loop.Status.StepIndex);
    }

    [Fact]
    public void Promote_and_rollback_by_hand_skip_the_remaining_steps_in_one_commit()
    {
        var promoted = new DecisionLoop(DeciderSpecs.Rollout());
        promoted.Run(DeciderSpecs.V2, once: true);
        var promotion = promoted.Manual(ManualAction.Promote, "hotfix").Transition!;
        Assert.Equal("reviews: promote v2 to 100%", promotion.Message.Subject);
        Assert.StartsWith("Reason: hotfix\n\nPromoted by hand at step 0/3", promotion.Message.Body, StringComparison.Ordinal);
        Assert.Equal(("v2", RolloutPhase.Succeeded), (promoted.Status!.Stable.Name, promoted.Status.Phase));

        var rolledBack = new DecisionLoop(DeciderSpecs.Rollout());
        rolledBack.Run(DeciderSpecs.V2, once: true);
        var rollback = rolledBack.Manual(ManualAction.Rollback).Transition!;
        Assert.Equal("reviews: roll back v2, all traffic to v1", rollback.Message.Subject);
        Assert.Equal(("v1", RolloutPhase.Failed, "graystep rollback by hand"), (rolledBack.Status!.Stable.Name, rolledBack.Status.Phase, rolledBack.Status.Reason));

        var error = Assert.Throws<GraystepException>(() => rolledBack.Manual(ManualAction.Promote));
        Assert.StartsWith("bookinfo/reviews: nothing in progress to promote (Failed:", error.Message, StringComparison.Ordinal);
        var none = new DecisionLoop(DeciderSpecs.Rollout());
        Assert.Equal("bookinfo/reviews: no rollout yet, nothing to pause", Assert.Throws<GraystepException>(() => none.Manual(ManualAction.Pause)).Message);
    }

    [Fact]
    public void Skip_analysis_promotes_right_after_the_start_as_Flagger_does()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout(extra: "  skipAnalysis: true"));

        var end = loop.Run(DeciderSpecs.V2);

        Assert.Equal([RolloutAction.Initialize, RolloutAction.Retire, RolloutAction.Start, RolloutAction.Promote], loop.Actions);
        Assert.Equal(RunOutcome.Promoted, end.Outcome);
        Assert.Equal("skipAnalysis is set: promoted without analysis, as Flagger does.", loop.Commits[^1].Transition.Message.Body.Split("\n\nGraystep")[0]);
    }

    [Fact]
    public void A_commit_the_cluster_never_applies_is_rolled_back_at_the_progress_deadline()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout(sync: "{kind: none}"));
        loop.Run(DeciderSpecs.V2, once: true);
        loop.SyncedAt = _ => null;

        var end = loop.Run(poll: TimeSpan.FromSeconds(7));

        Assert.Equal(RunOutcome.RolledBack, end.Outcome);
        var rollback = loop.Commits[^1];
        Assert.Equal(TimeSpan.FromSeconds(602), rollback.At - loop.Commits[1].At);
        Assert.StartsWith("progress deadline exceeded: waiting 600s for the cluster to apply ", rollback.Transition.Status.Reason, StringComparison.Ordinal);
        Assert.All(loop.Asked, a => Assert.IsType<Need.Sync>(a.Need));
    }

    [Fact]
    public void A_known_sync_time_is_slept_on_never_past_the_deadline()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout(extra: "  progressDeadlineSeconds: 45").Replace("  progressDeadlineSeconds: 600\n", string.Empty, StringComparison.Ordinal));
        loop.Run(DeciderSpecs.V2, once: true);
        loop.SyncedAt = committed => committed + TimeSpan.FromSeconds(30);
        var wait = Assert.IsType<Decision.Wait>(loop.Decide().Decision);
        Assert.Equal(loop.Now + TimeSpan.FromSeconds(30), wait.Until);

        loop.SyncedAt = committed => committed + TimeSpan.FromMinutes(5);
        var clipped = Assert.IsType<Decision.Wait>(loop.Decide().Decision);
        Assert.Equal(loop.Commits[^1].At + TimeSpan.FromSeconds(45), clipped.Until);
    }

    [Fact]
    public void Analysis_waits_one_interval_after_the_sync_and_a_late_run_checks_at_once_then_every_interval()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout(threshold: 5)) { SyncedAt = c => c + TimeSpan.FromSeconds(30), MetricsPass = _ => false };
        loop.Run(DeciderSpecs.V2, once: true);
        loop.Run(once: true);
        var step = loop.Commits[^1].At;
        Assert.Equal(TimeSpan.FromSeconds(90), step - loop.Commits[1].At);

        // A run that comes back an hour later does not catch up on the intervals nobody checked.
        loop.Memory = RunMemory.Empty;
        loop.Now = step + TimeSpan.FromHours(1);
        var first = loop.Decide();
        Assert.Equal(loop.Now + TimeSpan.FromMinutes(1), Assert.IsType<Decision.Wait>(first.Decision).Until);
        Assert.Equal("failed check 1/5: request-success-rate 90 outside >= 99; checking again", ((Decision.Wait)first.Decision).Reason);
        Assert.Equal(1, first.Report!.FailedChecks);
        loop.Memory = first.Memory;
        Assert.IsType<Decision.Wait>(loop.Decide().Decision);
        Assert.Single(loop.Asked, a => a.Need is Need.Metrics);
    }

    [Fact]
    public void A_failed_check_is_counted_once_per_round_and_the_rollback_lists_every_failure()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout(threshold: 3)) { MetricsPass = round => round == 2 };

        loop.Run(DeciderSpecs.V2);

        var rollback = loop.Commits[^1].Transition;
        Assert.Equal(RolloutAction.Rollback, rollback.Action);
        Assert.Equal("analysis failed 3 times (threshold 3): request-success-rate 90 outside >= 99", rollback.Status.Reason);
        Assert.Contains("Failed checks: 3 of threshold 3", rollback.Message.Body, StringComparison.Ordinal);
        Assert.Equal(3, rollback.Message.Body.Split('\n').Count(l => l.Contains(": request-success-rate 90 outside >= 99 over 1m", StringComparison.Ordinal)));
        Assert.Equal(2, loop.Status!.StepIndex);
    }

    [Fact]
    public void A_closed_confirm_rollout_gate_waits_and_after_the_deadline_ends_without_starting()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout(webhooks: Hook("confirm-rollout", "approve")))
        {
            HookSucceeds = (moment, call) => moment != HookMoment.RollbackCheck && (moment != HookMoment.BeforeStart || call > 100),
        };

        var end = loop.Run(DeciderSpecs.V2);

        Assert.Equal([RolloutAction.Initialize, RolloutAction.Retire], loop.Actions);
        Assert.Equal(RunOutcome.InProgress, end.Outcome);
        Assert.Equal("the confirm-rollout gate approve stayed closed for 600s; v2 was not started (run again to ask again)", end.Reason);
        Assert.Equal(11, loop.HookCalls(HookMoment.BeforeStart));
    }

    [Theory]
    [InlineData("confirm-traffic-increase", HookMoment.BeforeTrafficIncrease, "stepWeights: [10, 20, 50]")]
    [InlineData("confirm-promotion", HookMoment.BeforePromotion, "stepWeights: [10]")]
    public void A_closed_gate_holds_the_step_without_counting_failures_until_it_opens(string type, HookMoment moment, string analysis)
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout(analysis, webhooks: Hook(type, "gate")))
        {
            HookSucceeds = (m, call) => m != HookMoment.RollbackCheck && (m != moment || call > 3),
        };

        var end = loop.Run(DeciderSpecs.V2);

        Assert.Equal(RunOutcome.Promoted, end.Outcome);
        Assert.Equal(0, loop.Status!.FailedChecks);
        Assert.Equal(moment == HookMoment.BeforeTrafficIncrease ? 3 + 3 : 4, loop.HookCalls(moment));
    }

    [Fact]
    public void A_gate_that_stays_closed_past_the_deadline_rolls_the_canary_back()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout(webhooks: Hook("confirm-traffic-increase", "gate")))
        {
            HookSucceeds = (m, _) => m != HookMoment.RollbackCheck && m != HookMoment.BeforeTrafficIncrease,
        };

        var end = loop.Run(DeciderSpecs.V2);

        Assert.Equal(RunOutcome.RolledBack, end.Outcome);
        Assert.Equal("progress deadline exceeded: the confirm-traffic-increase gate gate stayed closed for 600s", loop.Status!.Reason);
        Assert.Equal(0, loop.Status.FailedChecks);
    }

    [Fact]
    public void A_rollback_hook_that_succeeds_rolls_back_at_once_whatever_the_metrics_say()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout(webhooks: Hook("rollback", "stop-button")))
        {
            HookSucceeds = (m, call) => m != HookMoment.RollbackCheck || call == 3,
        };

        loop.Run(DeciderSpecs.V2);

        Assert.Equal([RolloutAction.Initialize, RolloutAction.Retire, RolloutAction.Start, RolloutAction.Step, RolloutAction.Step, RolloutAction.Rollback], loop.Actions);
        Assert.Equal("rollback webhook stop-button asked for a rollback", loop.Status!.Reason);
    }

    [Fact]
    public void A_failing_pre_rollout_hook_counts_a_failed_check_before_any_traffic_moves()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout(threshold: 2, webhooks: Hook("pre-rollout", "acceptance")))
        {
            HookSucceeds = (m, _) => m != HookMoment.RollbackCheck && m != HookMoment.BeforeFirstStep,
        };

        loop.Run(DeciderSpecs.V2);

        Assert.Equal([RolloutAction.Initialize, RolloutAction.Retire, RolloutAction.Start, RolloutAction.Rollback], loop.Actions);
        Assert.Equal("analysis failed 2 times (threshold 2): webhook acceptance failed (HTTP 500)", loop.Status!.Reason);
        Assert.DoesNotContain(loop.Asked, a => a.Need is Need.Metrics);
    }

    [Fact]
    public void The_decider_asks_in_Flaggers_order_each_thing_once_and_keeps_its_memory_until_it_decides()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout(webhooks: Hook("rollback", "stop") + "\n      - {name: load, type: rollout, url: http://hooks.test/load}"));
        loop.Run(DeciderSpecs.V2, once: true);
        loop.Run(once: true);
        loop.Asked.Clear();
        loop.Now += TimeSpan.FromMinutes(2);
        var memory = loop.Memory;

        // Asking is not deciding: the same input gives the same question, and the memory only learns the status commit.
        var input = new DecisionInput { State = loop.State, Now = loop.Now, Memory = memory };
        var first = RolloutDecider.Decide(input);
        Assert.IsType<Decision.Observe>(first.Decision);
        Assert.Equal(memory.Track(loop.StatusCommit!.Sha), first.Memory);
        Assert.Equal(first, RolloutDecider.Decide(input));
        Assert.Same(first.Memory, RolloutDecider.Decide(input with { Memory = first.Memory }).Memory);

        var decided = loop.Decide();

        Assert.Equal(
            ["Sync", "Hooks RollbackCheck", "Hooks Analysis", "Metrics"],
            loop.Asked.Select(a => a.Need switch { Need.Hooks h => "Hooks " + h.Moment, _ => a.Need.GetType().Name }));
        Assert.Equal(RolloutAction.Step, Assert.IsType<Decision.Commit>(decided.Decision).Transition.Action);
    }

    [Fact]
    public void A_transition_whose_pull_request_waits_is_held_until_the_next_analysis_and_rolled_back_past_the_deadline()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout());
        loop.Run(DeciderSpecs.V2, once: true);
        loop.Now += TimeSpan.FromMinutes(5);
        var decided = loop.Decide();
        var step = Assert.IsType<Decision.Commit>(decided.Decision);

        // The memory the decision came with (it tracks this status commit), holding the step as a waiting PR does.
        var sha = loop.StatusCommit!.Sha;
        loop.Memory = decided.Memory.Hold(sha, step, loop.Now + TimeSpan.FromMinutes(1));
        loop.Asked.Clear();
        Assert.Same(step, loop.Decide().Decision);
        Assert.Empty(loop.Asked);

        var opened = loop.Now - TimeSpan.FromMinutes(11);
        var overdue = RolloutDecider.PullRequestOverdue(loop.State, step.Transition, "pull request #7 waits for a review", opened, forApproval: true, loop.Now);
        Assert.NotNull(overdue);
        Assert.Equal("progress deadline exceeded after 600s: pull request #7 waits for a review", overdue.Value.Reason);
        Assert.Null(RolloutDecider.PullRequestOverdue(loop.State, step.Transition, "x", loop.Now - TimeSpan.FromMinutes(9), true, loop.Now));

        loop.Memory = loop.Memory.Force(sha, overdue.Value.Reason, overdue.Value.Details);
        var forced = Assert.IsType<Decision.Commit>(loop.Decide().Decision);
        Assert.Equal(RolloutAction.Rollback, forced.Transition.Action);
        Assert.Equal(overdue.Value.Reason, forced.Transition.Status.Reason);
    }

    [Fact]
    public void A_new_status_commit_forgets_what_was_learned_about_the_old_one()
    {
        var memory = RunMemory.Empty.Track("a").RecordFailure(2, T0).Push("a", T0) with { Gate = ("a", "confirm-promotion", T0) };

        var moved = memory.Track("b");

        Assert.Equal((null, null, null), (moved.FailedChecks, moved.NextCheck, moved.Gate));
        Assert.Equal(("a", T0), moved.Pushed);
        Assert.Same(memory, memory.Track("a"));
        Assert.Null(memory.LostRace().StatusSha);
    }
}
