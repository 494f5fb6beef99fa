using System.Globalization;
using System.Text.Json;
using Graystep.Core.Gates;
using Graystep.Core.Spec;

namespace Graystep.Gates.Webhooks;

/// <summary>
/// Writes Flagger's webhook payload. The wire format is Flagger's <c>CanaryWebhookPayload</c>: <c>name</c>,
/// <c>namespace</c>, <c>phase</c>, <c>checksum</c> and <c>metadata</c> (left out when empty). Event hooks carry
/// <c>eventMessage</c>, <c>eventType</c> and <c>timestamp</c> (Unix milliseconds) inside <c>metadata</c>, as Flagger
/// sends them; those keys win over the hook's own metadata.
/// </summary>
internal static class WebhookPayloadJson
{
    public const string EventMessageKey = "eventMessage";
    public const string EventTypeKey = "eventType";
    public const string TimestampKey = "timestamp";

    public static bool IsEvent(WebhookSpec hook, WebhookPayload payload) =>
        hook.Type == WebhookType.Event || payload.EventMessage is not null || payload.EventType is not null;

    /// <summary>The metadata sent: the hook's, then the payload's over it, then (for events) Flagger's event keys.</summary>
    public static SortedDictionary<string, string> Metadata(WebhookSpec hook, WebhookPayload payload, DateTimeOffset now)
    {
        // Ordinal order matches Go's encoding/json, which sorts map keys bytewise.
        var metadata = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in hook.Metadata)
        {
            metadata[key] = value;
        }

        foreach (var (key, value) in payload.Metadata)
        {
            metadata[key] = value;
        }

        if (IsEvent(hook, payload))
        {
            metadata[EventMessageKey] = payload.EventMessage ?? string.Empty;
            metadata[EventTypeKey] = payload.EventType ?? string.Empty;
            metadata[TimestampKey] = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        }

        return metadata;
    }

    public static byte[] Serialize(WebhookPayload payload, IReadOnlyDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("name", payload.Name);
            json.WriteString("namespace", payload.Namespace);
            json.WriteString("phase", payload.Phase);
            json.WriteString("checksum", payload.Checksum);
            if (metadata.Count > 0)
            {
                json.WriteStartObject("metadata");
                foreach (var (key, value) in metadata)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
