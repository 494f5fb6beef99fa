using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Graystep.Core.Manifests;

/// <summary>
/// A manifest's YAML as the JSON the API server receives from <c>kubectl apply</c>: plain scalars that read as
/// numbers, booleans or null become those; quoted ones stay text.
/// </summary>
public static class AppliedJson
{
    public static JsonNode? ToJson(YamlNode? node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children
            .Where(p => p.Key is YamlScalarNode { Value: not null })
            .GroupBy(p => ((YamlScalarNode)p.Key).Value!, StringComparer.Ordinal)
            .Select(g => KeyValuePair.Create(g.Key, ToJson(g.Last().Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(text.Equals("true", StringComparison.OrdinalIgnoreCase));
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return JsonValue.Create(whole);
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? JsonValue.Create(number)
            : JsonValue.Create(text);
    }
}
