using Graystep.Core.Rollouts;
using Graystep.Core.Spec;

namespace Graystep.Core.Gates;

/// <summary>The points in a rollout where the engine calls webhooks. Each webhook type belongs to exactly one.</summary>
public enum HookMoment
{
    /// <summary>Before the rollout starts: <c>confirm-rollout</c>.</summary>
    BeforeStart,

    /// <summary>Every interval while Progressing, Waiting or WaitingPromotion, before anything else: <c>rollback</c>.</summary>
    RollbackCheck,

    /// <summary>Once, before the first step sends traffic to the canary: <c>pre-rollout</c>.</summary>
    BeforeFirstStep,

    /// <summary>Every analysis interval, before the metric checks: <c>rollout</c>.</summary>
    Analysis,

    /// <summary>Before each weight increase of a weighted canary: <c>confirm-traffic-increase</c>.</summary>
    BeforeTrafficIncrease,

    /// <summary>Before the promotion: <c>confirm-promotion</c>.</summary>
    BeforePromotion,

    /// <summary>After the promotion or the rollback: <c>post-rollout</c>.</summary>
    AfterFinish,

    /// <summary>Every event the rollout emits: <c>event</c>.</summary>
    Event,
}

/// <summary>What one webhook result means for the rollout.</summary>
public enum HookOutcome
{
    /// <summary>Carry on.</summary>
    Continue,

    /// <summary>Hold here and ask again next interval; no failed check is counted (the progress deadline still runs).</summary>
    Wait,

    /// <summary>A failed check: it adds to the failed-check count, and the step does not advance this interval.</summary>
    CountFailure,

    /// <summary>Roll back now, whatever the failed-check count.</summary>
    RollbackNow,

    /// <summary>Logged, nothing else.</summary>
    Ignore,
}

/// <summary>Which result stops the calls to the remaining hooks of the same moment, in declaration order.</summary>
public enum HookStop
{
    /// <summary>The first failure decides; later hooks are not called (gates and checks).</summary>
    OnFailure,

    /// <summary>The first success decides; later hooks are not called (rollback).</summary>
    OnSuccess,

    /// <summary>Every hook is called (events).</summary>
    Never,
}

/// <summary>
/// How one webhook type behaves, as Flagger's scheduler does it. <see cref="PayloadPhase"/> is the phase sent in
/// the payload; null means the rollout's current phase.
/// </summary>
public sealed record WebhookRule(
    WebhookType Type,
    string FlaggerName,
    HookMoment Moment,
    HookOutcome OnSuccess,
    HookOutcome OnFailure,
    HookStop Stop,
    RolloutPhase? PayloadPhase,
    bool WeightedCanaryOnly = false);

/// <summary>The combined outcome of the hooks of one moment; <see cref="Cause"/> is the result that decided it.</summary>
public sealed record HookDecision(HookOutcome Outcome, WebhookResult? Cause, IReadOnlyList<WebhookResult> Results)
{
    public static HookDecision None { get; } = new(HookOutcome.Continue, null, []);

    /// <summary>Failures that changed nothing but must be logged (post-rollout, event).</summary>
    public IEnumerable<WebhookResult> IgnoredFailures => Results.Where(r => !r.Succeeded && WebhookPolicy.Interpret(r.Type, false) == HookOutcome.Ignore);
}

/// <summary>
/// Flagger's webhook semantics as data, so the engine applies them and tests pin them.
/// See docs/webhooks.md for the table and how Flagger behaves.
/// </summary>
public static class WebhookPolicy
{
    /// <summary>The phases in which rollback hooks are asked, as in Flagger.</summary>
    public static IReadOnlySet<RolloutPhase> RollbackCheckPhases { get; } =
        new HashSet<RolloutPhase> { RolloutPhase.Progressing, RolloutPhase.Waiting, RolloutPhase.WaitingPromotion };

