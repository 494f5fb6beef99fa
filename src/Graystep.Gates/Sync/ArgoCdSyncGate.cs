using System.Text.Json;
using Graystep.Core.Gates;
using Graystep.Core.Spec;

namespace Graystep.Gates.Sync;

/// <summary>
/// Synced when the Argo CD Application reports the commit (<c>status.sync.revision</c>, or one of
/// <c>status.sync.revisions</c> for multi-source apps), <c>Synced</c> and <c>Healthy</c>. Anything else is pending,
/// with the reason; the engine's progress deadline bounds the wait.
/// </summary>
public sealed class ArgoCdSyncGate : KubeObjectSyncGate
{
    public const string Kind = "argocd";

    private static readonly KubeObjectKind Application = new("Argo CD", "Application", "applications.argoproj.io", "/apis/argoproj.io/v1alpha1", "argocd");

    private readonly ArgoCdApiClient _api;

    internal ArgoCdSyncGate(KubeApiClient kube, ArgoCdApiClient api, TimeProvider time)
        : base(Kind, Application, kube, time)
    {
        _api = api;
    }

    public override IReadOnlyList<Core.Providers.SecretSetting> Secrets => [KubeApiClient.Token, ArgoCdApiClient.Token];

    /// <summary>Through Argo CD's API server when one is named (<c>sync.argocdServer</c>, <c>ARGOCD_SERVER</c>), else the Kubernetes API.</summary>
    public override async Task<SyncObservation> ObserveAsync(RolloutSpec spec, string commitSha, DateTimeOffset committedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!_api.IsConfigured(spec.Sync))
        {
            return await base.ObserveAsync(spec, commitSha, committedAt, cancellationToken).ConfigureAwait(false);
        }

        var name = spec.Sync.Application ?? spec.Name;
        var read = await _api.GetAsync(spec.Sync, name, commitSha, cancellationToken).ConfigureAwait(false);
        return Judge(read, $"Argo CD Application {name}", commitSha, committedAt);
    }

    internal override SyncObservation Evaluate(JsonElement app, string name, string sha, DateTimeOffset committedAt, DateTimeOffset now)
    {
        var revision = app.String("status", "sync", "revision");
        var revisions = app.Strings("status", "sync", "revisions");
        if (!Revisions.SameCommit(revision, sha) && !revisions.Any(r => Revisions.SameCommit(r, sha)))
        {
            var reported = revision is not null ? Revisions.Short(revision)
                : revisions.Count > 0 ? string.Join(", ", revisions.Select(Revisions.Short))
                : null;
            return new SyncObservation.Pending(reported is null
                ? $"{name} reports no revision yet; waiting for {Revisions.Short(sha)}"
                : $"{name} is at {reported}, waiting for {Revisions.Short(sha)}");
        }

        var sync = app.String("status", "sync", "status") ?? "Unknown";
        if (sync != "Synced")
        {
            return new SyncObservation.Pending($"{name} has {Revisions.Short(sha)} but is {sync}");
        }

        // The last operation may be an older one: its times only count when it synced this commit.
        var operationIsOurs = OperationRevisions(app).Any(r => Revisions.SameCommit(r, sha));
        var operation = app.String("status", "operationState", "phase");
        if (operationIsOurs && operation is "Running" or "Terminating" or "Failed" or "Error")
        {
            var message = app.String("status", "operationState", "message");
            return new SyncObservation.Pending($"{name}: sync of {Revisions.Short(sha)} is {operation}{(message is null ? string.Empty : ": " + message)}");
        }

        var health = app.String("status", "health", "status") ?? "Unknown";
        if (health != "Healthy")
        {
            return new SyncObservation.Pending($"{name} is synced to {Revisions.Short(sha)} but {health}{HealthDetail(app, health)}");
        }

        var at = (operationIsOurs ? app.Time("status", "operationState", "finishedAt") : null) ?? app.Time("status", "reconciledAt");
        return new SyncObservation.Synced(Revisions.NotBefore(at, committedAt, now));
    }

    private static IEnumerable<string> OperationRevisions(JsonElement app)
    {
        foreach (var path in new[] { new[] { "status", "operationState", "syncResult" }, ["status", "operationState", "operation", "sync"] })
        {
            if (app.String([.. path, "revision"]) is { } revision)
            {
                yield return revision;
            }

            foreach (var r in app.Strings([.. path, "revisions"]))
            {
                yield return r;
            }
        }
    }

    /// <summary>Why it is not healthy: the app's health message, else the first resource in the same state.</summary>
    private static string HealthDetail(JsonElement app, string health)
    {
        if (app.String("status", "health", "message") is { Length: > 0 } message)
        {
            return ": " + message;
        }

        foreach (var resource in app.Objects("status", "resources"))
        {
            if (resource.String("health", "status") == health)
            {
                var detail = resource.String("health", "message");
                return $": {resource.String("kind")}/{resource.String("name")}{(detail is null ? $" is {health}" : ": " + detail)}";
            }
        }

        return string.Empty;
    }
}
