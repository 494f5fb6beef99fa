using System.Text.Json;

namespace Graystep.Gates.Sync;

/// <summary>What the Kubernetes and Argo CD API servers answer: an object, or an error whose <c>message</c> says why.</summary>
internal static class ApiAnswers
{
    /// <summary>The body as a JSON object; null when it is not one (a proxy's HTML page, a truncated answer).</summary>
    public static JsonElement? Object(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>": message" from an error body (a Kubernetes <c>Status</c> or Argo CD's error), cut to a line's length; else empty.</summary>
    public static string Message(string body) =>
        Object(body) is { } answer
            && answer.TryGetProperty("message", out var message)
            && message.ValueKind == JsonValueKind.String
            && message.GetString() is { Length: > 0 } text
            ? ": " + (text.Length > 300 ? text[..300] : text)
            : string.Empty;
}
