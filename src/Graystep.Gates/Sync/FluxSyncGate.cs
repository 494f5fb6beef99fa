using System.Text.Json;
using Graystep.Core.Gates;
using Graystep.Core.Spec;

namespace Graystep.Gates.Sync;

/// <summary>
/// Synced when the Flux Kustomization's <c>status.lastAppliedRevision</c> ends with the commit (Flux writes
/// <c>main@sha1:&lt;sha&gt;</c>) and its <c>Ready</c> condition is <c>True</c>; the cluster runs the commit since
/// that condition's <c>lastTransitionTime</c>.
/// </summary>
public sealed class FluxSyncGate : KubeObjectSyncGate
{
    public const string Kind = "flux";

    private static readonly KubeObjectKind Kustomization =
        new("Flux", "Kustomization", "kustomizations.kustomize.toolkit.fluxcd.io", "/apis/kustomize.toolkit.fluxcd.io/v1", "flux-system");

    internal FluxSyncGate(KubeApiClient kube, TimeProvider time)
        : base(Kind, Kustomization, kube, time)
    {
    }

    internal override SyncObservation Evaluate(JsonElement kustomization, string name, string sha, DateTimeOffset committedAt, DateTimeOffset now)
    {
        var applied = kustomization.String("status", "lastAppliedRevision");
        var attempted = kustomization.String("status", "lastAttemptedRevision");
        var ready = kustomization.Objects("status", "conditions").FirstOrDefault(c => c.String("type") == "Ready");
        var readyStatus = ready.ValueKind == JsonValueKind.Object ? ready.String("status") : null;

        if (!Revisions.EndsWithCommit(applied, sha))
        {
            if (Revisions.EndsWithCommit(attempted, sha) && readyStatus == "False")
            {
                return new SyncObservation.Pending($"{name} failed to apply {Revisions.Short(sha)}{ConditionDetail(ready)}");
            }

            return new SyncObservation.Pending(applied is null
                ? $"{name} has applied nothing yet; waiting for {Revisions.Short(sha)}"
                : $"{name} applied {ShortFluxRevision(applied)}, waiting for {Revisions.Short(sha)}");
        }

        if (readyStatus != "True")
        {
            return new SyncObservation.Pending(readyStatus is null
                ? $"{name} applied {Revisions.Short(sha)} but reports no Ready condition yet"
                : $"{name} applied {Revisions.Short(sha)} but Ready is {readyStatus}{ConditionDetail(ready)}");
        }

        return new SyncObservation.Synced(Revisions.NotBefore(ready.Time("lastTransitionTime"), committedAt, now));
    }

    private static string ConditionDetail(JsonElement condition)
    {
        var reason = condition.String("reason");
        var message = condition.String("message");
        return (reason, message) switch
        {
            (null, null) => string.Empty,
            (_, null) => $" ({reason})",
            (null, _) => $": {message}",
            _ => $" ({reason}): {message}",
        };
    }

    /// <summary><c>main@sha1:3f2a…</c> → <c>main@sha1:3f2a9c1</c>.</summary>
    private static string ShortFluxRevision(string revision)
    {
        var cut = revision.LastIndexOfAny([':', '/']);
        return cut < 0 ? Revisions.Short(revision) : revision[..(cut + 1)] + Revisions.Short(revision[(cut + 1)..]);
    }
}
