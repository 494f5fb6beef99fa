using Graystep.Core.Alerts;
using Graystep.Core.Errors;
using Graystep.Core.History;
using Graystep.Core.Spec;

namespace Graystep.Engine.Alerts;

/// <summary>Where the run loop sends a rollout's alert events. The default sends nothing.</summary>
public interface IRolloutAlerts
{
    /// <summary>Sends <paramref name="alert"/> to every alert of <paramref name="spec"/> that wants it; returns a line per failed send, to log.</summary>
    Task<IReadOnlyList<string>> SendAsync(RolloutSpec spec, AlertEvent alert, CancellationToken cancellationToken);
}

/// <summary>No alerts: for commands and tests that do not send any.</summary>
public sealed class NoAlerts : IRolloutAlerts
{
    public static NoAlerts Instance { get; } = new();

    public Task<IReadOnlyList<string>> SendAsync(RolloutSpec spec, AlertEvent alert, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);
}

/// <summary>
/// Sends an event to the spec's alerts through the sender of each AlertProvider's type, one after the other. A send
/// that fails is reported back as a line and changes nothing else: alerts never decide a rollout.
/// </summary>
public sealed class RolloutAlerts(AlertSenderRegistry senders, TimeProvider time) : IRolloutAlerts
{
    public async Task<IReadOnlyList<string>> SendAsync(RolloutSpec spec, AlertEvent alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(alert);
        var failures = new List<string>();
        foreach (var recipient in AlertEvents.Recipients(spec, alert))
        {
            var provider = recipient.Provider!;
            AlertResult result;
            try
            {
                result = await senders.SendAsync(provider, new AlertSubject(spec.Name, spec.Namespace, time.GetUtcNow()), alert, cancellationToken).ConfigureAwait(false);
            }
            catch (GraystepException ex)
            {
                // A type no sender serves (validation refuses it, so only a wiring gap): logged like any failed send.
                result = new AlertResult(false, ex.Message);
            }

            if (!result.Sent)
            {
                failures.Add(UntrustedText.OneLine($"alert {recipient.Name} ({provider.Type}, AlertProvider {provider.Id}) was not sent: {result.Detail}"));
            }
        }

        return failures;
    }
}
