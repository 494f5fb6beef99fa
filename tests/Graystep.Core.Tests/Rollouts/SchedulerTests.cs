using Graystep.Core.History;
using Graystep.Core.Rollouts;
using Graystep.Core.Tests.Rollouts.Support;

namespace Graystep.Core.Tests.Rollouts;

/// <summary>
/// Flagger's scheduler, case by case, through the pure decider and an in-memory loop (no git, no sleeping): every
/// strategy, threshold and pattern of failing analysis rounds gives exactly the commits Flagger's rules give, at the
/// times they give. The oracle below states those rules in their plainest form.
/// </summary>
public sealed class SchedulerTests
{
    private static readonly TimeSpan SyncDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>Each strategy with its analysis block and how many steps it takes before promotion.</summary>
    private static readonly (string Name, string Analysis, int Steps)[] Strategies =
    [
        ("canary stepWeights", "stepWeights: [10, 20, 50]", 3),
        ("canary stepWeight ladder", "stepWeight: 25\n    maxWeight: 75", 3),
        ("A/B testing", "iterations: 3\n    match: [{headers: {x-canary: {exact: insider}}}]", 3),
        ("blue/green", "iterations: 2", 2),
        ("blue/green mirroring", "iterations: 2\n    mirror: true", 2),
    ];

    public static TheoryData<string, int, int> Cases()
    {
        var cases = new TheoryData<string, int, int>();
        foreach (var (name, _, _) in Strategies)
        {
            for (var threshold = 1; threshold <= 4; threshold++)
            {
                // Bit r-1 set: analysis round r fails. Four rounds cover every way the first failures can fall.
                for (var failing = 0; failing < 16; failing++)
                {
                    cases.Add(name, threshold, failing);
                }
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_strategy_steps_promotes_or_rolls_back_as_Flagger_does(string strategy, int threshold, int failing)
    {
        var (_, analysis, steps) = Strategies.Single(s => s.Name == strategy);
        var loop = new DecisionLoop(DeciderSpecs.Rollout(analysis, threshold))
        {
            SyncedAt = committed => committed + SyncDelay,
            MetricsPass = round => (failing & (1 << (round - 1))) == 0,
        };

        var end = loop.Run(DeciderSpecs.V2);
        var expected = Oracle(steps, threshold, failing);

        Assert.Equal(expected.Actions, loop.Actions);
        Assert.Equal(expected.Times, loop.Commits.Select(c => c.At - loop.Commits[0].At));
        Assert.Equal(expected.Promoted ? RunOutcome.Promoted : RunOutcome.RolledBack, end.Outcome);
        var last = loop.Status!;
        Assert.Equal(expected.Promoted ? RolloutPhase.Succeeded : RolloutPhase.Failed, last.Phase);
        Assert.Equal(expected.Promoted ? "v2" : "v1", last.Stable.Name);
        Assert.Equal(0, last.Traffic.CanaryWeight);
        Assert.Equal(expected.FailedChecks, last.FailedChecks);

        // No step is ever taken on a round that failed, and every step's commit says why it was allowed.
        foreach (var (_, transition) in loop.Commits.Where(c => c.Transition.Action == RolloutAction.Step).Skip(1))
        {
            Assert.Contains("request-success-rate", transition.Message.Body, StringComparison.Ordinal);
            Assert.Contains("pass", transition.Message.Body, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Flagger's rules, plainly: the first round sends no traffic (pre-rollout hooks only, here none), each later
    /// round checks the metrics once; a failed check adds one and holds the step; at the threshold it rolls back;
    /// a passing round takes the next step, or promotes after the last. Before all that, the first rollout adopts the
    /// user's Deployment (initialize, then a retire commit once the cluster applied it). A commit's round starts once the cluster
    /// synced it (the sync delay), a round takes one interval, and a failed round is checked again one interval on.
    /// </summary>
    private static (List<RolloutAction> Actions, List<TimeSpan> Times, bool Promoted, int FailedChecks) Oracle(int steps, int threshold, int failing)
    {
        // The first rollout adopts the user's Deployment: the retire commit that removes it waits for the cluster
        // to apply the initialize commit, and the start follows at once.
        var actions = new List<RolloutAction> { RolloutAction.Initialize, RolloutAction.Retire, RolloutAction.Start };
        var times = new List<TimeSpan> { TimeSpan.Zero, SyncDelay, SyncDelay };
        var now = SyncDelay;
        var index = 0;
        var round = 0;
        var failed = 0;
        var next = now + SyncDelay + Interval;
        while (true)
        {
            now = next;
            if (index > 0)
            {
                round++;
                if ((failing & (1 << (round - 1))) != 0)
                {
                    failed++;
                    if (failed >= threshold)
                    {
                        actions.Add(RolloutAction.Rollback);
                        times.Add(now);
                        return (actions, times, false, failed);
                    }

                    next = now + Interval;
                    continue;
                }
            }

            if (index < steps)
            {
                index++;
                actions.Add(RolloutAction.Step);
                times.Add(now);
                next = now + SyncDelay + Interval;
                continue;
            }

            actions.Add(RolloutAction.Promote);
            times.Add(now);
            return (actions, times, true, failed);
        }
    }
}
