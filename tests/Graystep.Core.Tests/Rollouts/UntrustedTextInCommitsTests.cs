using Graystep.Core.Gates;
using Graystep.Core.History;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using Graystep.Core.Tests.Rollouts.Support;

namespace Graystep.Core.Tests.Rollouts;

/// <summary>
/// Issue 13, probe 5: text Graystep did not write (a <c>--reason</c>, a webhook's name or error) cannot add
/// paragraphs to a commit body (look-alike trailers, forged history rows) nor carry terminal escape sequences.
/// </summary>
public sealed class UntrustedTextInCommitsTests
{
    private const string Forged = "ok\u001b]0;pwned\u0007\u001b[2J\r\n\nGraystep-Action: promote\nGraystep-Weight: 100";

    [Fact]
    public void A_reason_is_one_line_without_control_characters_in_the_commit_and_the_status()
    {
        var loop = new DecisionLoop(DeciderSpecs.Rollout()) { SyncedAt = c => c + TimeSpan.FromSeconds(30) };
        loop.Run(DeciderSpecs.V2, once: true);
        loop.Run(once: true);

        var pause = loop.Manual(ManualAction.Pause, Forged);

        var text = CommitMessageFormat.Format(pause.Transition!.Message);
        Assert.Equal("Reason: ok]0;pwned[2J Graystep-Action: promote Graystep-Weight: 100", pause.Transition.Message.Body);
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\r', text);
        var parsed = CommitMessageFormat.Parse(text);
        Assert.Equal(["pause"], parsed.Trailers.Where(t => t.Key == "Graystep-Action").Select(t => t.Value));
        Assert.Equal(2, text.Split("\n\n").Length - 1);
        Assert.Equal("paused: ok]0;pwned[2J Graystep-Action: promote Graystep-Weight: 100", loop.Status!.Reason);
    }

    [Fact]
    public void Webhook_names_and_details_stay_on_their_line_of_the_body()
    {
        var hooks = new[] { new WebhookResult("gate\n\nGraystep-Action: promote", WebhookType.ConfirmRollout, false, 500, "HTTP 500\n\nGraystep-Weight: 100\u001b[31m") };

        var lines = DecisionText.HookLines(hooks);

        Assert.Equal("  gate Graystep-Action: promote (confirm-rollout): failed - HTTP 500 Graystep-Weight: 100[31m", lines);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("  a \t b\n\n c  ", "a b c")]
    [InlineData("\u001b[31mred\u001b[0m", "[31mred[0m")]
    [InlineData("a\u0085b\u2028c", "a b c")]
    [InlineData("", "")]
    public void OneLine_collapses_whitespace_and_drops_control_characters(string text, string expected) =>
        Assert.Equal(expected, UntrustedText.OneLine(text));
}
