using Graystep.Core.Errors;
using Graystep.Core.Providers;

namespace Graystep.Core.Alerts;

/// <summary>How one send ended. <see cref="Detail"/> never holds the provider's address (it carries a token).</summary>
public sealed record AlertResult(bool Sent, string Detail);

/// <summary>
/// Sends alerts to one AlertProvider type: the alert sender family's provider shape. <see cref="IProvider{TInput}.Id"/>
/// is the type (<c>slack</c>, <c>msteams</c>, ...). A send is bounded and never retried; a failure is a result, not an
/// exception, since an alert never changes the rollout.
/// </summary>
public interface IAlertSender : IProvider<string>
{
    Task<AlertResult> SendAsync(AlertProviderSpec provider, AlertSubject subject, AlertEvent alert, CancellationToken cancellationToken);
}

/// <summary>
/// The alert senders by AlertProvider <c>type</c>. Validation refuses a type that is not registered (the catalogue
/// lists <see cref="ProviderRegistry{TProvider, TInput}.Ids"/>), so the registry only dispatches.
/// </summary>
public sealed class AlertSenderRegistry() : ProviderRegistry<IAlertSender, string>("alert sender", auto: null)
{
    public Task<AlertResult> SendAsync(AlertProviderSpec provider, AlertSubject subject, AlertEvent alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return Resolve(provider.Type, provider.Type).SendAsync(provider, subject, alert, cancellationToken);
    }

    protected override GraystepException UnknownProvider(string id) => new(
        $"no alert sender for AlertProvider type {id}",
        ExitCodes.InvalidSpec,
        "use one of: " + string.Join(", ", Ids));
}
