using Graystep.Core.Spec;

namespace Graystep.Core.Gates;

/// <summary>Flagger's webhook payload. Event hooks add <see cref="EventMessage"/> and <see cref="EventType"/>.</summary>
public sealed record WebhookPayload(
    string Name,
    string Namespace,
    string Phase,
    string Checksum,
    IReadOnlyDictionary<string, string> Metadata,
    string? EventMessage = null,
    string? EventType = null);

public sealed record WebhookResult(string Name, WebhookType Type, bool Succeeded, int? StatusCode, string Detail);

/// <summary>Calls one webhook. Implemented by the gates adapter over HTTP.</summary>
public interface IWebhookCaller
{
    Task<WebhookResult> CallAsync(WebhookSpec hook, WebhookPayload payload, CancellationToken cancellationToken);
}

public abstract record SyncObservation
{
    /// <summary>The cluster runs the commit since <see cref="At"/>.</summary>
    public sealed record Synced(DateTimeOffset At) : SyncObservation;

    public sealed record Pending(string Reason) : SyncObservation;
}

/// <summary>Tells whether the cluster has applied a commit (delay, Argo CD, Flux).</summary>
public interface ISyncGate
{
    Task<SyncObservation> ObserveAsync(RolloutSpec spec, string commitSha, DateTimeOffset committedAt, CancellationToken cancellationToken);
}
