using Graystep.Core.Gates;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;

namespace Graystep.Gates.Webhooks;

/// <summary>What the payload says about the rollout when hooks are called. Event hooks also get the event.</summary>
/// <param name="Phase">The rollout's current phase; the policy replaces it where Flagger sends a fixed one.</param>
/// <param name="EventType">Flagger sends the Kubernetes event type: <c>Normal</c> or <c>Warning</c>.</param>
public sealed record HookContext(RolloutPhase Phase, string Checksum, string? EventMessage = null, string? EventType = null);

/// <summary>
/// Calls the hooks of one moment in declaration order and combines their results with <see cref="WebhookPolicy"/>:
/// gates and checks stop at the first failure, rollback hooks at the first success, event hooks all run.
/// </summary>
public sealed class WebhookRunner
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new SortedDictionary<string, string>(StringComparer.Ordinal);

    private readonly IWebhookCaller _caller;

    public WebhookRunner(IWebhookCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        _caller = caller;
    }

    public async Task<HookDecision> RunAsync(RolloutSpec spec, HookMoment moment, HookContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(context);

        var hooks = WebhookPolicy.HooksAt(spec.Analysis, moment);
        if (hooks.Count == 0)
        {
            return HookDecision.None;
        }

        var results = new List<WebhookResult>(hooks.Count);
        foreach (var hook in hooks)
        {
            var payload = new WebhookPayload(
                spec.Name,
                spec.Namespace,
                WebhookPolicy.PayloadPhase(hook.Type, context.Phase).ToString(),
                context.Checksum,
                NoMetadata,
                moment == HookMoment.Event ? context.EventMessage ?? string.Empty : null,
                moment == HookMoment.Event ? context.EventType ?? "Normal" : null);
            var result = await _caller.CallAsync(hook, payload, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            if (WebhookPolicy.ShouldStop(hook.Type, result.Succeeded))
            {
                break;
            }
        }

        return WebhookPolicy.Decide(results);
    }
}