    /// <summary>One rule per webhook type, in the order the engine meets them.</summary>
    public static IReadOnlyList<WebhookRule> Rules { get; } =
    [
        new(WebhookType.ConfirmRollout, "confirm-rollout", HookMoment.BeforeStart, HookOutcome.Continue, HookOutcome.Wait, HookStop.OnFailure, null),
        new(WebhookType.Rollback, "rollback", HookMoment.RollbackCheck, HookOutcome.RollbackNow, HookOutcome.Continue, HookStop.OnSuccess, null),
        new(WebhookType.PreRollout, "pre-rollout", HookMoment.BeforeFirstStep, HookOutcome.Continue, HookOutcome.CountFailure, HookStop.OnFailure, RolloutPhase.Progressing),
        new(WebhookType.Rollout, "rollout", HookMoment.Analysis, HookOutcome.Continue, HookOutcome.CountFailure, HookStop.OnFailure, RolloutPhase.Progressing),
        new(WebhookType.ConfirmTrafficIncrease, "confirm-traffic-increase", HookMoment.BeforeTrafficIncrease, HookOutcome.Continue, HookOutcome.Wait, HookStop.OnFailure, RolloutPhase.Progressing, WeightedCanaryOnly: true),
        new(WebhookType.ConfirmPromotion, "confirm-promotion", HookMoment.BeforePromotion, HookOutcome.Continue, HookOutcome.Wait, HookStop.OnFailure, RolloutPhase.Progressing),
        new(WebhookType.PostRollout, "post-rollout", HookMoment.AfterFinish, HookOutcome.Continue, HookOutcome.Ignore, HookStop.OnFailure, null),
        new(WebhookType.Event, "event", HookMoment.Event, HookOutcome.Continue, HookOutcome.Ignore, HookStop.Never, null),
    ];

    public static WebhookRule RuleFor(WebhookType type) =>
        Rules.FirstOrDefault(r => r.Type == type) ?? throw new ArgumentOutOfRangeException(nameof(type), type, "no webhook rule");

    public static HookMoment MomentOf(WebhookType type) => RuleFor(type).Moment;

    public static HookOutcome Interpret(WebhookType type, bool succeeded)
    {
        var rule = RuleFor(type);
        return succeeded ? rule.OnSuccess : rule.OnFailure;
    }

    /// <summary>The phase Flagger puts in the payload for this type, given the rollout's current phase.</summary>
    public static RolloutPhase PayloadPhase(WebhookType type, RolloutPhase current) => RuleFor(type).PayloadPhase ?? current;

    /// <summary>
    /// The hooks to call at <paramref name="moment"/>, in declaration order. Weight-increase gates apply only to a
    /// weighted canary (A/B and blue/green have no weight steps, as in Flagger).
    /// </summary>
    public static IReadOnlyList<WebhookSpec> HooksAt(AnalysisSpec analysis, HookMoment moment)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        return analysis.Webhooks
            .Where(h => RuleFor(h.Type) is var rule && rule.Moment == moment && (!rule.WeightedCanaryOnly || analysis.Strategy == Strategy.Canary))
            .ToList();
    }

    /// <summary>Whether the engine should call the next hook of the same moment after this result.</summary>
    public static bool ShouldStop(WebhookType type, bool succeeded) => RuleFor(type).Stop switch
    {
        HookStop.OnFailure => !succeeded,
        HookStop.OnSuccess => succeeded,
        _ => false,
    };

    /// <summary>
    /// Combines the results of one moment's hooks, in call order: the first result whose outcome is Wait,
    /// CountFailure or RollbackNow decides; otherwise the rollout continues.
    /// </summary>
    public static HookDecision Decide(IReadOnlyList<WebhookResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        foreach (var result in results)
        {
            var outcome = Interpret(result.Type, result.Succeeded);
            if (outcome is HookOutcome.Wait or HookOutcome.CountFailure or HookOutcome.RollbackNow)
            {
                return new HookDecision(outcome, result, results);
            }
        }

        return new HookDecision(HookOutcome.Continue, null, results);
    }

    /// <summary>Flagger's spelling of a webhook type, as in the spec (<c>confirm-rollout</c>, ...).</summary>
    public static string FlaggerName(WebhookType type) => RuleFor(type).FlaggerName;
}
