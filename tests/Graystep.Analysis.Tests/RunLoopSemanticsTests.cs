using Graystep.Analysis.Tests.Support;
using Graystep.Core.History;
using Graystep.Core.Rollouts;
using Graystep.Engine.Rollouts;
using Graystep.TestKit;

namespace Graystep.Analysis.Tests;

/// <summary>
/// The run loop's Flagger semantics, checked against Flagger's scheduler: real git and the real run loop, with the
/// verdicts and webhook answers scripted and a fake clock, so every timing is exact and nothing sleeps.
/// </summary>
[Collection(Lanes.Four)]
public sealed class RunLoopSemanticsTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    // A start time with a fraction of a second: git keeps whole seconds, the run loop must not.
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, 700, TimeSpan.Zero);

    private static string Analysis(string plan, int threshold, params string[] webhooks) => $$"""
        interval: 10s
        threshold: {{threshold}}
        {{plan}}
        metrics:
          - name: request-success-rate
            interval: 10s
            thresholdRange: {min: 99}
        {{(webhooks.Length == 0 ? string.Empty : "webhooks:\n" + string.Join("\n", webhooks.Select(h => $"  - {{name: {h.Split(':')[0]}, type: {h.Split(':')[1]}, url: \"http://hooks.test/{h.Split(':')[0]}\"}}")))}}
        """;

    private sealed class Run(GitOpsRepo repo)
    {
        public FakeTimeProvider Clock { get; } = new(Start);

        public List<(Transition Transition, DateTimeOffset At)> Pushed { get; } = [];

        public ScriptedHooks Hooks => _hooks ??= new ScriptedHooks(Clock);

        /// <summary>The analysis runner of the next run; the first run makes one from its script.</summary>
        public ScriptedAnalysis? Analysis { get; set; }

        public IReadOnlyList<(DateTimeOffset At, Core.Analysis.AnalysisContext Context)> Rounds => Analysis?.Rounds ?? [];

        private ScriptedHooks? _hooks;

        public async Task<RunResult> GoAsync(RunRequest request, Func<int, bool>? passes = null)
        {
            Analysis ??= new ScriptedAnalysis(Clock, passes);
            var observer = new CallbackObserver((transition, _) => Pushed.Add((transition, Clock.GetUtcNow())));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            return await InProcessRollout.RunAsync(repo, request, observer, RolloutWiring.OnFakeClock(Clock, Analysis, Hooks), timeout.Token);
        }

        public DateTimeOffset PushedAt(RolloutAction action, int nth = 1) => Pushed.Where(p => p.Transition.Action == action).Skip(nth - 1).First().At;
    }

    [Fact]
    public async Task Step_zero_runs_the_pre_rollout_hooks_and_no_metrics_and_each_check_waits_one_interval_after_the_push()
    {
        using var repo = Bookinfo.Repo(Analysis("stepWeights: [20, 50]", 2, "acceptance-test:pre-rollout"));
        var run = new Run(repo);

        var result = await run.GoAsync(InProcessRollout.StartV2);

        Assert.Equal(RunOutcome.Promoted, result.Outcome);
        Assert.Equal(["initialize", "retire", "start", "step", "step", "promote"], repo.RolloutCommits().Select(c => c.Action));

        // One interval after the start's push: the pre-rollout hook, no metrics, then step 1.
        var started = run.PushedAt(RolloutAction.Start);
        Assert.Equal([started + Interval], run.Hooks.TimesOf("acceptance-test"));
        Assert.Equal("Progressing", Assert.Single(run.Hooks.Calls).Phase);
        Assert.Equal(started + Interval, run.PushedAt(RolloutAction.Step));

        // Then one round per step, each one interval after its step was pushed, with the window from that push.
        Assert.Equal(2, run.Rounds.Count);
        Assert.Equal(run.PushedAt(RolloutAction.Step) + Interval, run.Rounds[0].At);
        Assert.Equal(run.PushedAt(RolloutAction.Step), run.Rounds[0].Context.AppliedAt);
        Assert.Equal(run.PushedAt(RolloutAction.Step, 2), run.Rounds[1].Context.AppliedAt);
        Assert.Equal(run.PushedAt(RolloutAction.Step, 2) + Interval, run.PushedAt(RolloutAction.Promote));
    }

    [Fact]
    public async Task Failed_checks_add_up_over_the_steps_and_across_runs_and_each_commit_names_them()
    {
        using var repo = Bookinfo.Repo(Analysis("stepWeights: [20, 50]", 2));
        var run = new Run(repo);

        // Round 1 (at 20%) fails, round 2 passes: step 2 carries one failed check. The job then times out.
        var first = await run.GoAsync(InProcessRollout.StartV2 with { Timeout = TimeSpan.FromSeconds(35) }, round => round == 2);

        Assert.Equal(RunOutcome.InProgress, first.Outcome);
        var commits = repo.RolloutCommits();
        Assert.Equal(["initialize", "retire", "start", "step", "step"], commits.Select(c => c.Action));
        Expect.Contains("failedChecks: 1", repo.ReadFile(Bookinfo.StatusFile, commits[4].Sha)!);
        Expect.Contains("Failed checks: 1 of threshold 2", commits[4].Body);
        Expect.Contains("Z at step 1/2 (20%): request-success-rate 90 outside >= 99 over 10s", commits[4].Body);

        // The next job fails the check at 50%: the second failed check of the rollout rolls it back.
        run.Analysis = new ScriptedAnalysis(run.Clock, _ => false);
        var second = await run.GoAsync(new RunRequest());

        Assert.Equal(RunOutcome.RolledBack, second.Outcome);
        var rollback = repo.RolloutCommits()[^1];
        Assert.Equal("rollback", rollback.Action);
        Expect.Contains("Reason: analysis failed 2 times (threshold 2): request-success-rate 90 outside >= 99", rollback.Body);
        Expect.Contains("Failed checks: 2 of threshold 2\n  1 recorded before this run (see the earlier commits)\n  ", rollback.Body);
        Expect.Contains("Z at step 2/2 (50%): request-success-rate 90 outside >= 99 over 10s", rollback.Body);
    }

    [Fact]
    public async Task A_run_resumed_long_after_its_step_checks_once_per_interval_not_in_a_burst()
    {
        using var repo = Bookinfo.Repo(Analysis("stepWeights: [50]", 3));
        var run = new Run(repo);
        Assert.Equal(RunOutcome.InProgress, (await run.GoAsync(InProcessRollout.StartV2 with { Once = true })).Outcome);
        Assert.Equal(RunOutcome.InProgress, (await run.GoAsync(new RunRequest { Once = true })).Outcome);
        Assert.Equal(["initialize", "retire", "start", "step"], repo.RolloutCommits().Select(c => c.Action));

        // The CI job that should have continued never ran; an hour later a new one resumes with a failing canary.
        run.Clock.Advance(TimeSpan.FromHours(1));
        var resumedAt = run.Clock.GetUtcNow();
        run.Analysis = new ScriptedAnalysis(run.Clock, _ => false);

        var result = await run.GoAsync(new RunRequest());

        Assert.Equal(RunOutcome.RolledBack, result.Outcome);
        Assert.Equal([resumedAt, resumedAt + Interval, resumedAt + (2 * Interval)], run.Rounds.Select(r => r.At));
    }

    [Theory]
    [InlineData("ab-testing", "abtest")]
    [InlineData("k8sdemo-nginx-bluegreen", "hello-bluegreen")]
    public async Task A_b_testing_and_blue_green_count_iterations_as_Flagger_with_one_analysis_per_iteration(string example, string name)
    {
        using var repo = GitOpsRepo.FromExample(example, "rollout.yaml", seed => SpecEdits.Edit(Path.Combine(seed, "rollout.yaml"), text =>
        {
            // Keep the example's match rules (A/B); only the timing, the count and the sync change.
            var match = text.Split('\n')
                .SkipWhile(l => l != "    match:")
                .TakeWhile(l => l == "    match:" || l.StartsWith("      ", StringComparison.Ordinal))
                .Select(l => "\n" + l[4..]);
            text = SpecEdits.SetBlock(text, "analysis", Analysis("iterations: 3" + string.Concat(match), 2, "acceptance-test:pre-rollout") + "\nscaleDownDelay: 0s");
            return SpecEdits.SetBlock(text, "sync", "kind: none");
        }));
        var run = new Run(repo);

        var result = await run.GoAsync(new RunRequest { StartVersion = "v2" });

        Assert.True(result.Outcome == RunOutcome.Promoted, result.Reason);
        var commits = repo.RolloutCommits();
        Assert.Equal(["initialize", "retire", "start", "step", "step", "step", "promote"], commits.Select(c => c.Action));
        Assert.Equal(["1/3", "2/3", "3/3"], commits.Where(c => c.Action == "step").Select(c => c.Trailers["Graystep-Step"]));
        Assert.StartsWith($"{name}: ", commits[2].Subject, StringComparison.Ordinal);

        // Flagger: pre-rollout hooks at iteration 0, then one analysis per iteration before promotion.
        Assert.Single(run.Hooks.Calls);
        Assert.Equal(3, run.Rounds.Count);
    }

    [Fact]
    public async Task A_closed_confirm_promotion_gate_is_asked_once_per_interval_with_one_analysis_each_time()
    {
        using var repo = Bookinfo.Repo(Analysis("stepWeights: [50]", 1, "approve:confirm-promotion", "load-test:rollout"));
        var run = new Run(repo);
        run.Hooks.Script("approve", call => call >= 3);

        var result = await run.GoAsync(InProcessRollout.StartV2);

        Assert.Equal(RunOutcome.Promoted, result.Outcome);
        var asked = run.Hooks.TimesOf("approve");
        var firstAsk = run.PushedAt(RolloutAction.Step) + Interval;
        Assert.Equal([firstAsk, firstAsk + Interval, firstAsk + (2 * Interval)], asked);

        // As Flagger, while the gate waits the rollout hooks and the metrics keep running, once per interval.
        Assert.Equal(asked, run.Rounds.Select(r => r.At));
        Assert.Equal(asked, run.Hooks.TimesOf("load-test"));
        Assert.Equal(asked[^1], run.PushedAt(RolloutAction.Promote));
    }

    [Fact]
    public async Task A_canary_that_degrades_while_the_promotion_gate_is_closed_is_rolled_back_at_the_threshold()
    {
        using var repo = Bookinfo.Repo(Analysis("stepWeights: [50]", 2, "approve:confirm-promotion"));
        var run = new Run(repo);
        run.Hooks.Script("approve", _ => false);

        var result = await run.GoAsync(InProcessRollout.StartV2, round => round == 1);

        Assert.Equal(RunOutcome.RolledBack, result.Outcome);
        Expect.Contains("analysis failed 2 times (threshold 2)", result.Reason);
        Assert.Equal(3, run.Rounds.Count);
        Assert.Equal([run.Rounds[0].At], run.Hooks.TimesOf("approve"));
        Assert.Equal(run.Rounds[1].At + Interval, run.Rounds[2].At);
    }

    [Fact]
    public async Task A_confirm_rollout_gate_holds_the_start_until_it_opens()
    {
        using var repo = Bookinfo.Repo(Analysis("stepWeights: [50]", 1, "start-gate:confirm-rollout"));
        var run = new Run(repo);
        run.Hooks.Script("start-gate", call => call >= 3);

        var result = await run.GoAsync(InProcessRollout.StartV2);

        Assert.Equal(RunOutcome.Promoted, result.Outcome);
        var asked = run.Hooks.TimesOf("start-gate");
        Assert.Equal(3, asked.Count);
        Assert.Equal(asked[0] + Interval, asked[1]);
        Assert.Equal(asked[2], run.PushedAt(RolloutAction.Start));
        Assert.Equal(["initialize", "retire", "start", "step", "promote"], repo.RolloutCommits().Select(c => c.Action));
    }

    [Fact]
    public async Task A_confirm_rollout_gate_closed_past_the_deadline_ends_the_run_without_starting()
    {
        using var repo = Bookinfo.Repo(Analysis("stepWeights: [50]", 1, "start-gate:confirm-rollout"), progressDeadlineSeconds: 25);
        var run = new Run(repo);
        run.Hooks.Script("start-gate", _ => false);

        var result = await run.GoAsync(InProcessRollout.StartV2);

        Assert.Equal(RunOutcome.InProgress, result.Outcome);
        Expect.Contains("confirm-rollout gate start-gate stayed closed for 25s; v2 was not started", result.Reason);
        Assert.Equal(["initialize", "retire"], repo.RolloutCommits().Select(c => c.Action));
        Assert.Equal(4, run.Hooks.TimesOf("start-gate").Count);
    }
}
