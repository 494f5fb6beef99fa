using Graystep.Core.Errors;
using Graystep.Core.Providers;
using Graystep.Core.Spec;
using Graystep.Core.Secrets;

namespace Graystep.Core.Gates;

/// <summary>
/// The sync gates by <c>sync.kind</c>, in an explicit order (none, delay, argocd, flux, kubernetes). The spec always names its
/// kind (validation checks it against <see cref="ProviderRegistry{TProvider, TInput}.Ids"/>), so nothing is guessed:
/// the registry only dispatches, and refuses two gates for one kind.
/// </summary>
public sealed class SyncGateRegistry() : ProviderRegistry<ISyncGate, string>("sync gate", auto: null)
{
    /// <summary>Asks the gate of the spec's <c>sync.kind</c>; a gate that compares the cluster with the commit gets its objects.</summary>
    public Task<SyncObservation> ObserveAsync(RolloutSpec spec, SyncCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(commit);
        ArgumentException.ThrowIfNullOrWhiteSpace(commit.Sha);
        return Resolve(spec.Sync.Kind, spec.Sync.Kind) switch
        {
            ICommitSyncGate comparing => comparing.ObserveAsync(spec, commit, cancellationToken),
            var gate => gate.ObserveAsync(spec, commit.Sha, commit.CommittedAt, cancellationToken),
        };
    }

    /// <summary>Asks the gate of the spec's <c>sync.kind</c> about a commit whose objects it is not given (none, delay, argocd, flux).</summary>
    public Task<SyncObservation> ObserveAsync(RolloutSpec spec, string commitSha, DateTimeOffset committedAt, CancellationToken cancellationToken) =>
        ObserveAsync(spec, new SyncCommit(commitSha, committedAt, _ => throw new InvalidOperationException("sync.kind " + spec?.Sync.Kind + " needs the commit's objects: ask with a SyncCommit that reads them")), cancellationToken);

    protected override GraystepException UnknownProvider(string id) => new(
        $"no sync gate for sync.kind {id}",
        ExitCodes.InvalidSpec,
        "use one of: " + string.Join(", ", Ids));
}

/// <summary>
/// The webhook callers, chosen by the hook's URL. Validation accepts http and https URLs only, so today one caller
/// serves every hook; another transport is one more caller registered here.
/// </summary>
public sealed class WebhookCallerRegistry() : ProviderRegistry<IWebhookCaller, Uri>("webhook caller", auto: null)
{
    /// <summary>Calls the hook with the caller its URL selects.</summary>
    public Task<WebhookResult> CallAsync(WebhookSpec hook, WebhookPayload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return Resolve(null, hook.Url).CallAsync(hook, payload, cancellationToken);
    }

    protected override string Show(Uri input) => UrlCredentials.WithoutSecrets(input);

    protected override GraystepException NoProvider(Uri input) => new(
        $"no webhook caller supports {Show(input)}",
        ExitCodes.InvalidSpec,
        "use an http or https URL");
}
