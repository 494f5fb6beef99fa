using System.Text;
using Graystep.Core.Errors;
using Graystep.Core.Manifests;
using YamlDotNet.RepresentationModel;

namespace Graystep.Core.Rollouts;

/// <summary>Reads what Graystep needs from the target manifest: its containers' images and its version name.</summary>
public static class TargetWorkload
{
    /// <summary>Container name → image, from <c>spec.template.spec.containers</c> (init containers excluded).</summary>
    public static IReadOnlyDictionary<string, string> Images(ManifestDocument target)
    {
        var images = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (Path(target.Root, "spec", "template", "spec", "containers") is YamlSequenceNode containers)
        {
            foreach (var container in containers.OfType<YamlMappingNode>())
            {
                var name = Scalar(container, "name");
                var image = Scalar(container, "image");
                if (name is not null && image is not null)
                {
                    images[name] = image;
                }
            }
        }

        return images;
    }

    /// <summary>The target's <c>spec.replicas</c>; Kubernetes' default of 1 when it is absent or not a number.</summary>
    public static int Replicas(ManifestDocument target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Path(target.Root, "spec", "replicas") is YamlScalarNode { Value: { } text }
            && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 1;
    }

    /// <summary>
    /// The stable version on a first rollout: the target's <c>version</c> label exactly as written (it is already a
    /// label value, and is never rewritten), else the first container's image tag made into a DNS label (as Bookinfo
    /// names its versions).
    /// </summary>
    public static string InitialVersion(ManifestDocument target)
    {
        var label = (Path(target.Root, "spec", "template", "metadata", "labels") as YamlMappingNode) is { } podLabels
            ? Scalar(podLabels, "version")
            : null;
        label ??= Path(target.Root, "metadata", "labels") is YamlMappingNode labels ? Scalar(labels, "version") : null;
        if (!string.IsNullOrWhiteSpace(label))
        {
            if (!VersionName.IsValid(label))
            {
                throw new GraystepException(
                    $"{target.File}: the 'version' label {VersionName.Printable(label)} of {target.Kind}/{target.Name} is not a valid label value",
                    ExitCodes.InvalidSpec,
                    VersionName.Rule);
            }

            return label;
        }

        var image = Images(target).Values.FirstOrDefault();
        var tag = image is null ? null : TagOf(image);
        if (tag is null)
        {
            throw new GraystepException(
                $"{target.File}: cannot name the stable version of {target.Kind}/{target.Name}: it has no 'version' label and its image has no tag",
                ExitCodes.InvalidSpec,
                "add a label 'version: v1' to the pod template, or use an image with a tag");
        }

        return ToDnsLabel(tag);
    }

    public static string? TagOf(string image)
    {
        var withoutDigest = image.Split('@')[0];
        var lastSlash = withoutDigest.LastIndexOf('/');
        var colon = withoutDigest.LastIndexOf(':');
        return colon > lastSlash ? withoutDigest[(colon + 1)..] : null;
    }

    /// <summary>Lower-case, [a-z0-9-] only, no leading or trailing '-', at most 63 characters (RFC 1123 label).</summary>
    public static string ToDnsLabel(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value.ToLowerInvariant())
        {
            sb.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '-');
        }

        var label = sb.ToString().Trim('-');
        if (label.Length > 63)
        {
            label = label[..63].TrimEnd('-');
        }

        return label.Length == 0 ? "v0" : label;
    }

    private static YamlNode? Path(YamlNode node, params string[] keys)
    {
        var current = node;
        foreach (var key in keys)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;
}
