using Graystep.Core.Analysis;
using Graystep.Core.History;
using Graystep.Core.Rollouts;
using Graystep.Core.Tests.Rollouts.Support;

namespace Graystep.Core.Tests.Rollouts;

/// <summary>How the decider acts on the sequential judge's outcomes, with a fake clock: no git, no Prometheus.</summary>
public sealed class JudgeDecisionTests
{
    private static string Spec(string judge) => DeciderSpecs.Rollout(threshold: 2, analysis: "stepWeights: [10, 20, 50]\n    judge: " + judge);

    [Fact]
    public void A_fail_rolls_back_at_once_with_the_judge_block_in_the_body()
    {
        var loop = new DecisionLoop(Spec("{kind: sequential}")) { JudgeSays = _ => JudgeOutcome.Fail };

        var finish = loop.Run(DeciderSpecs.V2);

        Assert.Equal(RunOutcome.RolledBack, finish.Outcome);
        Assert.Equal("the sequential judge found v2 worse than v1: request-success-rate ratio 10.00 [4.10, 27.00]", finish.Reason);
        var body = loop.Commits[^1].Transition.Message.Body;
        Assert.Contains("\n\nJudge: sequential, alpha 0.01, minimum effect 2x\nMETRIC", body, StringComparison.Ordinal);
        Assert.Equal(0, loop.Commits[^1].Transition.Status.FailedChecks);
    }

    [Fact]
    public void Inconclusive_waits_without_counting_a_failed_check_then_hold_ends_the_run_in_progress()
    {
        var loop = new DecisionLoop(Spec("{kind: sequential, maxDuration: 5m, onInconclusive: hold}")) { JudgeSays = _ => JudgeOutcome.Inconclusive };

        var finish = loop.Run(DeciderSpecs.V2);

        Assert.Equal(RunOutcome.InProgress, finish.Outcome);
        Assert.StartsWith("the sequential judge was still inconclusive after maxDuration 5m (request-success-rate ratio 1.09 [0.31, 3.84]); onInconclusive: hold keeps v2 at this step", finish.Reason, StringComparison.Ordinal);
        Assert.Equal([RolloutAction.Retire, RolloutAction.Start, RolloutAction.Step], loop.Actions.Skip(loop.Actions.Count() - 3));
        Assert.Equal(0, loop.Status!.FailedChecks);

        // One check a minute on the 10% step, from one interval after it applied to maxDuration: five of them.
        Assert.Equal(5, loop.MetricContexts.Count);
    }

    [Fact]
    public void Inconclusive_then_promote_goes_on_after_maxDuration_and_rollback_rolls_back()
    {
        var promote = new DecisionLoop(Spec("{kind: sequential, maxDuration: 2m, onInconclusive: promote}")) { JudgeSays = _ => JudgeOutcome.Inconclusive };
        Assert.Equal(RunOutcome.Promoted, promote.Run(DeciderSpecs.V2).Outcome);

        var rollback = new DecisionLoop(Spec("{kind: sequential, maxDuration: 2m, onInconclusive: rollback}")) { JudgeSays = _ => JudgeOutcome.Inconclusive };
        var finish = rollback.Run(DeciderSpecs.V2);
        Assert.Equal(RunOutcome.RolledBack, finish.Outcome);
        Assert.EndsWith("; onInconclusive: rollback", finish.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_evidence_window_starts_at_the_first_weighted_step_and_is_kept_in_the_status_file()
    {
        var loop = new DecisionLoop(Spec("{kind: sequential}")) { JudgeSays = _ => JudgeOutcome.Pass };

        Assert.Equal(RunOutcome.Promoted, loop.Run(DeciderSpecs.V2).Outcome);

        // The first weighted step is judged from its own sync; every later one from that same moment.
        var first = loop.MetricContexts[0];
        Assert.Null(first.JudgeSince);
        Assert.All(loop.MetricContexts.Skip(1), c => Assert.Equal(first.AppliedAt, c.JudgeSince));
        var step2 = loop.Commits.Single(c => c.Transition.Status.StepIndex == 2 && c.Transition.Action == RolloutAction.Step).Transition.Status;
        Assert.Equal(first.AppliedAt, step2.JudgeSince);
        var written = StatusDocument.Write(loop.Spec, step2);
        Assert.Contains("judgeSince: ", written, StringComparison.Ordinal);
        Assert.Equal(step2.JudgeSince, StatusDocument.Read("s.yaml", written).JudgeSince);
    }

    [Fact]
    public void The_threshold_judge_writes_no_judgeSince()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout());

        loop.Run(DeciderSpecs.V2);

        Assert.All(loop.Commits, c => Assert.Null(c.Transition.Status.JudgeSince));
    }
}
