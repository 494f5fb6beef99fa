using System.Text;
using System.Text.Json;
using Graystep.Core.Analysis;
using Graystep.Core.Spec;

namespace Graystep.Gates.Sync;

/// <summary>
/// Reads the Secret a MetricTemplate's <c>secretRef</c> names (<c>GET /api/v1/namespaces/{ns}/secrets/{name}</c>)
/// with the cluster access the sync gates use: a kubeconfig, <c>GRAYSTEP_KUBE_API</c>, or the pod's service account.
/// Every value joins the secret mask before anything else sees it.
/// </summary>
public sealed class KubeSecrets(KubeApiClient api, Action<string>? maskSecret = null)
{
    /// <summary>No sync.server or sync.context applies: a template is not tied to one rollout.</summary>
    private static readonly SyncSpec Access = new() { Kind = "secretRef" };

    /// <summary>The Secret's data, decoded; null when the runner has no cluster access.</summary>
    /// <exception cref="Core.Errors.GraystepException">401, 403 (with the RBAC rule to grant) or 404.</exception>
    /// <exception cref="MetricQueryException">The API server cannot be reached or answers 5xx: the next round tries again.</exception>
    public async Task<IReadOnlyDictionary<string, string>?> ReadAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        if (!api.HasClusterAccess(Access))
        {
            return null;
        }

        var target = new KubeObjectRef("Secret", "secrets", "/api/v1", @namespace, name);
        var read = await api.GetAsync(
            Access,
            target,
            $"the MetricTemplate's secretRef names it; create it in namespace {@namespace}",
            $"create the Secret, or set its keys in the pipeline's environment instead (e.g. {MetricConnection.SecretVariable(name, "token")})",
            $" (a Role with apiGroups: [\"\"], resources: [secrets], resourceNames: [{name}], verbs: [get]); or set its keys as GRAYSTEP_SECRET_* variables in the pipeline's environment",
            cancellationToken).ConfigureAwait(false);
        return read switch
        {
            KubeRead.Found found => Decode(found.Object),
            KubeRead.Unavailable unavailable => throw new MetricQueryException("cannot read the MetricTemplate's secretRef: " + unavailable.Reason),
            _ => throw new InvalidOperationException("unknown read"),
        };
    }

    private Dictionary<string, string> Decode(JsonElement secret)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        if (secret.TryGetProperty("data", out var values) && values.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in values.EnumerateObject())
            {
                // Values are base64 in the API; a token file's trailing newline would break the header it goes in.
                var text = entry.Value.ValueKind == JsonValueKind.String && TryBase64(entry.Value.GetString()!) is { } bytes ? Encoding.UTF8.GetString(bytes).Trim() : string.Empty;
                data[entry.Name] = text;
                if (text.Length > 0)
                {
                    maskSecret?.Invoke(text);
                }
            }
        }

        return data;
    }

    private static byte[]? TryBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }
}
