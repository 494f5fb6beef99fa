using Graystep.Hosts.GitHub;
using System.Text.Json;
using Graystep.Core.Hosts;
using Graystep.Hosts.GitHub.Api;
using Graystep.Hosts.Tests.GitHub.Infrastructure;

namespace Graystep.Hosts.Tests.GitHub.Contract;

/// <summary>The host against traffic recorded from api.github.com by @octokit/fixtures.</summary>
public sealed class RecordedTrafficTests
{
    [Fact]
    public async Task A_commit_status_request_matches_the_recorded_one_and_accepts_its_answer()
    {
        var recorded = OctokitFixtures.Scenario("create-status")[0];
        var handler = new RecordingHandler().Answer(_ => OctokitFixtures.Replay(recorded));
        using var host = TestHosts.Create(handler, remoteUrl: "https://github.com/octokit-fixture-org/create-status.git");
        using var recordedBody = JsonDocument.Parse(recorded.RequestBody!);
        var sha = recorded.Path.Split('/')[^1];

        await host.SetStatusAsync(sha, "example/1", GateState.Failure, recordedBody.RootElement.GetProperty("description").GetString()!, CancellationToken.None);

        var request = Assert.Single(handler.Requests);
        Assert.Equal(recorded.Method, request.Method.Method);
        Assert.Equal(recorded.Path, request.PathAndQuery);
        using var sent = JsonDocument.Parse(request.Body!);
        Assert.Equal(recordedBody.RootElement.GetProperty("state").GetString(), sent.RootElement.GetProperty("state").GetString());
        Assert.Equal(recordedBody.RootElement.GetProperty("description").GetString(), sent.RootElement.GetProperty("description").GetString());

        // The host's context namespacing is the only difference from the recorded request.
        Assert.Equal("graystep/example/1", sent.RootElement.GetProperty("context").GetString());
        Assert.All(sent.RootElement.EnumerateObject(), p => Assert.True(recordedBody.RootElement.TryGetProperty(p.Name, out _), p.Name));
        Assert.Empty(OpenApiDescription.GitHub.ValidateRequest(recorded.Method, recorded.Path, recorded.RequestBody));
    }

    [Fact]
    public async Task Branch_deletion_matches_the_recorded_ref_deletion()
    {
        var recorded = OctokitFixtures.Scenario("git-refs").Single(e => e.Method == "DELETE");
        var handler = new RecordingHandler().Answer(_ => OctokitFixtures.Replay(recorded));
        using var host = TestHosts.Create(handler, remoteUrl: "https://github.com/octokit-fixture-org/git-refs.git");

        await host.DeleteBranchAsync(recorded.Path.Split("/heads/")[1], CancellationToken.None);

        var request = Assert.Single(handler.Requests);
        Assert.Equal(("DELETE", recorded.Path), (request.Method.Method, request.PathAndQuery));
        Assert.Equal(204, recorded.Status);
    }

    [Fact]
    public async Task A_recorded_validation_error_is_reported_with_its_details()
    {
        var recorded = OctokitFixtures.Scenario("errors").Single(e => e.Status == 422);
        var handler = new RecordingHandler().Answer(_ => OctokitFixtures.Replay(recorded));
        using var host = TestHosts.Create(handler, remoteUrl: "https://github.com/octokit-fixture-org/errors.git");

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => host.CommentAsync(1, "hello", CancellationToken.None));

        Assert.Equal("GitHub rejected the request to comment on pull request #1 in octokit-fixture-org/errors (422 Validation Failed: Label color invalid)", error.Message);
        Assert.Equal(1, error.ExitCode);
    }

    [Fact]
    public async Task Reviews_are_read_across_pages_by_following_recorded_link_headers()
    {
        // The recorded issue pagination: five pages whose Link headers point at /repositories/1000/issues?...
        var pages = OctokitFixtures.Scenario("paginate-issues");
        var handler = new RecordingHandler().Answer(200, Examples.PullRequest);
        for (var i = 0; i < pages.Count; i++)
        {
            // Every page approves, except the last, where bob requests changes: the decision must see it.
            var review = i == pages.Count - 1 ? Examples.Reviews(("CHANGES_REQUESTED", "bob")) : Examples.Reviews(("APPROVED", "alice"));
            var page = pages[i];
            handler.Answer(_ => RecordingHandler.Response(200, review, new Dictionary<string, string> { ["link"] = page.Headers["link"] }));
        }

        using var host = TestHosts.Create(handler);
        var info = await host.GetAsync(1347, CancellationToken.None);

        Assert.Equal(ReviewDecision.ChangesRequested, info.Review);
        var followed = handler.Requests.Skip(2).Select(r => r.PathAndQuery).ToList();
        Assert.Equal(pages.Skip(1).Select(p => p.Path).ToList(), followed);
    }

    [Fact]
    public void The_next_link_of_every_recorded_page_is_found_and_the_last_page_has_none()
    {
        var pages = OctokitFixtures.Scenario("paginate-issues");
        for (var i = 0; i < pages.Count - 1; i++)
        {
            Assert.Equal("https://api.github.com" + pages[i + 1].Path, GitHubApiClient.NextLink(pages[i].Headers["link"]));
        }

        Assert.Null(GitHubApiClient.NextLink(pages[^1].Headers["link"]));
    }

    [Fact]
    public async Task A_next_link_to_another_host_is_not_followed_so_the_token_stays_with_the_api()
    {
        var handler = new RecordingHandler()
            .Answer(200, Examples.PullRequest)
            .Answer(200, "[]", new Dictionary<string, string> { ["link"] = "<https://evil.example/steal?page=2>; rel=\"next\"" });
        using var host = TestHosts.Create(handler);

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => host.GetAsync(1, CancellationToken.None));

        Assert.Contains("points at https://evil.example, not the API", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, handler.Requests.Count);
    }
}
