using Graystep.Core.Spec;
using System.Globalization;
using System.Text.Json.Nodes;
using Graystep.Sandbox.Reconciling;
using Graystep.Sandbox.Traffic;

namespace Graystep.Sandbox.Api;

/// <summary>
/// The custom resources a GitOps reconciler would report, served as the Kubernetes API serves them. Every
/// <c>namespace/name</c> answers with the one source the sandbox follows.
/// </summary>
internal static class GitOpsResources
{
    public const string SimulatorAnnotation = "graystep.io/simulator";

    public const string SimulatorNote = "served by graystep-sandbox, a simulator: there is no Kubernetes cluster and no Argo CD or Flux";

    /// <summary>An Argo CD <c>argoproj.io/v1alpha1 Application</c> with automated sync.</summary>
    public static JsonObject ArgoApplication(string ns, string name, ReconcileStatus status, string repo, string branch, string path, DateTimeOffset createdAt)
    {
        var source = new JsonObject
        {
            ["repoURL"] = repo,
            ["path"] = path.Length == 0 ? "." : path,
            ["targetRevision"] = branch,
        };
        var destination = new JsonObject { ["server"] = "https://kubernetes.default.svc", ["namespace"] = ns };
        var health = status.Applied is null ? (status.Observed is null ? "Missing" : "Progressing")
            : status.LastOperation?.Phase == "Failed" ? "Degraded"
            : status.SyncStatus == "Synced" ? "Healthy"
            : "Progressing";

        var statusNode = new JsonObject
        {
            ["sync"] = new JsonObject
            {
                ["status"] = status.SyncStatus,
                ["revision"] = status.Applied ?? string.Empty,
                ["comparedTo"] = new JsonObject { ["source"] = source.DeepClone(), ["destination"] = destination.DeepClone() },
            },
            ["health"] = new JsonObject { ["status"] = health },
            ["sourceType"] = "Directory",
            ["reconciledAt"] = Time(status.ReconciledAt ?? createdAt),
            ["resources"] = new JsonArray(status.Objects
                .Select(o => (JsonNode)new JsonObject
                {
                    ["group"] = o.Group,
                    ["version"] = o.ApiVersion.Contains('/', StringComparison.Ordinal) ? o.ApiVersion[(o.ApiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..] : o.ApiVersion,
                    ["kind"] = o.Kind,
                    ["namespace"] = o.Namespace,
                    ["name"] = o.Name,
                    ["status"] = "Synced",
                })
                .ToArray()),
            ["history"] = new JsonArray(status.History
                .Select((h, i) => (JsonNode)new JsonObject
                {
                    ["id"] = i,
                    ["revision"] = h.Sha,
                    ["deployStartedAt"] = Time(h.SeenAt),
                    ["deployedAt"] = Time(h.AppliedAt),
                    ["source"] = source.DeepClone(),
                })
                .ToArray()),
        };

        if (status.LastOperation is { } op)
        {
            statusNode["operationState"] = new JsonObject
            {
                ["operation"] = new JsonObject
                {
                    ["sync"] = new JsonObject { ["revision"] = op.Revision },
                    ["initiatedBy"] = new JsonObject { ["automated"] = true },
                },
                ["phase"] = op.Phase,
                ["message"] = op.Message,
                ["startedAt"] = Time(op.StartedAt),
                ["finishedAt"] = Time(op.FinishedAt),
                ["syncResult"] = new JsonObject { ["revision"] = op.Revision, ["source"] = source.DeepClone() },
            };
        }

        return new JsonObject
        {
            ["apiVersion"] = "argoproj.io/v1alpha1",
            ["kind"] = "Application",
            ["metadata"] = Metadata(ns, name, "Application", status, createdAt),
            ["spec"] = new JsonObject
            {
                ["project"] = "default",
                ["source"] = source,
                ["destination"] = destination,
                ["syncPolicy"] = new JsonObject { ["automated"] = new JsonObject { ["prune"] = true, ["selfHeal"] = true } },
            },
            ["status"] = statusNode,
        };
    }

    /// <summary>A Flux <c>kustomize.toolkit.fluxcd.io/v1 Kustomization</c>; revisions read <c>&lt;branch&gt;@sha1:&lt;sha&gt;</c>.</summary>
    public static JsonObject FluxKustomization(string ns, string name, ReconcileStatus status, string branch, string path, TimeSpan interval, DateTimeOffset createdAt)
    {
        string Revision(string sha) => $"{branch}@sha1:{sha}";
        var failed = status.LastOperation?.Phase == "Failed";
        var ready = status.Applied is not null && status.SyncStatus == "Synced" && !failed;
        var condition = new JsonObject
        {
            ["type"] = "Ready",
            ["status"] = ready ? "True" : failed ? "False" : "Unknown",
            ["reason"] = ready ? "ReconciliationSucceeded" : failed ? "ReconciliationFailed" : "Progressing",
            ["message"] = ready ? $"Applied revision: {Revision(status.Applied!)}"
                : failed ? status.LastOperation!.Message
                : status.Observed is null ? "waiting for the source" : $"Reconciliation in progress: {Revision(status.Observed)}",
            ["lastTransitionTime"] = Time(status.LastOperation?.FinishedAt ?? createdAt),
            ["observedGeneration"] = 1,
        };

        var statusNode = new JsonObject
        {
            ["observedGeneration"] = 1,
            ["conditions"] = new JsonArray(condition),
        };
        if (status.Applied is not null)
        {
            statusNode["lastAppliedRevision"] = Revision(status.Applied);
        }

        if (status.LastOperation is not null)
        {
            statusNode["lastAttemptedRevision"] = Revision(status.LastOperation.Revision);
        }

        return new JsonObject
        {
            ["apiVersion"] = "kustomize.toolkit.fluxcd.io/v1",
            ["kind"] = "Kustomization",
            ["metadata"] = Metadata(ns, name, "Kustomization", status, createdAt),
            ["spec"] = new JsonObject
            {
                ["interval"] = GoDuration.Format(interval),
                ["path"] = "./" + path,
                ["prune"] = true,
                ["sourceRef"] = new JsonObject { ["kind"] = "GitRepository", ["name"] = name },
            },
            ["status"] = statusNode,
        };
    }

    /// <summary>The Kubernetes API's answer for a missing object.</summary>
    public static JsonObject NotFound(string group, string resource, string name, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = "NotFound",
        ["details"] = new JsonObject { ["name"] = name, ["group"] = group, ["kind"] = resource },
        ["code"] = 404,
    };

    private static JsonObject Metadata(string ns, string name, string kind, ReconcileStatus status, DateTimeOffset createdAt) => new()
    {
        ["name"] = name,
        ["namespace"] = ns,
        ["uid"] = Uid(kind, ns, name),
        ["resourceVersion"] = (status.History.Count + 1).ToString(CultureInfo.InvariantCulture),
        ["generation"] = 1,
        ["creationTimestamp"] = Time(createdAt),
        ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "graystep-sandbox" },
        ["annotations"] = new JsonObject { [SimulatorAnnotation] = SimulatorNote },
    };

    /// <summary>A stable UID, so clients that cache by UID see the same object across requests.</summary>
    internal static string Uid(string kind, string ns, string name)
    {
        var a = Prng.Hash($"{kind}/{ns}/{name}");
        var b = Prng.Mix(a);
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, a);
        BitConverter.TryWriteBytes(bytes[8..], b);
        return new Guid(bytes).ToString();
    }

    /// <summary>RFC 3339 in UTC with seconds, as metav1.Time serializes.</summary>
    internal static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
