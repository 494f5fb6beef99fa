using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Graystep.Core.Analysis;
using Graystep.Core.Gates;
using Graystep.Core.History;
using Graystep.Core.Manifests;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using Graystep.TestKit;

namespace Graystep.Core.Tests.Rollouts.Support;

/// <summary>One decision the loop acted on, with the time it was made.</summary>
internal sealed record Step(DateTimeOffset At, Decision Decision, AnalysisReport? Report);

/// <summary>
/// The run loop in memory, for testing <see cref="RolloutDecider"/> alone: no git, no HTTP, no sleeping. A commit
/// becomes the new state at once (its SHA a hash of what came before), a wait moves the clock, and every observation
/// the decider asks for is answered by the scripts below. It mirrors what the engine's loop does with each decision.
/// </summary>
internal sealed class DecisionLoop
{
    /// <summary>More decisions than any test needs: a decider that never settles fails instead of spinning.</summary>
    private const int MaxDecisions = 2_000;

    private readonly LoadedRollout _loaded;
    private readonly Dictionary<HookMoment, int> _hookCalls = [];
    private int _rounds;

    /// <param name="replicas">The target Deployment's <c>spec.replicas</c>; absent when null.</param>
    public DecisionLoop(string rollout, DateTimeOffset? start = null, int? replicas = null)
    {
        var deployment = replicas is { } n
            ? DeciderSpecs.Deployment.Replace("\nspec:\n", $"\nspec:\n  replicas: {n}\n", StringComparison.Ordinal)
            : DeciderSpecs.Deployment;
        var set = SpecLoader.Load(
            [new SourceFile("app/deployment.yaml", deployment), new SourceFile("app/rollout.yaml", rollout)],
            StandardProviders.Catalogue);
        Assert.Empty(set.Problems);
        _loaded = new LoadedRollout(Assert.Single(set.Rollouts), set, "app");
        Now = start ?? new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    }

    public DateTimeOffset Now { get; set; }

    public RolloutSpec Spec => _loaded.Spec;

    public RolloutStatus? Status { get; private set; }

    public CommitRecord? StatusCommit { get; private set; }

    public RunMemory Memory { get; set; } = RunMemory.Empty;

    /// <summary>Every commit, oldest first, with the time it was made.</summary>
    public List<(DateTimeOffset At, Transition Transition)> Commits { get; } = [];

    /// <summary>Every observation the decider asked for, in order.</summary>
    public List<(DateTimeOffset At, Need Need)> Asked { get; } = [];

    /// <summary>How long after a commit the cluster runs it; null: never (the sync gate stays pending).</summary>
    public Func<DateTimeOffset, DateTimeOffset?> SyncedAt { get; set; } = committed => committed;

    /// <summary>Whether the metrics of an analysis round (1-based) pass.</summary>
    public Func<int, bool> MetricsPass { get; set; } = _ => true;

    /// <summary>With a sequential judge: the judge's outcome of round N (null: none), attached to every metric.</summary>
    public Func<int, JudgeOutcome?> JudgeSays { get; set; } = _ => null;

    /// <summary>The analysis contexts the decider asked metrics for, in order.</summary>
    public List<AnalysisContext> MetricContexts { get; } = [];

    /// <summary>
    /// Whether the first hook of a moment succeeds on its n-th call (1-based). By default every hook succeeds but the
    /// rollback hooks, whose success would mean "roll back now".
    /// </summary>
    public Func<HookMoment, int, bool> HookSucceeds { get; set; } = (moment, _) => moment != HookMoment.RollbackCheck;

    public IEnumerable<RolloutAction> Actions => Commits.Select(c => c.Transition.Action);

    public RolloutState State => new(_loaded, Status, StatusCommit);

