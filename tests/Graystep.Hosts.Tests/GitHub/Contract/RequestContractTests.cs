using Graystep.Hosts.GitHub;
using System.Text.Json;
using System.Text.Json.Nodes;
using Graystep.Core.Hosts;
using Graystep.Core.Spec;
using Graystep.Hosts.Tests.GitHub.Infrastructure;

namespace Graystep.Hosts.Tests.GitHub.Contract;

/// <summary>
/// Every request the host sends is checked against GitHub's OpenAPI description (operation, parameters, body,
/// enums), and every response it parses is the description's own example.
/// </summary>
public sealed class RequestContractTests
{
    private const string Remote = "https://github.com/octocat/Hello-World.git";
    private static OpenApiDescription Api => OpenApiDescription.GitHub;

    [Fact]
    public async Task Opening_a_new_pull_request_lists_then_creates_as_described()
    {
        var handler = new RecordingHandler().Answer(200, "[]").Answer(201, Examples.PullRequest);
        using var host = TestHosts.Create(handler, remoteUrl: Remote);

        var info = await host.OpenOrReuseAsync(new PullRequestRequest("master", "new-topic", "6dcb09b5", "reviews: shift 20% to v2", "why"), CancellationToken.None);

        AssertFitsDescription(handler.Requests);
        var (list, create) = (handler.Requests[0], handler.Requests[1]);
        Assert.Equal("pulls/list", Api.Find("GET", list.PathAndQuery)!.Id);
        Assert.Equal("/repos/octocat/Hello-World/pulls?head=octocat%3Anew-topic&state=open&per_page=100", list.PathAndQuery);
        Assert.Equal("pulls/create", Api.Find("POST", create.PathAndQuery)!.Id);
        using var body = JsonDocument.Parse(create.Body!);
        Assert.Equal("reviews: shift 20% to v2", body.RootElement.GetProperty("title").GetString());
        Assert.Equal("new-topic", body.RootElement.GetProperty("head").GetString());
        Assert.Equal("master", body.RootElement.GetProperty("base").GetString());
        Assert.Equal("why", body.RootElement.GetProperty("body").GetString());

        var example = Examples.Node(Examples.PullRequest);
        Assert.Equal((int)example["number"]!, info.Number);
        Assert.Equal((string)example["html_url"]!, info.Url);
        Assert.Equal((string)example["head"]!["sha"]!, info.HeadSha);
        Assert.Equal(PullRequestLifecycle.Open, info.Lifecycle);
        Assert.Equal(ReviewDecision.Pending, info.Review);
    }

