using Graystep.Core.Gates;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using Graystep.Gates.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Gates.Tests;

public sealed class WebhookPolicyTests
{
    // The table of docs/webhooks.md: type, when, on success, on failure, which result stops the remaining hooks.
    [Theory]
    [InlineData(WebhookType.ConfirmRollout, HookMoment.BeforeStart, HookOutcome.Continue, HookOutcome.Wait, HookStop.OnFailure)]
    [InlineData(WebhookType.PreRollout, HookMoment.BeforeFirstStep, HookOutcome.Continue, HookOutcome.CountFailure, HookStop.OnFailure)]
    [InlineData(WebhookType.Rollout, HookMoment.Analysis, HookOutcome.Continue, HookOutcome.CountFailure, HookStop.OnFailure)]
    [InlineData(WebhookType.ConfirmTrafficIncrease, HookMoment.BeforeTrafficIncrease, HookOutcome.Continue, HookOutcome.Wait, HookStop.OnFailure)]
    [InlineData(WebhookType.ConfirmPromotion, HookMoment.BeforePromotion, HookOutcome.Continue, HookOutcome.Wait, HookStop.OnFailure)]
    [InlineData(WebhookType.PostRollout, HookMoment.AfterFinish, HookOutcome.Continue, HookOutcome.Ignore, HookStop.OnFailure)]
    [InlineData(WebhookType.Rollback, HookMoment.RollbackCheck, HookOutcome.RollbackNow, HookOutcome.Continue, HookStop.OnSuccess)]
    [InlineData(WebhookType.Event, HookMoment.Event, HookOutcome.Continue, HookOutcome.Ignore, HookStop.Never)]
    public void Each_type_behaves_as_in_flagger(WebhookType type, HookMoment moment, HookOutcome onSuccess, HookOutcome onFailure, HookStop stop)
    {
        Assert.Equal(moment, WebhookPolicy.MomentOf(type));
        Assert.Equal(onSuccess, WebhookPolicy.Interpret(type, succeeded: true));
        Assert.Equal(onFailure, WebhookPolicy.Interpret(type, succeeded: false));
        Assert.Equal(stop, WebhookPolicy.RuleFor(type).Stop);
    }

    [Fact]
    public void Every_type_has_exactly_one_rule_and_every_moment_one_type()
    {
        Assert.Equal(Enum.GetValues<WebhookType>().Order(), WebhookPolicy.Rules.Select(r => r.Type).Order());
        Assert.Equal(Enum.GetValues<HookMoment>().Order(), WebhookPolicy.Rules.Select(r => r.Moment).Order());
    }

    [Theory]
    [InlineData(WebhookType.ConfirmRollout, "confirm-rollout")]
    [InlineData(WebhookType.PreRollout, "pre-rollout")]
    [InlineData(WebhookType.Rollout, "rollout")]
    [InlineData(WebhookType.ConfirmTrafficIncrease, "confirm-traffic-increase")]
    [InlineData(WebhookType.ConfirmPromotion, "confirm-promotion")]
    [InlineData(WebhookType.PostRollout, "post-rollout")]
    [InlineData(WebhookType.Rollback, "rollback")]
    [InlineData(WebhookType.Event, "event")]
    public void Names_each_type_as_flagger_spells_it(WebhookType type, string name) =>
        Assert.Equal(name, WebhookPolicy.FlaggerName(type));

    // Flagger sends Progressing from the analysis hooks whatever the phase; the others send the current phase.
    [Theory]
    [InlineData(WebhookType.PreRollout, RolloutPhase.Initialized, RolloutPhase.Progressing)]
    [InlineData(WebhookType.Rollout, RolloutPhase.WaitingPromotion, RolloutPhase.Progressing)]
    [InlineData(WebhookType.ConfirmTrafficIncrease, RolloutPhase.Progressing, RolloutPhase.Progressing)]
    [InlineData(WebhookType.ConfirmPromotion, RolloutPhase.WaitingPromotion, RolloutPhase.Progressing)]
    [InlineData(WebhookType.ConfirmRollout, RolloutPhase.Waiting, RolloutPhase.Waiting)]
    [InlineData(WebhookType.Rollback, RolloutPhase.WaitingPromotion, RolloutPhase.WaitingPromotion)]
    [InlineData(WebhookType.PostRollout, RolloutPhase.Succeeded, RolloutPhase.Succeeded)]
    [InlineData(WebhookType.PostRollout, RolloutPhase.Failed, RolloutPhase.Failed)]
    [InlineData(WebhookType.Event, RolloutPhase.Promoting, RolloutPhase.Promoting)]
    public void Sends_the_phase_flagger_sends(WebhookType type, RolloutPhase current, RolloutPhase sent) =>
        Assert.Equal(sent, WebhookPolicy.PayloadPhase(type, current));

