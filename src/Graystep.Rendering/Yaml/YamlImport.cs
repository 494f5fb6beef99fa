using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Graystep.Rendering.Yaml;

/// <summary>Copies a YamlDotNet document into the ordered tree, keeping what each scalar means.</summary>
public static class YamlImport
{
    private const string CoreTagPrefix = "tag:yaml.org,2002:";

    public static YamlNode FromYamlDotNet(YamlDotNet.RepresentationModel.YamlNode node) => node switch
    {
        YamlMappingNode map => FromMapping(map),
        YamlSequenceNode seq => new YamlSeq(seq.Children.Select(FromYamlDotNet)),
        YamlScalarNode scalar => FromScalar(scalar),
        _ => throw new InvalidOperationException($"unknown YAML node {node.GetType().Name}"),
    };

    public static YamlMap FromMapping(YamlMappingNode map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var result = new YamlMap();
        foreach (var (key, value) in map.Children)
        {
            // Kubernetes objects only have string keys; a repeated key keeps its last value, as kubectl does.
            var name = key is YamlScalarNode s ? s.Value ?? string.Empty : key.ToString();
            result[name] = FromYamlDotNet(value);
        }

        return result;
    }

    private static YamlScalar FromScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        var tag = scalar.Tag.IsEmpty ? string.Empty : scalar.Tag.Value;
        if (tag.StartsWith(CoreTagPrefix, StringComparison.Ordinal) || tag.StartsWith("!!", StringComparison.Ordinal))
        {
            var name = tag.StartsWith("!!", StringComparison.Ordinal) ? tag[2..] : tag[CoreTagPrefix.Length..];
            return name switch
            {
                "int" or "float" => new YamlScalar(text, YamlScalarType.Number),
                "bool" => new YamlScalar(text, YamlScalarType.Bool),
                "null" => YamlScalar.Null,
                _ => YamlScalar.String(text),
            };
        }

        if (scalar.Style is ScalarStyle.Plain or ScalarStyle.Any)
        {
            var type = ScalarResolver.ResolvePlain(text);
            return type == YamlScalarType.Null ? YamlScalar.Null : new YamlScalar(text, type);
        }

        return YamlScalar.String(text);
    }
}
