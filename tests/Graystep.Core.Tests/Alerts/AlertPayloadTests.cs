using System.Text;
using Graystep.Core.Alerts;
using Graystep.Core.Rollouts;

namespace Graystep.Core.Tests.Alerts;

/// <summary>Each provider type's body, to the byte: the shape of Flagger's notifiers (pkg/notifier).</summary>
public sealed class AlertPayloadTests
{
    private static readonly AlertSubject Subject = new("reviews", "bookinfo", new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    private static readonly AlertEvent Started = new(
        AlertKind.Started,
        AlertSeverity.Info,
        "New revision detected, progressing canary analysis.",
        RolloutPhase.Progressing,
        [new AlertField("Target", "Deployment/reviews.bookinfo"), new AlertField("Failed checks threshold", "5")]);

    private static readonly AlertEvent RolledBack = new(AlertKind.RolledBack, AlertSeverity.Error, "Canary rolled back: <5 failed checks>", RolloutPhase.Failed, []);

    private static AlertProviderSpec Provider(string type) => new()
    {
        File = "app/alerts.yaml",
        Name = "on-call",
        Namespace = "bookinfo",
        Type = type,
        Channel = "releases",
        Username = "release-bot",
        Address = "https://hooks.example.com/services/T0/B0/token",
    };

    private static (string Url, string Body) Build(string type, AlertEvent alert)
    {
        var provider = Provider(type);
        var message = AlertPayloads.Build(type, provider, new Uri(provider.Address!), Subject, alert);
        return (message.Url.AbsoluteUri, Encoding.UTF8.GetString(message.Body));
    }

    [Fact]
    public void Slack_gets_an_attachment_with_the_fields_good_for_info_and_danger_for_error()
    {
        Assert.Equal(
            ("https://hooks.example.com/services/T0/B0/token",
             """{"channel":"releases","username":"release-bot","icon_url":"","icon_emoji":":rocket:","attachments":[{"color":"good","author_name":"reviews.bookinfo","text":"New revision detected, progressing canary analysis.","mrkdwn_in":["text"],"fields":[{"title":"Target","value":"Deployment/reviews.bookinfo","short":false},{"title":"Failed checks threshold","value":"5","short":false}]}]}"""),
            Build("slack", Started));
        Assert.Equal(
            """{"channel":"releases","username":"release-bot","icon_url":"","icon_emoji":":rocket:","attachments":[{"color":"danger","author_name":"reviews.bookinfo","text":"Canary rolled back: \u003C5 failed checks\u003E","mrkdwn_in":["text"],"fields":[]}]}""",
            Build("slack", RolledBack).Body);
    }

    [Fact]
    public void Discord_gets_slacks_payload_at_the_slack_compatible_path()
    {
        var (url, body) = Build("discord", RolledBack);

        Assert.Equal("https://hooks.example.com/services/T0/B0/token/slack", url);
        Assert.Equal(Build("slack", RolledBack).Body, body);
        Assert.Equal("https://discord.test/api/webhooks/1/x/slack", AlertPayloads.DiscordSlackEndpoint(new Uri("https://discord.test/api/webhooks/1/x/slack")).AbsoluteUri);
    }

    [Fact]
    public void Rocket_chat_gets_slacks_payload_with_flaggers_colours()
    {
        Assert.Contains("\"color\":\"#0076D7\"", Build("rocket", Started).Body, StringComparison.Ordinal);
        Assert.Equal(Build("slack", RolledBack).Body.Replace("\"danger\"", "\"#FF0000\"", StringComparison.Ordinal), Build("rocket", RolledBack).Body);
    }

    [Fact]
    public void Teams_gets_a_message_card()
    {
        Assert.Equal(
            """{"@type":"MessageCard","@context":"http://schema.org/extensions","themeColor":"0076D7","summary":"reviews.bookinfo","sections":[{"activityTitle":"New revision detected, progressing canary analysis.","activitySubtitle":"reviews.bookinfo","facts":[{"name":"Target","value":"Deployment/reviews.bookinfo"},{"name":"Failed checks threshold","value":"5"}]}]}""",
            Build("msteams", Started).Body);
        Assert.Contains("\"themeColor\":\"FF0000\"", Build("msteams", RolledBack).Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Google_chat_gets_a_card_with_a_paragraph_per_field_and_names_stay_text()
    {
        Assert.Equal(
            """{"cards":[{"header":{"title":"Graystep","subtitle":"reviews.bookinfo"},"sections":[{"widgets":[{"textParagraph":{"text":"\u003Cfont color=#848484\u003E\u003Cstrong\u003ECanary rolled back: \u0026lt;5 failed checks\u0026gt;\u003C/strong\u003E\u003C/font\u003E"}}]}]}]}""",
            Build("gchat", RolledBack).Body);
        Assert.Contains("""{"widgets":[{"textParagraph":{"text":"Target\u003Cbr\u003E""", Build("gchat", Started).Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Generic_gets_flaggers_event_webhook_payload()
    {
        Assert.Equal(
            """{"name":"reviews","namespace":"bookinfo","phase":"Progressing","metadata":{"Failed checks threshold":"5","Target":"Deployment/reviews.bookinfo","event":"Started","eventMessage":"New revision detected, progressing canary analysis.","eventType":"Normal","severity":"info","timestamp":"1772355600000"}}""",
            Build("generic", Started).Body);
        Assert.Contains("\"eventType\":\"Warning\"", Build("generic", RolledBack).Body, StringComparison.Ordinal);
    }
}