    [Fact]
    public void Rollback_hooks_are_asked_while_progressing_or_waiting()
    {
        Assert.Equal(
            [RolloutPhase.Waiting, RolloutPhase.Progressing, RolloutPhase.WaitingPromotion],
            Enum.GetValues<RolloutPhase>().Where(WebhookPolicy.RollbackCheckPhases.Contains));
    }

    [Fact]
    public void Hooks_at_a_moment_keep_their_declaration_order()
    {
        var url = new Uri("http://hooks.local/");
        var spec = ReviewsSpecs.Reviews(webhooks:
        [
            ReviewsSpecs.Hook("smoke", WebhookType.Rollout, url),
            ReviewsSpecs.Hook("approve", WebhookType.ConfirmPromotion, url),
            ReviewsSpecs.Hook("load", WebhookType.Rollout, url),
            ReviewsSpecs.Hook("notify", WebhookType.Event, url),
        ]);

        Assert.Equal(["smoke", "load"], WebhookPolicy.HooksAt(spec.Analysis, HookMoment.Analysis).Select(h => h.Name));
        Assert.Equal(["approve"], WebhookPolicy.HooksAt(spec.Analysis, HookMoment.BeforePromotion).Select(h => h.Name));
        Assert.Empty(WebhookPolicy.HooksAt(spec.Analysis, HookMoment.RollbackCheck));
    }

    [Theory]
    [InlineData(Strategy.Canary, 1)]
    [InlineData(Strategy.ABTesting, 0)]
    [InlineData(Strategy.BlueGreen, 0)]
    [InlineData(Strategy.BlueGreenMirroring, 0)]
    public void Traffic_increase_gates_apply_to_weighted_canaries_only(Strategy strategy, int expected)
    {
        var spec = ReviewsSpecs.Reviews(strategy: strategy, webhooks: [ReviewsSpecs.Hook("more", WebhookType.ConfirmTrafficIncrease, new Uri("http://hooks.local/"))]);

        Assert.Equal(expected, WebhookPolicy.HooksAt(spec.Analysis, HookMoment.BeforeTrafficIncrease).Count);
    }

    [Theory]
    [InlineData(WebhookType.ConfirmPromotion, false, true)]
    [InlineData(WebhookType.ConfirmPromotion, true, false)]
    [InlineData(WebhookType.Rollout, false, true)]
    [InlineData(WebhookType.PostRollout, false, true)]
    [InlineData(WebhookType.Rollback, true, true)]
    [InlineData(WebhookType.Rollback, false, false)]
    [InlineData(WebhookType.Event, false, false)]
    [InlineData(WebhookType.Event, true, false)]
    public void Knows_when_to_stop_calling_the_remaining_hooks(WebhookType type, bool succeeded, bool stop) =>
        Assert.Equal(stop, WebhookPolicy.ShouldStop(type, succeeded));

    [Fact]
    public void The_first_decisive_result_decides()
    {
        var passed = new WebhookResult("smoke", WebhookType.Rollout, true, 200, "HTTP 200 OK");
        var failed = new WebhookResult("load", WebhookType.Rollout, false, 500, "HTTP 500");

        var decision = WebhookPolicy.Decide([passed, failed]);

        Assert.Equal(HookOutcome.CountFailure, decision.Outcome);
        Assert.Same(failed, decision.Cause);
        Assert.Equal([passed, failed], decision.Results);
    }

    [Fact]
    public void A_rollback_hook_that_answers_yes_rolls_back()
    {
        var no = new WebhookResult("pager", WebhookType.Rollback, false, 404, "HTTP 404");
        var yes = new WebhookResult("kill-switch", WebhookType.Rollback, true, 200, "HTTP 200 OK");

        Assert.Equal(HookOutcome.Continue, WebhookPolicy.Decide([no]).Outcome);
        var decision = WebhookPolicy.Decide([no, yes]);
        Assert.Equal(HookOutcome.RollbackNow, decision.Outcome);
        Assert.Same(yes, decision.Cause);
    }

    [Fact]
    public void Failures_of_post_rollout_and_event_hooks_change_nothing_but_are_reported()
    {
        var post = new WebhookResult("cleanup", WebhookType.PostRollout, false, 500, "HTTP 500");
        var evt = new WebhookResult("slack", WebhookType.Event, false, null, "cannot reach");
        var ok = new WebhookResult("audit", WebhookType.Event, true, 200, "HTTP 200 OK");

        var decision = WebhookPolicy.Decide([post, evt, ok]);

        Assert.Equal(HookOutcome.Continue, decision.Outcome);
        Assert.Null(decision.Cause);
        Assert.Equal([post, evt], decision.IgnoredFailures);
    }

    [Fact]
    public void No_hooks_means_continue() =>
        Assert.Equal(HookOutcome.Continue, WebhookPolicy.Decide([]).Outcome);
}
