using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Graystep.Core.Manifests;

/// <summary>
/// Small readers over YamlDotNet's representation model. A YAML null (<c>~</c>, <c>null</c> or nothing) reads
/// as an absent field, as Kubernetes treats it. Readers return null for a value of the wrong type: the schema
/// check has reported it already.
/// </summary>
internal static class YamlNodes
{
    /// <summary>The value of <paramref name="key"/>, or null when it is missing or a YAML null.</summary>
    public static YamlNode? Child(YamlMappingNode? map, string key)
    {
        if (map is null)
        {
            return null;
        }

        // Linear scan: spec mappings are small, and it avoids allocating a key node per lookup.
        foreach (var entry in map.Children)
        {
            if (entry.Key is YamlScalarNode k && string.Equals(k.Value, key, StringComparison.Ordinal))
            {
                return IsNull(entry.Value) ? null : entry.Value;
            }
        }

        return null;
    }

    /// <summary>The key node of <paramref name="key"/>, present even when its value is null.</summary>
    public static YamlNode? Key(YamlMappingNode? map, string key)
    {
        if (map is null)
        {
            return null;
        }

        foreach (var entry in map.Children)
        {
            if (entry.Key is YamlScalarNode k && string.Equals(k.Value, key, StringComparison.Ordinal))
            {
                return entry.Key;
            }
        }

        return null;
    }

    public static bool Has(YamlMappingNode? map, string key) => Child(map, key) is not null;

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } s &&
        (s.Value is null or "" or "~" or "null" or "Null" or "NULL");

    public static YamlMappingNode? Map(YamlMappingNode? map, string key) => Child(map, key) as YamlMappingNode;

    public static YamlSequenceNode? Seq(YamlMappingNode? map, string key) => Child(map, key) as YamlSequenceNode;

    public static string? Scalar(YamlMappingNode? map, string key) => (Child(map, key) as YamlScalarNode)?.Value;

    public static int? Int(YamlMappingNode? map, string key) =>
        Child(map, key) is YamlScalarNode s && TryInt(s, out var v) ? v : null;

    public static double? Number(YamlMappingNode? map, string key) =>
        Child(map, key) is YamlScalarNode s && TryNumber(s, out var v) ? v : null;

    public static bool? Bool(YamlMappingNode? map, string key) =>
        Child(map, key) is YamlScalarNode s && TryBool(s, out var v) ? v : null;

    public static bool TryInt(YamlScalarNode node, out int value)
    {
        value = 0;
        return IsPlain(node) && int.TryParse(node.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryNumber(YamlScalarNode node, out double value)
    {
        value = 0;
        return IsPlain(node) &&
            double.TryParse(node.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value) &&
            double.IsFinite(value);
    }

    public static bool TryBool(YamlScalarNode node, out bool value)
    {
        value = false;
        if (!IsPlain(node))
        {
            return false;
        }

        switch (node.Value)
        {
            case "true" or "True" or "TRUE":
                value = true;
                return true;
            case "false" or "False" or "FALSE":
                return true;
            default:
                return false;
        }
    }

    public static bool IsPlain(YamlScalarNode node) => node.Style is ScalarStyle.Plain or ScalarStyle.Any;

    /// <summary>How a value reads in a message: <c>"five"</c>, <c>the string "5"</c>, <c>a mapping</c>, <c>a list</c>.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        // A quoted "5" or "true" looks right but is a string; say so, or the message reads as a contradiction.
        YamlScalarNode s when !IsPlain(s) && LooksTyped(s.Value) => "the string " + Quote(s.Value ?? ""),
        YamlScalarNode s => Quote(s.Value ?? ""),
        _ => "an alias",
    };

    private static bool LooksTyped(string? value) =>
        value is "true" or "false" or "True" or "False" ||
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    public static string Quote(string value) => Spec.SafeNames.Quote(value);

    public static int Line(Mark mark) => (int)mark.Line;

    public static int Column(Mark mark) => (int)mark.Column;
}
