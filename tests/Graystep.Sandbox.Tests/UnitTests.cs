using Graystep.Sandbox.Routing;

namespace Graystep.Sandbox.Tests;

public sealed class UnitTests
{
    [Theory]
    [InlineData("^(.*?;)?(canary=always)(;.*)?$")]
    [InlineData(".*Firefox.*")]
    [InlineData("^(beta|insider)$")]
    [InlineData("^v[0-9]+\\.[0-9]+$")]
    [InlineData("[^;]+=insider")]
    [InlineData("(?:a|b){3}c?")]
    [InlineData("\\d{2,4}-\\w+")]
    public void Regex_witness_builds_a_value_the_regex_accepts(string pattern)
    {
        var match = new StringMatch(MatchKind.Regex, pattern);

        var witness = match.Witness();

        Assert.NotNull(witness);
        Assert.True(match.Matches(witness), $"'{witness}' does not match {pattern}");
    }

    [Theory]
    [InlineData("(?=x)y")]
    [InlineData("(a)\\1")]
    public void Regex_witness_gives_up_on_lookarounds_and_backreferences(string pattern) =>
        Assert.Null(new StringMatch(MatchKind.Regex, pattern).Witness());

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5s", 1500)]
    [InlineData("0", 0)]
    public void Durations_parse_like_go(string text, double ms)
    {
        Assert.True(Core.Spec.GoDuration.TryParse(text, out var value));
        Assert.Equal(ms, value.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2")]
    [InlineData("2 s")]
    [InlineData("soon")]
    public void Bad_durations_are_rejected(string text) => Assert.False(Core.Spec.GoDuration.TryParse(text, out _));

    [Fact]
    public void Istio_regex_is_a_full_match_and_nginx_pattern_a_search()
    {
        Assert.False(new StringMatch(MatchKind.Regex, "insider").Matches("an insider"));
        Assert.True(new StringMatch(MatchKind.Regex, "insider", FullRegex: false).Matches("an insider"));
    }

    [Fact]
    public void A_regex_that_backtracks_exponentially_still_answers_at_once_as_re2_does()
    {
        // With a backtracking engine and a wall-clock timeout this threw RegexMatchTimeoutException, which a busy
        // machine could also hit for an everyday cookie regex, and the simulated users stopped.
        var evil = new StringMatch(MatchKind.Regex, "(a+)+b");
        var input = new string('a', 5_000) + "c";

        Assert.False(evil.Matches(input));
        Assert.True(evil.Matches("aaab"));
        Assert.True(new StringMatch(MatchKind.Regex, ".*flagger-cookie.*c3f5333275.*").Matches("a=1; flagger-cookie=c3f5333275; b=2"));
        Assert.True(new StringMatch(MatchKind.Regex, "^(.*?;)?(canary=always)(;.*)?$").Matches("a=1;canary=always"));
    }

    [Theory]
    [InlineData("(a)\\1")]
    [InlineData("(?=a)a")]
    [InlineData("(?<!x)a")]
    public void A_regex_re2_rejects_matches_nothing_as_envoy_rejects_the_route(string pattern) =>
        Assert.False(new StringMatch(MatchKind.Regex, pattern).Matches("aa"));

    [Fact]
    public void Cookies_are_read_from_the_cookie_header()
    {
        var request = new SimRequest(1, abUser: true);
        request.Apply(new RequestAttribute(AttributeKind.Header, "cookie", "session=1"));
        request.Apply(new RequestAttribute(AttributeKind.Cookie, "canary", "always"));

        Assert.Equal("always", request.Cookie("canary"));
        Assert.Equal("session=1; canary=always", request.Header("Cookie"));
    }
}
