using System.Globalization;
using System.Text.Json;

namespace Graystep.Gates.Sync;

/// <summary>Reads optional fields of Kubernetes objects: a missing or mistyped field is simply absent.</summary>
internal static class Json
{
    public static JsonElement? Get(this JsonElement element, params string[] path)
    {
        var current = element;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }

        return current;
    }

    public static string? String(this JsonElement element, params string[] path) =>
        element.Get(path) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static IReadOnlyList<string> Strings(this JsonElement element, params string[] path) =>
        element.Get(path) is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : [];

    public static IEnumerable<JsonElement> Objects(this JsonElement element, params string[] path) =>
        element.Get(path) is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
            : [];

    /// <summary>An RFC 3339 time (Kubernetes <c>metav1.Time</c>).</summary>
    public static DateTimeOffset? Time(this JsonElement element, params string[] path) =>
        element.String(path) is { } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
}
