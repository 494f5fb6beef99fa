using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Graystep.Sandbox.Cluster;

/// <summary>Small null-tolerant readers over YamlDotNet's node model; a missing or mistyped field reads as absent.</summary>
internal static class Yaml
{
    public static YamlMappingNode? Map(this YamlNode? node, string key) => node.Get(key) as YamlMappingNode;

    public static YamlSequenceNode? Seq(this YamlNode? node, string key) => node.Get(key) as YamlSequenceNode;

    public static string? Str(this YamlNode? node, string key) => (node.Get(key) as YamlScalarNode)?.Value;

    public static YamlNode? Get(this YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static double? Number(this YamlNode? node, string key) =>
        double.TryParse(node.Str(key), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static IEnumerable<YamlMappingNode> Maps(this YamlSequenceNode? seq) =>
        seq is null ? [] : seq.Children.OfType<YamlMappingNode>();

    /// <summary>A mapping of scalars (labels, selectors, annotations) as a dictionary.</summary>
    public static IReadOnlyDictionary<string, string> StringMap(this YamlNode? node, string key)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (node.Map(key) is { } map)
        {
            foreach (var (k, v) in map.Children)
            {
                if (k is YamlScalarNode { Value: { } name } && v is YamlScalarNode scalar)
                {
                    result[name] = scalar.Value ?? string.Empty;
                }
            }
        }

        return result;
    }

    /// <summary>The canonical text of a node, used to derive stable pod-template hashes.</summary>
    public static string Canonical(YamlNode? node)
    {
        var sb = new System.Text.StringBuilder();
        Write(node, sb);
        return sb.ToString();

        static void Write(YamlNode? n, System.Text.StringBuilder sb)
        {
            switch (n)
            {
                case YamlScalarNode s:
                    sb.Append('"').Append(s.Value).Append('"');
                    break;
                case YamlSequenceNode q:
                    sb.Append('[');
                    foreach (var c in q.Children)
                    {
                        Write(c, sb);
                        sb.Append(',');
                    }

                    sb.Append(']');
                    break;
                case YamlMappingNode m:
                    sb.Append('{');
                    foreach (var (k, v) in m.Children.OrderBy(p => (p.Key as YamlScalarNode)?.Value, StringComparer.Ordinal))
                    {
                        Write(k, sb);
                        sb.Append(':');
                        Write(v, sb);
                        sb.Append(',');
                    }

                    sb.Append('}');
                    break;
                default:
                    sb.Append("null");
                    break;
            }
        }
    }
}
