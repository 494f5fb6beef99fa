using Graystep.Core.Alerts;

namespace Graystep.Gates.Alerts;

/// <summary>The alert senders Graystep ships, one registration line per AlertProvider type, in the order the reference lists them.</summary>
public static class AlertSenders
{
    /// <param name="handler">Makes, on first send, the HTTP stack every sender shares.</param>
    /// <param name="secretVariables">Reads the environment for an AlertProvider's secretRef; null: none may name one.</param>
    /// <param name="reveal">Told every address, to mask it.</param>
    public static AlertSenderRegistry Create(Func<HttpMessageHandler> handler, TimeProvider time, Func<string, string?>? secretVariables = null, Action<string>? reveal = null)
    {
        var shared = new Lazy<HttpMessageHandler>(handler);
        var registry = new AlertSenderRegistry();
        foreach (var type in AlertPayloads.Types)
        {
            registry.Add(new HttpAlertSender(type, () => shared.Value, time) { SecretVariables = secretVariables, Reveal = reveal });
        }

        return registry;
    }
}
