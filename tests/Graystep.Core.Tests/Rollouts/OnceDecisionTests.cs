using Graystep.Core.History;
using Graystep.Core.Rollouts;
using Graystep.Core.Tests.Rollouts.Support;

namespace Graystep.Core.Tests.Rollouts;

/// <summary>
/// <c>run --once</c> makes at most one analysis round: a failed check below the threshold is committed (the count
/// lives in Git), and a round that would wait for evidence or a closed gate ends the run instead of sleeping.
/// </summary>
public sealed class OnceDecisionTests
{
    private static DecisionLoop AtFirstStep(string rollout)
    {
        var loop = new DecisionLoop(rollout);
        loop.Run(DeciderSpecs.V2, once: true);
        loop.Run(once: true);
        Assert.Equal((RolloutAction.Step, 10), (loop.Actions.Last(), loop.Status!.Traffic.CanaryWeight));
        return loop;
    }

    [Fact]
    public void A_failed_check_is_committed_with_its_count_and_the_next_run_counts_on_to_the_rollback()
    {
        var loop = AtFirstStep(DeciderSpecs.Rollout(threshold: 3));
        loop.MetricsPass = _ => false;

        var first = loop.Run(once: true);

        Assert.Equal(RunOutcome.InProgress, first.Outcome);
        var (_, check) = loop.Commits[^1];
        Assert.Equal(RolloutAction.Check, check.Action);
        Assert.StartsWith("reviews: failed check 1/3 for v2 at 10%", check.Message.Subject, StringComparison.Ordinal);
        Assert.Equal(("check", "10", "1/3"), (check.Message.Trailer(Trailers.Action), check.Message.Trailer(Trailers.Weight), check.Message.Trailer(Trailers.Step)));
        Assert.Equal(1, check.Status.FailedChecks);
        Assert.Equal(10, check.Status.Traffic.CanaryWeight);
        Assert.Contains("request-success-rate", check.Message.Body, StringComparison.Ordinal);

        // A new process knows only Git: the count carries on from the status file.
        loop.Memory = RunMemory.Empty;
        loop.Run(once: true);
        Assert.Equal(2, loop.Status!.FailedChecks);
        loop.Memory = RunMemory.Empty;
        Assert.Equal(RunOutcome.RolledBack, loop.Run(once: true).Outcome);
        Assert.Equal([RolloutAction.Check, RolloutAction.Check, RolloutAction.Rollback], loop.Actions.TakeLast(3));
        Assert.StartsWith("analysis failed 3 times (threshold 3)", loop.Status!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_once_run_makes_at_most_one_analysis_round()
    {
        var loop = AtFirstStep(DeciderSpecs.Rollout(threshold: 5));
        loop.MetricsPass = _ => false;
        var rounds = loop.Asked.Count(a => a.Need is Need.Metrics);

        loop.Run(once: true);

        Assert.Equal(rounds + 1, loop.Asked.Count(a => a.Need is Need.Metrics));
    }

    [Fact]
    public void Without_once_a_failed_check_is_counted_in_memory_and_commits_nothing()
    {
        var loop = AtFirstStep(DeciderSpecs.Rollout(threshold: 3));
        loop.MetricsPass = round => round > 1;

        loop.Run();

        Assert.DoesNotContain(RolloutAction.Check, loop.Actions);
        Assert.Equal(RolloutAction.Promote, loop.Actions.Last());
    }

    [Fact]
    public void An_inconclusive_judge_ends_a_once_run_instead_of_waiting()
    {
        var loop = AtFirstStep(DeciderSpecs.Rollout("stepWeights: [10, 20, 50]\n    judge: {kind: sequential, maxDuration: 1h}"));
        loop.JudgeSays = _ => Core.Analysis.JudgeOutcome.Inconclusive;
        var commits = loop.Commits.Count;

        var end = loop.Run(once: true);

        Assert.Equal(RunOutcome.InProgress, end.Outcome);
        Assert.StartsWith("the sequential judge is inconclusive", end.Reason, StringComparison.Ordinal);
        Assert.EndsWith("run again to check again", end.Reason, StringComparison.Ordinal);
        Assert.Equal(commits, loop.Commits.Count);
    }
}