    /// <summary>One decision, every observation it asks for answered; the memory moves on, nothing else does.</summary>
    public Decided Decide(StartRequest? start = null, bool once = false)
    {
        var input = new DecisionInput { State = State, Now = Now, Memory = Memory, Start = start, Once = once };
        for (var asked = 0; asked < 16; asked++)
        {
            var decided = RolloutDecider.Decide(input);
            if (decided.Decision is not Decision.Observe observe)
            {
                return decided;
            }

            Asked.Add((Now, observe.Need));
            input = input with { Observed = Answer(observe.Need, input.Observed) };
        }

        throw new InvalidOperationException("the decider keeps asking");
    }

    /// <summary>Drives the rollout as <c>graystep run</c> does, until the run ends; returns how it ended.</summary>
    public Decision.Finish Run(StartRequest? start = null, bool once = false, TimeSpan? poll = null)
    {
        for (var i = 0; i < MaxDecisions; i++)
        {
            var decided = Decide(start, once);
            Memory = decided.Memory;
            switch (decided.Decision)
            {
                case Decision.Finish finish:
                    return finish;

                case Decision.Commit commit:
                    Apply(commit.Transition);
                    if (commit.Transition.Action is RolloutAction.Promote or RolloutAction.Rollback or RolloutAction.Retire && !commit.Preparatory
                        && (commit.Transition.Status.Retiring is null || once))
                    {
                        return new Decision.Finish(
                            commit.Transition.Status.Phase == RolloutPhase.Succeeded ? RunOutcome.Promoted : RunOutcome.RolledBack,
                            commit.Transition.Status.Reason);
                    }

                    if (once && !commit.Preparatory)
                    {
                        return new Decision.Finish(RunOutcome.InProgress, "advanced one step");
                    }

                    break;

                case Decision.Wait wait:
                    Assert.True(wait.Until is null || wait.Until > Now, $"a wait must end in the future: {wait.Reason} until {wait.Until:O} at {Now:O}");
                    Now = wait.Until ?? Now + (poll ?? TimeSpan.FromSeconds(2));
                    break;

                default:
                    throw new InvalidOperationException($"unexpected decision {decided.Decision}");
            }
        }

        throw new InvalidOperationException($"no end after {MaxDecisions} decisions");
    }

    private static JudgeEvidence Evidence(JudgeOutcome outcome, TimeSpan window) => outcome switch
    {
        JudgeOutcome.Fail => new("errors", new(50, 5000), new(5, 5000), new(outcome, 10, 4.1, 27), 0.01, window),
        JudgeOutcome.Pass => new("errors", new(100, 20000), new(98, 20000), new(outcome, 1.02, 0.71, 1.5), 0.01, window),
        _ => new("errors", new(3, 1200), new(11, 4800), new(outcome, 1.09, 0.31, 3.84), 0.01, window),
    };

