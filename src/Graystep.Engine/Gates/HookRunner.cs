using Graystep.Core.Gates;
using Graystep.Core.Spec;

namespace Graystep.Engine.Gates;

/// <summary>
/// Calls the hooks of one moment in declaration order and combines their results with <see cref="WebhookPolicy"/>:
/// gates and checks stop at the first failure, rollback hooks at the first success, event hooks all run. Each hook
/// goes to the caller its URL selects.
/// </summary>
public sealed class HookRunner
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new SortedDictionary<string, string>(StringComparer.Ordinal);

    private readonly WebhookCallerRegistry _callers;

    public HookRunner(WebhookCallerRegistry callers)
    {
        ArgumentNullException.ThrowIfNull(callers);
        _callers = callers;
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
            var result = await _callers.CallAsync(hook, payload, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            if (WebhookPolicy.ShouldStop(hook.Type, result.Succeeded))
            {
                break;
            }
        }

        return WebhookPolicy.Decide(results);
    }
}
