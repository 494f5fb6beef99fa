using Graystep.Core.History;

namespace Graystep.Core.Tests.History;

public sealed class CommitMessageFormatTests
{
    private static readonly KeyValuePair<string, string>[] StepTrailers =
    [
        new(Trailers.Rollout, "bookinfo/reviews"),
        new(Trailers.Version, "v2"),
        new(Trailers.Action, "step"),
        new(Trailers.Weight, "20"),
        new(Trailers.Step, "2/3"),
    ];

    [Fact]
    public void Format_writes_subject_body_and_trailers_in_the_given_order()
    {
        var message = new CommitMessage(
            "reviews: shift 20% to v2 (step 2/3)",
            "request-success-rate: 99.9 (min 99)\nrequest-duration: 120ms (max 500)",
            StepTrailers);

        Assert.Equal(
            "reviews: shift 20% to v2 (step 2/3)\n\n"
            + "request-success-rate: 99.9 (min 99)\nrequest-duration: 120ms (max 500)\n\n"
            + "Graystep-Rollout: bookinfo/reviews\nGraystep-Version: v2\nGraystep-Action: step\nGraystep-Weight: 20\nGraystep-Step: 2/3\n",
            CommitMessageFormat.Format(message));
    }

    [Fact]
    public void Format_without_body_or_trailers_leaves_out_their_paragraphs()
    {
        Assert.Equal("subject\n", CommitMessageFormat.Format(new CommitMessage("subject", "  \n", [])));
        Assert.Equal("subject\n\nKey: v\n", CommitMessageFormat.Format(new CommitMessage("subject", string.Empty, [new("Key", "v")])));
        Assert.Equal("subject\n\nbody\n", CommitMessageFormat.Format(new CommitMessage("subject", "body", [])));
    }

    [Fact]
    public void Format_keeps_subject_and_trailer_values_on_one_line()
    {
        var text = CommitMessageFormat.Format(new CommitMessage("a\nb  c", "x", [new("Key", "one\r\ntwo")]));
        Assert.Equal("a b c\n\nx\n\nKey: one two\n", text);
    }

    [Fact]
    public void Format_refuses_an_invalid_trailer_key_and_an_empty_subject()
    {
        Assert.Throws<ArgumentException>(() => CommitMessageFormat.Format(new CommitMessage("s", string.Empty, [new("Bad Key", "v")])));
        Assert.Throws<ArgumentException>(() => CommitMessageFormat.Format(new CommitMessage(" ", string.Empty, [])));
    }

    [Fact]
    public void Parse_reads_the_last_paragraph_as_trailers_and_keeps_a_body_with_colons()
    {
        var parsed = CommitMessageFormat.Parse(
            "reviews: roll back v2\n\nrequest-success-rate: 91.2 below min 99\nthe canary failed 5 checks: rolling back\n\n"
            + "Graystep-Rollout: bookinfo/reviews\nGraystep-Action: rollback\n");

        Assert.Equal("reviews: roll back v2", parsed.Subject);
        Assert.Equal("request-success-rate: 91.2 below min 99\nthe canary failed 5 checks: rolling back", parsed.Body);
        Assert.Equal([new("Graystep-Rollout", "bookinfo/reviews"), new("Graystep-Action", "rollback")], parsed.Trailers);
    }

    [Fact]
    public void Parse_does_not_take_a_last_paragraph_that_mixes_prose_and_colons_as_trailers()
    {
        var parsed = CommitMessageFormat.Parse("subject\n\nsee http://example.test/x\nKey: value\n");
        Assert.Empty(parsed.Trailers);
        Assert.Equal("see http://example.test/x\nKey: value", parsed.Body);

        var url = CommitMessageFormat.Parse("subject\n\nhttps://example.test/runs/42\n");
        Assert.Empty(url.Trailers);
    }

    [Fact]
    public void Parse_tolerates_crlf_trailing_blank_lines_and_folded_values()
    {
        var parsed = CommitMessageFormat.Parse("subject\r\n\r\nbody line\r\n\r\nGraystep-Weight: 20\r\nNote: long\r\n  continued\r\n\r\n\r\n");
        Assert.Equal("subject", parsed.Subject);
        Assert.Equal("body line", parsed.Body);
        Assert.Equal([new("Graystep-Weight", "20"), new("Note", "long continued")], parsed.Trailers);
    }

    [Fact]
    public void Parse_of_a_subject_only_message_has_no_body_and_no_trailers()
    {
        var parsed = CommitMessageFormat.Parse("Initial commit\n");
        Assert.Equal("Initial commit", parsed.Subject);
        Assert.Equal(string.Empty, parsed.Body);
        Assert.Empty(parsed.Trailers);
        Assert.Equal(string.Empty, CommitMessageFormat.Parse(string.Empty).Subject);
    }

    public static TheoryData<string, string> Bodies => new()
    {
        { "reviews: initialize v1 at 100%", string.Empty },
        { "reviews: shift 20% to v2 (step 2/3)", "request-success-rate: 99.9 (min 99)\nrequest-duration: 120ms (max 500)" },
        { "reviews: promote v2", "All checks passed.\n\nPrevious: v1\nNext: v2" },
        { "reviews: pause", "    indented: code\n\n# a heading, not a comment\n\nlast: paragraph\nlooks: like trailers" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Format_then_parse_round_trips(string subject, string body)
    {
        var message = new CommitMessage(subject, body, StepTrailers);
        var parsed = CommitMessageFormat.Parse(CommitMessageFormat.Format(message));

        Assert.Equal(message.Subject, parsed.Subject);
        Assert.Equal(message.Body, parsed.Body);
        Assert.Equal(message.Trailers, parsed.Trailers);
        Assert.Equal(CommitMessageFormat.Format(message), CommitMessageFormat.Format(parsed));
    }

    [Fact]
    public void Round_trip_normalizes_blank_line_runs_and_trailing_spaces_in_the_body()
    {
        var message = new CommitMessage("s", "\n\na  \n\n\n\nb\n\n", [new("K", "v")]);
        var parsed = CommitMessageFormat.Parse(CommitMessageFormat.Format(message));
        Assert.Equal("a\n\nb", parsed.Body);
    }

    [Fact]
    public void Trailer_and_action_read_values_back()
    {
        var message = new CommitMessage("s", string.Empty, [new("graystep-action", "Promote"), new(Trailers.Weight, "10"), new(Trailers.Weight, "20")]);
        Assert.Equal("20", message.Trailer(Trailers.Weight));
        Assert.Null(message.Trailer(Trailers.Step));
        Assert.Equal(RolloutAction.Promote, message.Action());
        Assert.Null(new CommitMessage("s", string.Empty, [new(Trailers.Action, "dance")]).Action());
    }

    [Fact]
    public void Every_action_has_a_trailer_word_that_parses_back()
    {
        foreach (var action in Enum.GetValues<RolloutAction>())
        {
            var word = RolloutActionText.Format(action);
            Assert.Equal(word.ToLowerInvariant(), word);
            Assert.True(RolloutActionText.TryParse(word, out var parsed));
            Assert.Equal(action, parsed);
        }
    }
}