    [Fact]
    public async Task Every_request_carries_the_token_the_media_type_the_api_version_and_a_user_agent()
    {
        var handler = new RecordingHandler().Answer(200, "[]").Answer(201, Examples.PullRequest);
        using var host = TestHosts.Create(handler, remoteUrl: Remote);

        await host.OpenOrReuseAsync(new PullRequestRequest("master", "new-topic", "sha", "t", "b"), CancellationToken.None);

        Assert.All(handler.Requests, request =>
        {
            Assert.Equal($"Bearer {TestHosts.Token}", request.Header("Authorization"));
            Assert.Equal("application/vnd.github+json", request.Header("Accept"));
            Assert.Equal("2022-11-28", request.Header("X-GitHub-Api-Version"));
            Assert.StartsWith("graystep/", request.Header("User-Agent"), StringComparison.Ordinal);
        });
        Assert.StartsWith("application/json", handler.Requests[1].Header("Content-Type"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_open_pull_request_for_the_head_is_reused_without_creating_one()
    {
        var handler = new RecordingHandler().Answer(200, Examples.PullRequestSimpleItems).Answer(200, Examples.ReviewItems);
        using var host = TestHosts.Create(handler, remoteUrl: Remote);

        var info = await host.OpenOrReuseAsync(new PullRequestRequest("master", "new-topic", "sha", "t", "b"), CancellationToken.None);

        AssertFitsDescription(handler.Requests);
        Assert.Equal(["pulls/list", "pulls/list-reviews"], handler.Requests.Select(r => Api.Find(r.Method.Method, r.PathAndQuery)!.Id));
        var example = JsonNode.Parse(Examples.PullRequestSimpleItems)![0]!;
        Assert.Equal((int)example["number"]!, info.Number);
        Assert.Equal((string)example["head"]!["ref"]!, info.HeadBranch);

        // The example's single review is an approval.
        Assert.Equal(ReviewDecision.Approved, info.Review);
    }

    [Fact]
    public async Task An_open_pull_request_into_another_base_is_not_reused()
    {
        var handler = new RecordingHandler().Answer(200, Examples.PullRequestSimpleItems).Answer(201, Examples.PullRequest);
        using var host = TestHosts.Create(handler, remoteUrl: Remote);

        await host.OpenOrReuseAsync(new PullRequestRequest("release", "new-topic", "sha", "t", "b"), CancellationToken.None);

        Assert.Equal(HttpMethod.Post, handler.Requests[1].Method);
    }

    [Fact]
    public async Task A_pull_request_created_meanwhile_is_found_after_githubs_already_exists_answer()
    {
        var alreadyExists = new JsonObject
        {
            ["message"] = "Validation Failed",
            ["errors"] = new JsonArray(new JsonObject
            {
                ["resource"] = "PullRequest",
                ["code"] = "custom",
                ["message"] = "A pull request already exists for octocat:new-topic.",
            }),
            ["documentation_url"] = "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
        }.ToJsonString();
        Assert.Empty(Api.ValidateResponse("POST", "/repos/octocat/Hello-World/pulls", 422, alreadyExists));
        var handler = new RecordingHandler()
            .Answer(200, "[]")
            .Answer(422, alreadyExists)
            .Answer(200, Examples.PullRequestSimpleItems)
            .Answer(200, "[]");
        using var host = TestHosts.Create(handler, remoteUrl: Remote);

        var info = await host.OpenOrReuseAsync(new PullRequestRequest("master", "new-topic", "sha", "t", "b"), CancellationToken.None);

        AssertFitsDescription(handler.Requests);
        Assert.Equal(1347, info.Number);
        Assert.Equal(ReviewDecision.Pending, info.Review);
    }

    [Fact]
    public async Task Get_reads_the_pull_request_example_and_its_reviews()
    {
        var handler = new RecordingHandler().Answer(200, Examples.PullRequest).Answer(200, Examples.ReviewItems);
        using var host = TestHosts.Create(handler, remoteUrl: Remote);

        var info = await host.GetAsync(1347, CancellationToken.None);

        AssertFitsDescription(handler.Requests);
        Assert.Equal("/repos/octocat/Hello-World/pulls/1347", handler.Requests[0].PathAndQuery);
        Assert.Equal("/repos/octocat/Hello-World/pulls/1347/reviews?per_page=100", handler.Requests[1].PathAndQuery);
        Assert.Equal(new PullRequestInfo(1347, "https://github.com/octocat/Hello-World/pull/1347", "new-topic", "6dcb09b5b57875f334f61aebed695e2e4193db5e", PullRequestLifecycle.Open, ReviewDecision.Approved, null, new DateTimeOffset(2011, 1, 26, 19, 1, 12, TimeSpan.Zero)), info);
    }

    [Fact]
    public async Task A_merged_pull_request_reports_its_merge_commit()
    {
        var merged = Examples.Node(Examples.PullRequest);
        merged["state"] = "closed";
        merged["merged"] = true;
        var handler = new RecordingHandler().Answer(200, merged.ToJsonString()).Answer(200, "[]");
        using var host = TestHosts.Create(handler, remoteUrl: Remote);

        var info = await host.GetAsync(1347, CancellationToken.None);

        Assert.Equal(PullRequestLifecycle.Merged, info.Lifecycle);
        Assert.Equal((string)merged["merge_commit_sha"]!, info.MergeCommitSha);
    }

    [Fact]
    public async Task A_closed_unmerged_pull_request_is_reported_as_such()
    {
        var closed = Examples.Node(Examples.PullRequest);
        closed["state"] = "closed";
        closed["merged"] = false;
        closed["merged_at"] = null;
        var handler = new RecordingHandler().Answer(200, closed.ToJsonString()).Answer(200, "[]");
        using var host = TestHosts.Create(handler, remoteUrl: Remote);

        var info = await host.GetAsync(1347, CancellationToken.None);

        Assert.Equal(PullRequestLifecycle.ClosedUnmerged, info.Lifecycle);
        Assert.Null(info.MergeCommitSha);
    }

    [Theory]
    [InlineData(MergeMethod.Merge, "merge")]
    [InlineData(MergeMethod.Squash, "squash")]
    [InlineData(MergeMethod.Rebase, "rebase")]
    public async Task Merge_sends_the_method_and_the_head_sha_guard(MergeMethod method, string expected)
    {
        var handler = new RecordingHandler().Answer(200, Examples.MergeResult);
        using var host = TestHosts.Create(handler, remoteUrl: Remote);

        var outcome = await host.MergeAsync(1347, "6dcb09b5b57875f334f61aebed695e2e4193db5e", method, "reviews: promote v2", "body", CancellationToken.None);

        AssertFitsDescription(handler.Requests);
        var request = Assert.Single(handler.Requests);
        Assert.Equal("pulls/merge", Api.Find("PUT", request.PathAndQuery)!.Id);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal(expected, body.RootElement.GetProperty("merge_method").GetString());
        Assert.Equal("6dcb09b5b57875f334f61aebed695e2e4193db5e", body.RootElement.GetProperty("sha").GetString());
        Assert.Equal("reviews: promote v2", body.RootElement.GetProperty("commit_title").GetString());
        Assert.Equal(new MergeOutcome.Merged((string)Examples.Node(Examples.MergeResult)["sha"]!), outcome);
    }

    [Fact]
    public async Task Merge_409_is_head_moved_with_githubs_message()
    {
        var handler = new RecordingHandler().Answer(409, Examples.MergeHeadMoved);
        using var host = TestHosts.Create(handler, remoteUrl: Remote);

        var outcome = await host.MergeAsync(1347, "abc", MergeMethod.Squash, "t", "m", CancellationToken.None);

        Assert.Equal(new MergeOutcome.HeadMoved((string)Examples.Node(Examples.MergeHeadMoved)["message"]!), outcome);
    }

    [Fact]
    public async Task Merge_405_is_not_mergeable_when_the_pull_request_is_still_open()
    {
        var handler = new RecordingHandler().Answer(405, Examples.MergeNotAllowed).Answer(200, Examples.PullRequest).Answer(200, "[]");
        using var host = TestHosts.Create(handler, remoteUrl: Remote);

        var outcome = await host.MergeAsync(1347, "6dcb09b5b57875f334f61aebed695e2e4193db5e", MergeMethod.Squash, "t", "m", CancellationToken.None);

        AssertFitsDescription(handler.Requests);
        Assert.Equal(new MergeOutcome.NotMergeable((string)Examples.Node(Examples.MergeNotAllowed)["message"]!), outcome);
    }

    [Fact]
    public async Task Merge_405_on_a_pull_request_already_merged_at_that_head_is_a_merge_so_reruns_are_idempotent()
    {
        var merged = Examples.Node(Examples.PullRequest);
        merged["state"] = "closed";
        merged["merged"] = true;
        var handler = new RecordingHandler().Answer(405, Examples.MergeNotAllowed).Answer(200, merged.ToJsonString()).Answer(200, "[]");
        using var host = TestHosts.Create(handler, remoteUrl: Remote);

        var outcome = await host.MergeAsync(1347, (string)merged["head"]!["sha"]!, MergeMethod.Squash, "t", "m", CancellationToken.None);

        Assert.Equal(new MergeOutcome.Merged((string)merged["merge_commit_sha"]!), outcome);
    }

    [Fact]
    public async Task Deleting_a_branch_with_slashes_deletes_its_ref()
    {
        var handler = new RecordingHandler().Answer(204);
        using var host = TestHosts.Create(handler, remoteUrl: Remote);

        await host.DeleteBranchAsync("graystep/bookinfo/reviews/step-2", CancellationToken.None);

        AssertFitsDescription(handler.Requests);
        var request = Assert.Single(handler.Requests);
        var operation = Api.Find("DELETE", request.PathAndQuery)!;
        Assert.Equal("git/delete-ref", operation.Id);
        Assert.Equal("heads/graystep/bookinfo/reviews/step-2", operation.PathValues["ref"]);
    }

    [Fact]
    public async Task Deleting_a_branch_that_is_already_gone_succeeds()
    {
        var handler = new RecordingHandler().Answer(422, """{"message":"Reference does not exist","documentation_url":"https://docs.github.com/rest/git/refs#delete-a-reference"}""");
        using var host = TestHosts.Create(handler, remoteUrl: Remote);

        await host.DeleteBranchAsync("graystep/step-1", CancellationToken.None);

        Assert.Single(handler.Requests);
    }

    [Theory]
    [InlineData(GateState.Pending, "pending")]
    [InlineData(GateState.Success, "success")]
    [InlineData(GateState.Failure, "failure")]
    [InlineData(GateState.Error, "error")]
    public async Task A_gate_status_is_a_commit_status_in_the_graystep_context(GateState state, string expected)
    {
        var handler = new RecordingHandler().Answer(201, Examples.Status);
        using var host = TestHosts.Create(handler, remoteUrl: Remote);

        await host.SetStatusAsync("6dcb09b5b57875f334f61aebed695e2e4193db5e", "analysis", state, "request-success-rate 99.7 >= 99", CancellationToken.None);

        AssertFitsDescription(handler.Requests);
        var request = Assert.Single(handler.Requests);
        Assert.Equal("repos/create-commit-status", Api.Find("POST", request.PathAndQuery)!.Id);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal(expected, body.RootElement.GetProperty("state").GetString());
        Assert.Equal("graystep/analysis", body.RootElement.GetProperty("context").GetString());
        Assert.Equal("request-success-rate 99.7 >= 99", body.RootElement.GetProperty("description").GetString());
        Assert.False(body.RootElement.TryGetProperty("target_url", out _));
    }

    [Fact]
    public async Task A_long_status_description_is_cut_to_githubs_140_characters_and_links_the_actions_run()
    {
        var handler = new RecordingHandler().Answer(201, Examples.Status);
        var environment = new FakeEnvironment(new Dictionary<string, string>
        {
            ["GITHUB_SERVER_URL"] = "https://github.com",
            ["GITHUB_REPOSITORY"] = "octocat/app",
            ["GITHUB_RUN_ID"] = "4242",
        });
        using var host = TestHosts.Create(handler, environment, remoteUrl: Remote);

        await host.SetStatusAsync("6dcb09b5", "graystep/analysis", GateState.Failure, new string('x', 300), CancellationToken.None);

        AssertFitsDescription(handler.Requests);
        using var body = JsonDocument.Parse(handler.Requests[0].Body!);
        var description = body.RootElement.GetProperty("description").GetString()!;
        Assert.Equal(140, description.Length);
        Assert.EndsWith("…", description, StringComparison.Ordinal);
        Assert.Equal("graystep/analysis", body.RootElement.GetProperty("context").GetString());
        Assert.Equal("https://github.com/octocat/app/actions/runs/4242", body.RootElement.GetProperty("target_url").GetString());
    }

    [Fact]
    public async Task A_comment_is_an_issue_comment_on_the_pull_request()
    {
        var handler = new RecordingHandler().Answer(201, Examples.IssueComment);
        using var host = TestHosts.Create(handler, remoteUrl: Remote);

        await host.CommentAsync(1347, "| metric | value |\n|---|---|\n| success | 99.9 |", CancellationToken.None);

        AssertFitsDescription(handler.Requests);
        var request = Assert.Single(handler.Requests);
        Assert.Equal("issues/create-comment", Api.Find("POST", request.PathAndQuery)!.Id);
        Assert.Equal("/repos/octocat/Hello-World/issues/1347/comments", request.PathAndQuery);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal("| metric | value |\n|---|---|\n| success | 99.9 |", body.RootElement.GetProperty("body").GetString());
    }

    [Fact]
    public void The_checker_itself_rejects_what_github_would_reject()
    {
        // Guards the guard: a wrong enum, a missing required field, an unknown field and an unknown route all fail.
        Assert.Contains(Api.ValidateRequest("PUT", "/repos/o/r/pulls/1/merge", """{"merge_method":"fast-forward"}"""), p => p.Contains("merge_method", StringComparison.Ordinal));
        Assert.Contains(Api.ValidateRequest("POST", "/repos/o/r/statuses/abc", """{"context":"x"}"""), p => p.Contains("'state' is missing", StringComparison.Ordinal));
        Assert.Contains(Api.ValidateRequest("POST", "/repos/o/r/pulls", """{"head":"a","base":"b","titel":"t"}"""), p => p.Contains("'titel'", StringComparison.Ordinal));
        Assert.Contains(Api.ValidateRequest("GET", "/repos/o/r/pulls?state=merged", null), p => p.Contains("state", StringComparison.Ordinal));
        Assert.Contains(Api.ValidateRequest("GET", "/repos/o/r/pulls/abc", null), p => p.Contains("not an integer", StringComparison.Ordinal));
        Assert.NotEmpty(Api.ValidateRequest("POST", "/repos/o/r/pulls/1/approve", "{}"));
        Assert.Contains(Api.ValidateResponse("GET", "/repos/o/r/pulls/1", 200, """{"number":1}"""), p => p.Contains("required property 'head'", StringComparison.Ordinal));
    }

    internal static void AssertFitsDescription(IEnumerable<CapturedRequest> requests)
    {
        var problems = requests.SelectMany(r => Api.ValidateRequest(r.Method.Method, r.PathAndQuery, r.Body)).ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
