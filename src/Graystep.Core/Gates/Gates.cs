using System.Security.Cryptography;
using System.Text;
using Graystep.Core.Manifests;
using Graystep.Core.Providers;
using Graystep.Core.Rollouts;
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

/// <summary>
/// Calls one webhook: the webhook family's provider shape, chosen by the hook's URL (http and https today). The
/// result never holds a secret from the hook's URL or metadata.
/// </summary>
public interface IWebhookCaller : IProvider<Uri>
{
    Task<WebhookResult> CallAsync(WebhookSpec hook, WebhookPayload payload, CancellationToken cancellationToken);
}

public abstract record SyncObservation
{
    /// <summary>The cluster runs the commit since <see cref="At"/>.</summary>
    public sealed record Synced(DateTimeOffset At) : SyncObservation;

    /// <summary>
    /// Not yet, and why. <paramref name="KnownAt"/> is when it will be, when the gate knows (a fixed delay): the run
    /// sleeps until then instead of polling.
    /// </summary>
    public sealed record Pending(string Reason, DateTimeOffset? KnownAt = null) : SyncObservation;
}

/// <summary>
/// Tells whether the cluster has applied a commit: the sync gate family, one per <c>sync.kind</c> (none, delay,
/// argocd, flux, kubernetes). <see cref="IProvider{TInput}.Id"/> is the kind.
/// </summary>
public interface ISyncGate : IProvider<string>
{
    Task<SyncObservation> ObserveAsync(RolloutSpec spec, string commitSha, DateTimeOffset committedAt, CancellationToken cancellationToken);
}

/// <summary>
/// The commit a sync gate is asked about, and how to read what it applies: the rollout's rendered objects as the
/// commit left its output folder. The engine reads them only when a gate calls <see cref="ReadObjects"/>.
/// </summary>
public sealed record SyncCommit(string Sha, DateTimeOffset CommittedAt, Func<CancellationToken, Task<IReadOnlyList<ManifestDocument>>> ReadObjects);

/// <summary>
/// A sync gate that compares the cluster with what the commit applies (<c>sync.kind: kubernetes</c>) instead of
/// asking a reconciler which revision it applied: the registry hands it the commit's objects.
/// </summary>
public interface ICommitSyncGate : ISyncGate
{
    Task<SyncObservation> ObserveAsync(RolloutSpec spec, SyncCommit commit, CancellationToken cancellationToken);
}

/// <summary>What the payload says about the rollout when hooks are called. Event hooks also get the event.</summary>
/// <param name="Phase">The rollout's current phase; the policy replaces it where Flagger sends a fixed one.</param>
/// <param name="Checksum">Flagger's checksum of what is being rolled out: here of the version's name and images.</param>
/// <param name="EventType">Flagger sends the Kubernetes event type: <c>Normal</c> or <c>Warning</c>.</param>
public sealed record HookContext(RolloutPhase Phase, string Checksum, string? EventMessage = null, string? EventType = null)
{
    /// <summary>The context for hooks about <paramref name="version"/> while the rollout is in <paramref name="phase"/>.</summary>
    public static HookContext For(RolloutPhase phase, VersionRef version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var text = version.Name + "\n" + string.Join("\n", version.Images.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
        return new HookContext(phase, checksum);
    }

    /// <summary>The context for hooks about the version in progress (or the stable one when none is).</summary>
    public static HookContext For(RolloutStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return For(status.Phase, status.Canary ?? status.Stable);
    }
}
