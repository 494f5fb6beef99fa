using Graystep.Core.Errors;
using Graystep.Rendering.Yaml;

namespace Graystep.Rendering.Workloads;

/// <summary>Small helpers over Kubernetes objects held as ordered YAML maps.</summary>
internal static class KubeObject
{
    public const string VersionLabel = "version";

    /// <summary>Fields the API server owns; copying them into Git would make the reconciler fight it.</summary>
    private static readonly string[] ServerOwnedMetadata =
    [
        "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
        "deletionGracePeriodSeconds", "managedFields", "selfLink", "ownerReferences",
    ];

    private static readonly string[] ServerOwnedAnnotations =
    [
        "kubectl.kubernetes.io/last-applied-configuration", "deployment.kubernetes.io/revision",
    ];

    public static YamlMap New(string apiVersion, string kind, string name, string ns) => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["metadata"] = new YamlMap { ["name"] = name, ["namespace"] = ns },
    };

    // Objects come from the repository's templates, which may lack anything: a missing field is an invalid input (exit 3).
    public static string Kind(YamlMap obj) => obj.Text("kind") ?? throw Invalid(
        "a manifest that the rollout copies has no kind", "give every manifest under the spec's folder a kind and metadata.name");

    public static string Name(YamlMap obj) => obj.Map("metadata")?.Text("name") ?? throw Invalid(
        $"a {obj.Text("kind") ?? "manifest"} that the rollout copies has no metadata.name", "give every manifest under the spec's folder a metadata.name");

    /// <summary>The conventions' file name: <c>&lt;kind-lowercase&gt;-&lt;metadata.name&gt;.yaml</c>.</summary>
    public static string FileName(YamlMap obj) => $"{Kind(obj).ToLowerInvariant()}-{Name(obj)}.yaml";

    /// <summary>
    /// Copies a template object under a new name into the rollout's namespace, drops what the server owns, and
    /// puts keys in the pinned order.
    /// </summary>
    public static YamlMap CopyAs(YamlMap template, string name, string ns)
    {
        var copy = (YamlMap)template.DeepClone();
        var metadata = copy.GetOrAddMap("metadata");
        metadata["name"] = name;
        metadata["namespace"] = ns;
        copy.Remove("status");
        foreach (var field in ServerOwnedMetadata)
        {
            metadata.Remove(field);
        }

        if (metadata.Map("annotations") is { } annotations)
        {
            foreach (var annotation in ServerOwnedAnnotations)
            {
                annotations.Remove(annotation);
            }
        }

        return copy;
    }

    /// <summary>Pins the key order the conventions fix and sorts label-like maps; empty label maps go away.</summary>
    public static void Normalize(YamlMap obj)
    {
        obj.OrderKeys("apiVersion", "kind", "metadata", "spec");
        if (obj.Map("metadata") is not { } metadata)
        {
            return;
        }

        foreach (var key in new[] { "labels", "annotations" })
        {
            if (metadata.Map(key) is { } map)
            {
                if (map.Count == 0)
                {
                    metadata.Remove(key);
                }
                else
                {
                    map.SortKeys();
                }
            }
        }

        metadata.OrderKeys("name", "namespace", "labels", "annotations");
    }

    /// <summary>Label-like maps as plain strings; other scalar types are read as their text.</summary>
    public static SortedDictionary<string, string> Labels(YamlMap? map)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (map is null)
        {
            return labels;
        }

        foreach (var (key, value) in map)
        {
            if (value is YamlScalar scalar)
            {
                labels[key] = scalar.Value;
            }
        }

        return labels;
    }

    /// <summary>A sorted string map, written the way label selectors are written everywhere in the output.</summary>
    public static YamlMap LabelMap(IEnumerable<KeyValuePair<string, string>> labels)
    {
        var map = new YamlMap();
        foreach (var (key, value) in labels.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            map[key] = value;
        }

        return map;
    }

    public static GraystepException Invalid(string message, string? hint = null) =>
        new(message, ExitCodes.InvalidSpec, hint);
}
