using System.Globalization;
using System.Text.Json;
using Graystep.Core.Manifests;
using YamlDotNet.RepresentationModel;

namespace Graystep.Gates.Sync;

/// <summary>A field the cluster holds otherwise than the commit, with both values as a person reads them.</summary>
internal sealed record Difference(string Path, string Cluster, string Commit);

/// <summary>
/// Compares a committed object (YAML, turned into JSON as the API server would read it) with the same object as the
/// cluster serves it, field by field.
/// </summary>
internal static class ObjectDiff
{
    private const int MaxShown = 120;

    /// <summary>The YAML tree as JSON: plain scalars that read as numbers, booleans or null become those, as kubectl sends them.</summary>
    public static JsonElement ToJson(YamlNode node)
    {
        using var document = JsonDocument.Parse(AppliedJson.ToJson(node)?.ToJsonString() ?? "null");
        return document.RootElement.Clone();
    }

    /// <summary>
    /// The first field the commit sets that the cluster lacks or holds otherwise; with <paramref name="exact"/>, also a
    /// field the cluster holds that the commit does not set (for kinds the API server gives no defaults). Lists must
    /// have the same length and are compared item by item.
    /// </summary>
    public static Difference? First(JsonElement commit, JsonElement? cluster, string path, bool exact)
    {
        switch (commit.ValueKind)
        {
            case JsonValueKind.Object:
                if (cluster is not { ValueKind: JsonValueKind.Object } clusterObject)
                {
                    return IsEmpty(commit) && IsAbsent(cluster) ? null : new Difference(path, Show(cluster), Show(commit));
                }

                foreach (var field in commit.EnumerateObject())
                {
                    var there = clusterObject.TryGetProperty(field.Name, out var found) ? found : (JsonElement?)null;
                    if (First(field.Value, there, Join(path, field.Name), exact) is { } difference)
                    {
                        return difference;
                    }
                }

                if (exact)
                {
                    foreach (var field in clusterObject.EnumerateObject())
                    {
                        if (!commit.TryGetProperty(field.Name, out _) && !IsAbsent(field.Value))
                        {
                            return new Difference(Join(path, field.Name), Show(field.Value), "none");
                        }
                    }
                }

                return null;

            case JsonValueKind.Array:
                if (cluster is not { ValueKind: JsonValueKind.Array } clusterArray)
                {
                    return commit.GetArrayLength() == 0 && IsAbsent(cluster) ? null : new Difference(path, Show(cluster), Show(commit));
                }

                if (clusterArray.GetArrayLength() != commit.GetArrayLength())
                {
                    return new Difference(path, Items(clusterArray.GetArrayLength()), Items(commit.GetArrayLength()));
                }

                var index = 0;
                foreach (var (item, there) in commit.EnumerateArray().Zip(clusterArray.EnumerateArray()))
                {
                    if (First(item, there, string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]"), exact) is { } difference)
                    {
                        return difference;
                    }
                }

                return null;

            case JsonValueKind.Null or JsonValueKind.Undefined:
                return IsAbsent(cluster) ? null : new Difference(path, Show(cluster), "none");

            default:
                return cluster is { } value && Text(value) == Text(commit) ? null : new Difference(path, Show(cluster), Show(commit));
        }
    }

    /// <summary>A scalar's text: a string's value, a number's or boolean's literal; null for objects, lists and null.</summary>
    public static string? Text(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } v => v.GetRawText(),
        _ => null,
    };

    /// <summary>A value as messages show it: numbers and words bare, other text quoted, objects and lists as compact JSON.</summary>
    public static string Show(JsonElement? value)
    {
        if (IsAbsent(value))
        {
            return "none";
        }

        var shown = value!.Value.ValueKind switch
        {
            JsonValueKind.String => Bare(value.Value.GetString()!) ? value.Value.GetString()! : value.Value.GetRawText(),
            _ => value.Value.GetRawText(),
        };
        return shown.Length > MaxShown ? shown[..MaxShown] + "…" : shown;
    }

    /// <summary>Text as <see cref="Show"/> shows a string.</summary>
    public static string ShowText(string text) => Bare(text) ? text : JsonSerializer.Serialize(text, Serialized.Default.String);

    private static bool Bare(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '/' or ':');

    private static string Items(int count) => count == 1 ? "1 item" : string.Create(CultureInfo.InvariantCulture, $"{count} items");

    private static bool IsAbsent(JsonElement? value) => value is null || value.Value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    private static bool IsEmpty(JsonElement value) => value.ValueKind == JsonValueKind.Object && !value.EnumerateObject().Any();

    private static string Join(string path, string field) => path.Length == 0 ? field : path + "." + field;
}

/// <summary>Source-generated JSON for strings (no reflection).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class Serialized : System.Text.Json.Serialization.JsonSerializerContext;
