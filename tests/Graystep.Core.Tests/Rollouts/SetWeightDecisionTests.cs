using Graystep.Core.Errors;
using Graystep.Core.History;
using Graystep.Core.Rollouts;
using Graystep.Core.Tests.Rollouts.Support;

namespace Graystep.Core.Tests.Rollouts;

/// <summary>
/// <c>graystep set-weight PATH N</c>: a person moves the canary by hand (KubeSphere's slider, Istio's 1% → 5% → 10%
/// by editing the VirtualService). One commit, paused there; <c>resume</c> continues with the first planned weight
/// above it.
/// </summary>
public sealed class SetWeightDecisionTests
{
    private static DecisionLoop AtStep(int step)
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout("stepWeights: [10, 20, 50]"));
        loop.Run(DeciderSpecs.V2, once: true);
        for (var i = 0; i < step; i++)
        {
            loop.Run(once: true);
        }

        return loop;
    }

    [Fact]
    public void Set_weight_commits_the_weight_pauses_there_and_resume_continues_with_the_next_planned_weight_above_it()
    {
        var loop = AtStep(1);
        Assert.Equal(10, loop.Status!.Traffic.CanaryWeight);

        var set = loop.Manual(ManualAction.SetWeight, "the on-call asked for more traffic", weight: 30).Transition!;

        Assert.Equal(RolloutAction.SetWeight, set.Action);
        Assert.Equal("reviews: set v2 to 30% by hand (paused)", set.Message.Subject);
        Assert.Equal(("set-weight", "30", "2/3"), (set.Message.Trailer(Trailers.Action), set.Message.Trailer(Trailers.Weight), set.Message.Trailer(Trailers.Step)));
        Assert.Contains("graystep resume continues with 50% (step 3/3)", set.Message.Body, StringComparison.Ordinal);
        Assert.Equal((30, 2, true), (set.Status.Traffic.CanaryWeight, set.Status.StepIndex, set.Status.Paused));
        Assert.Equal("v2", set.RenderedCanary?.Name);

        // Paused: a run changes nothing and says how to go on.
        var held = loop.Run();
        Assert.Equal(RunOutcome.InProgress, held.Outcome);
        Assert.Contains("graystep resume", held.Reason, StringComparison.Ordinal);
        Assert.Equal(RolloutAction.SetWeight, loop.Actions.Last());

        loop.Manual(ManualAction.Resume);
        loop.Run(once: true);
        Assert.Equal((RolloutAction.Step, 50), (loop.Actions.Last(), loop.Status!.Traffic.CanaryWeight));
        Assert.Equal(RunOutcome.Promoted, loop.Run().Outcome);
    }

    [Fact]
    public void A_weight_above_every_planned_step_resumes_into_the_promotion_and_a_lower_one_into_the_first_step_above_it()
    {
        var high = AtStep(1);
        Assert.Contains("continues with the promotion", high.Manual(ManualAction.SetWeight, weight: 60).Transition!.Message.Body, StringComparison.Ordinal);
        high.Manual(ManualAction.Resume);
        high.Run(once: true);
        Assert.Equal(RolloutAction.Promote, high.Actions.Last());

        var low = AtStep(2);
        var back = low.Manual(ManualAction.SetWeight, weight: 5).Transition!;
        Assert.Equal((5, 0), (back.Status.Traffic.CanaryWeight, back.Status.StepIndex));
        low.Manual(ManualAction.Resume);
        low.Run(once: true);
        Assert.Equal(10, low.Status!.Traffic.CanaryWeight);
    }

    [Fact]
    public void Bad_weights_other_strategies_and_no_rollout_in_progress_are_refused()
    {
        var loop = AtStep(1);
        Assert.Equal(ExitCodes.Usage, Assert.Throws<GraystepException>(() => loop.Manual(ManualAction.SetWeight, weight: 100)).ExitCode);
        Assert.Equal(ExitCodes.Usage, Assert.Throws<GraystepException>(() => loop.Manual(ManualAction.SetWeight, weight: -1)).ExitCode);

        loop.Manual(ManualAction.SetWeight, weight: 30);
        var again = loop.Manual(ManualAction.SetWeight, weight: 30);
        Assert.Null(again.Transition);
        Assert.Contains("already at 30% and paused", again.NothingToDo, StringComparison.Ordinal);

        var blueGreen = new DecisionLoop(DeciderSpecs.Rollout("iterations: 3"));
        blueGreen.Run(DeciderSpecs.V2, once: true);
        var refused = Assert.Throws<GraystepException>(() => blueGreen.Manual(ManualAction.SetWeight, weight: 30));
        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.Contains("this rollout is blue/green", refused.Message, StringComparison.Ordinal);

        var idle = new DecisionLoop(DeciderSpecs.Rollout());
        idle.Run();
        Assert.Throws<GraystepException>(() => idle.Manual(ManualAction.SetWeight, weight: 30));
    }
}
