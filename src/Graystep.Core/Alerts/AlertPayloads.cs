using System.Globalization;
using System.Text.Json;

namespace Graystep.Core.Alerts;

/// <summary>One POST to make: where, and the JSON body.</summary>
public sealed record AlertMessage(Uri Url, byte[] Body);

/// <summary>The rollout an alert is about, as every payload names it.</summary>
public sealed record AlertSubject(string Name, string Namespace, DateTimeOffset At);

/// <summary>
/// The body each alert provider type's webhook takes, as Flagger's notifiers (pkg/notifier) write it: Slack's incoming
/// webhook payload for slack, rocket and discord (to Discord's Slack-compatible <c>/slack</c> endpoint), an Office
/// 365 connector MessageCard for msteams, a card for gchat; generic posts Flagger's event webhook payload. Pure data.
/// </summary>
public static class AlertPayloads
{
    /// <summary>The provider types, in the order the reference lists them.</summary>
    public static IReadOnlyList<string> Types { get; } = ["slack", "msteams", "discord", "rocket", "gchat", "generic"];

    public static AlertMessage Build(string type, AlertProviderSpec provider, Uri address, AlertSubject subject, AlertEvent alert)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(alert);
        return type switch
        {
            "slack" => new(address, Slack(provider, subject, alert, alert.Severity == AlertSeverity.Error ? "danger" : "good")),
            "discord" => new(DiscordSlackEndpoint(address), Slack(provider, subject, alert, alert.Severity == AlertSeverity.Error ? "danger" : "good")),
            "rocket" => new(address, Slack(provider, subject, alert, alert.Severity == AlertSeverity.Error ? "#FF0000" : "#0076D7")),
            "msteams" => new(address, Teams(subject, alert)),
            "gchat" => new(address, GoogleChat(subject, alert)),
            "generic" => new(address, Generic(subject, alert)),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no alert payload for this provider type"),
        };
    }

    /// <summary>Discord takes Slack's payload at the webhook's <c>/slack</c> path, which Flagger appends when it is missing.</summary>
    public static Uri DiscordSlackEndpoint(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AbsolutePath.EndsWith("/slack", StringComparison.Ordinal))
        {
            return address;
        }

        var builder = new UriBuilder(address) { Path = address.AbsolutePath.TrimEnd('/') + "/slack" };
        return builder.Uri;
    }

    private static string Workload(AlertSubject subject) => subject.Name + "." + subject.Namespace;

    private static byte[] Slack(AlertProviderSpec provider, AlertSubject subject, AlertEvent alert, string color) => Write(json =>
    {
        json.WriteString("channel", provider.Channel);
        json.WriteString("username", provider.Username);
        json.WriteString("icon_url", string.Empty);
        json.WriteString("icon_emoji", ":rocket:");
        json.WriteStartArray("attachments");
        json.WriteStartObject();
        json.WriteString("color", color);
        json.WriteString("author_name", Workload(subject));
        json.WriteString("text", alert.Message);
        json.WriteStartArray("mrkdwn_in");
        json.WriteStringValue("text");
        json.WriteEndArray();
        json.WriteStartArray("fields");
        foreach (var field in alert.Fields)
        {
            json.WriteStartObject();
            json.WriteString("title", field.Name);
            json.WriteString("value", field.Value);
            json.WriteBoolean("short", false);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
    });

    private static byte[] Teams(AlertSubject subject, AlertEvent alert) => Write(json =>
    {
        json.WriteString("@type", "MessageCard");
        json.WriteString("@context", "http://schema.org/extensions");
        json.WriteString("themeColor", alert.Severity == AlertSeverity.Error ? "FF0000" : "0076D7");
        json.WriteString("summary", Workload(subject));
        json.WriteStartArray("sections");
        json.WriteStartObject();
        json.WriteString("activityTitle", alert.Message);
        json.WriteString("activitySubtitle", Workload(subject));
        json.WriteStartArray("facts");
        foreach (var field in alert.Fields)
        {
            json.WriteStartObject();
            json.WriteString("name", field.Name);
            json.WriteString("value", field.Value);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
    });

    private static byte[] GoogleChat(AlertSubject subject, AlertEvent alert) => Write(json =>
    {
        json.WriteStartArray("cards");
        json.WriteStartObject();
        json.WriteStartObject("header");
        json.WriteString("title", "Graystep");
        json.WriteString("subtitle", Workload(subject));
        json.WriteEndObject();
        json.WriteStartArray("sections");
        Paragraph(json, "<font color=#848484><strong>" + Html(alert.Message) + "</strong></font>");
        foreach (var field in alert.Fields)
        {
            Paragraph(json, Html(field.Name) + "<br><font color=#848484><strong>" + Html(field.Value) + "</strong></font>");
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
    });

    private static void Paragraph(Utf8JsonWriter json, string text)
    {
        json.WriteStartObject();
        json.WriteStartArray("widgets");
        json.WriteStartObject();
        json.WriteStartObject("textParagraph");
        json.WriteString("text", text);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Google Chat renders a text paragraph's HTML; names from the repository must stay text.</summary>
    private static string Html(string text) => System.Net.WebUtility.HtmlEncode(text);

    /// <summary>
    /// Flagger's event webhook payload: name, namespace, phase and metadata with <c>eventMessage</c>,
    /// <c>eventType</c> and <c>timestamp</c> (Unix milliseconds), plus the alert's kind, severity and fields.
    /// </summary>
    private static byte[] Generic(AlertSubject subject, AlertEvent alert) => Write(json =>
    {
        json.WriteString("name", subject.Name);
        json.WriteString("namespace", subject.Namespace);
        json.WriteString("phase", alert.Phase.ToString());

        // Ordinal key order, as Go's encoding/json writes a map.
        var metadata = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in alert.Fields)
        {
            metadata[field.Name] = field.Value;
        }

        metadata["event"] = alert.Kind.ToString();
        metadata["eventMessage"] = alert.Message;
        metadata["eventType"] = alert.EventType;
        metadata["severity"] = alert.Severity.ToString().ToLowerInvariant();
        metadata["timestamp"] = subject.At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        json.WriteStartObject("metadata");
        foreach (var (key, value) in metadata)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    });

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
