using Graystep.TestKit;
using Graystep.Hosts.GitHub;
using System.Net;
using Graystep.Hosts.Tests.GitHub.Infrastructure;

namespace Graystep.Hosts.Tests.GitHub;

/// <summary>Errors from answers the stand-in does not produce on its own (SSO, server errors, missing headers).</summary>
public sealed class ErrorMessageTests
{
    private const string Forbidden = """{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest","status":"403"}""";

    [Fact]
    public async Task Without_githubs_permission_header_the_host_names_the_permission_the_call_needs()
    {
        var handler = new RecordingHandler().Answer(403, Forbidden);
        using var host = TestHosts.Create(handler);

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => host.DeleteBranchAsync("graystep/step-1", CancellationToken.None));

        Assert.Equal("GitHub refused to delete branch graystep/step-1 in octo-org/gitops (403 Resource not accessible by integration): the token lacks `contents: write`", error.Message);
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Contains("`permissions:`", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GitHubs_permission_header_wins_and_lists_alternatives_and_combinations()
    {
        var handler = new RecordingHandler().Answer(403, Forbidden, new Dictionary<string, string>
        {
            ["x-accepted-github-permissions"] = "contents=write,workflows=write; administration=write",
        });
        using var host = TestHosts.Create(handler);

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => host.DeleteBranchAsync("b", CancellationToken.None));

        Assert.EndsWith("the token lacks `contents: write` and `workflows: write` or `administration: write`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_sso_refusal_says_to_authorize_the_token()
    {
        var handler = new RecordingHandler().Answer(403, """{"message":"Resource protected by organization SAML enforcement."}""", new Dictionary<string, string>
        {
            ["x-github-sso"] = "required; url=https://github.com/orgs/octo-org/sso?authorization_request=abc",
        });
        using var host = TestHosts.Create(handler);

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => host.CommentAsync(3, "x", CancellationToken.None));

        Assert.Equal("GitHub refused to comment on pull request #3 in octo-org/gitops (403 Resource protected by organization SAML enforcement.): the organization requires SAML single sign-on and the token is not authorized for it", error.Message);
        Assert.Equal("Authorize the token for SSO: https://github.com/orgs/octo-org/sso?authorization_request=abc", error.Hint);
    }

    [Fact]
    public async Task A_server_error_on_a_write_is_reported_once_with_a_retry_hint()
    {
        var handler = new RecordingHandler().Answer(502, """{"message":"Server Error"}""");
        using var host = TestHosts.Create(handler);

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => host.CommentAsync(3, "x", CancellationToken.None));

        Assert.Equal("GitHub answered 502 Server Error to comment on pull request #3 in octo-org/gitops", error.Message);
        Assert.Contains("githubstatus.com", error.Hint, StringComparison.Ordinal);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_server_error_on_a_read_is_retried_after_a_short_wait()
    {
        var time = new RecordingTimeProvider();
        var handler = new RecordingHandler()
            .Answer(503, """{"message":"Service Unavailable"}""")
            .Answer(200, Examples.PullRequest)
            .Answer(200, "[]");
        using var host = TestHosts.Create(handler, time: time);

        var read = host.GetAsync(1347, CancellationToken.None);
        Assert.True(await time.WaitForTimerAsync());
        time.Advance(TimeSpan.FromSeconds(2));
        var info = await read;

        Assert.Equal(1347, info.Number);
        Assert.Equal([TimeSpan.FromSeconds(2)], time.Waits);
    }

    [Fact]
    public async Task An_answer_that_is_not_githubs_json_points_at_the_api_url()
    {
        var handler = new RecordingHandler().Answer(200, "<html>proxy login</html>");
        using var host = TestHosts.Create(handler);

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => host.GetAsync(1, CancellationToken.None));

        Assert.StartsWith("GitHub's answer to read pull request #1 is not the JSON Graystep expects", error.Message, StringComparison.Ordinal);
        Assert.Contains("GITHUB_API_URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_api_names_the_host_and_the_setting()
    {
        using var host = TestHosts.Create(new UnreachableHandler());

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => host.GetAsync(1, CancellationToken.None));

        Assert.StartsWith("cannot reach the GitHub API at https://api.github.com to read pull request #1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_commits_between_base_and_head_says_to_push_the_step_first()
    {
        var handler = new RecordingHandler()
            .Answer(200, "[]")
            .Answer(422, """{"message":"Validation Failed","errors":[{"resource":"PullRequest","code":"custom","message":"No commits between main and graystep/step-1"}],"documentation_url":"https://docs.github.com/rest"}""");
        using var host = TestHosts.Create(handler);

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => host.OpenOrReuseAsync(new("main", "graystep/step-1", "abc", "t", "b"), CancellationToken.None));

        Assert.Equal("GitHub cannot open a pull request from graystep/step-1 into main in octo-org/gitops: the branch has no commits that main lacks (Validation Failed: No commits between main and graystep/step-1)", error.Message);
    }

    private sealed class UnreachableHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("Connection refused (api.github.com:443)");
    }
}