    /// <summary>Records a transition as the state's new commit, as a push would.</summary>
    public void Apply(Transition transition)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            (StatusCommit?.Sha ?? "root") + "\n" + transition.Message.Subject + "\n" + Now.ToString("O", CultureInfo.InvariantCulture))))[..40];
        Status = transition.Status;
        StatusCommit = new CommitRecord(sha, Now, "Graystep", "graystep@users.noreply.local", transition.Message);
        Memory = Memory.Push(sha, Now);
        Commits.Add((Now, transition));
    }

    /// <summary>Applies a person's manual command on the current state, as <c>graystep promote|rollback|pause|resume</c>.</summary>
    public ManualDecision Manual(ManualAction action, string? reason = null, int? weight = null)
    {
        var decision = ManualDecider.Decide(action, State, reason, Now, weight);
        if (decision.Transition is { } transition)
        {
            Apply(transition);
        }

        return decision;
    }

    public int HookCalls(HookMoment moment) => _hookCalls.GetValueOrDefault(moment);

    private Observations Answer(Need need, Observations seen)
    {
        switch (need)
        {
            case Need.Sync sync:
                var at = SyncedAt(sync.CommittedAt);
                return seen with
                {
                    Sync = at is { } synced && synced <= Now
                        ? new SyncObservation.Synced(synced)
                        : new SyncObservation.Pending(at is null ? "the reconciler has not applied it" : "applying", at),
                };

            case Need.Hooks hooks:
                var call = _hookCalls[hooks.Moment] = _hookCalls.GetValueOrDefault(hooks.Moment) + 1;
                var succeeded = HookSucceeds(hooks.Moment, call);
                var hook = Spec.Analysis.Webhooks.First(h => WebhookPolicy.MomentOf(h.Type) == hooks.Moment);
                var result = new WebhookResult(hook.Name, hook.Type, succeeded, succeeded ? 200 : 500, succeeded ? string.Empty : "HTTP 500");
                return seen.WithHooks(hooks.Moment, WebhookPolicy.Decide([result]));

            case Need.Metrics metrics:
                var pass = MetricsPass(++_rounds);
                IReadOnlyList<MetricResult> results =
                [
                    .. metrics.Context.Spec.Analysis.Metrics.Select(m => new MetricResult(
                        m.Name,
                        $"query of {m.Name} for {metrics.Context.CanaryWorkload}",
                        pass ? 99.5 : 90,
                        m.ThresholdRange,
                        MetricWindow.Compute(m.Interval, metrics.Context.AppliedAt, Now),
                        pass ? Verdict.Pass : Verdict.Fail,
                        pass ? null : "90 is below the minimum 99",
                        JudgeSays(_rounds) is { } outcome ? Evidence(outcome, Now - (metrics.Context.JudgeSince ?? metrics.Context.AppliedAt)) : null)),
                ];
                MetricContexts.Add(metrics.Context);
                return seen with { Metrics = results };

            default:
                throw new InvalidOperationException($"unknown need {need}");
        }
    }
}

/// <summary>Specs for decider tests, varied by replacing one line of <see cref="Rollout"/>.</summary>
internal static class DeciderSpecs
{
    public const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: reviews, namespace: bookinfo, labels: {app: reviews}}
        spec:
          selector: {matchLabels: {app: reviews}}
          template:
            metadata: {labels: {app: reviews, version: v1}}
            spec:
              containers: [{name: reviews, image: docker.io/istio/examples-bookinfo-reviews-v1:1.20.1}]
        """;

    /// <summary>
    /// A canary with three steps, one success-rate metric, a 30 s sync delay and a 1 m interval. The version that
    /// loses its traffic leaves in the switch commit (scaleDownDelay: 0s) unless <paramref name="analysis"/> sets a
    /// delay: these tests are about the schedule; the retire and adoption tests set it, and SpecDefaultsTests
    /// check the 30 s default.
    /// </summary>
    public static string Rollout(string analysis = "stepWeights: [10, 20, 50]", int threshold = 2, string sync = "{kind: delay, delay: 30s}", string extra = "", string webhooks = "") =>
        RolloutWithDefaults(analysis.Contains("scaleDownDelay", StringComparison.Ordinal) ? analysis : analysis + "\n    scaleDownDelay: 0s", threshold, sync, extra, webhooks);

    /// <summary>As <see cref="Rollout"/>, with the analysis block as given (the Rollout's own defaults).</summary>
    public static string RolloutWithDefaults(string analysis, int threshold = 2, string sync = "{kind: delay, delay: 30s}", string extra = "", string webhooks = "") => $$"""
        apiVersion: graystep.io/v1alpha1
        kind: Rollout
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          provider: istio
          targetRef: {kind: Deployment, name: reviews}
          service: {port: 9080}
          progressDeadlineSeconds: 600
          analysis:
            interval: 1m
            threshold: {{threshold}}
            {{analysis}}
            metrics:
              - {name: request-success-rate, interval: 1m, thresholdRange: {min: 99} }
        {{webhooks}}
          sync: {{sync}}
        {{extra}}
        """;

    public static StartRequest V2 { get; } = Version("v2");

    public static StartRequest Version(string name) =>
        new(name, new Dictionary<string, string> { ["reviews"] = $"docker.io/istio/examples-bookinfo-reviews-{name}:1.20.1" });
}
