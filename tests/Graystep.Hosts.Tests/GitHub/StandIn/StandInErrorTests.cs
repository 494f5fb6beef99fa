using Graystep.Hosts.GitHub;
using System.Net;
using Graystep.Core.Errors;
using Graystep.Core.Hosts;
using Graystep.Core.Spec;
using Graystep.GitHubStandIn;

namespace Graystep.Hosts.Tests.GitHub.StandIn;

/// <summary>Each error the stand-in answers the way GitHub does, with the host's message pinned.</summary>
public sealed class StandInErrorTests(StandInFixture fixture) : IClassFixture<StandInFixture>
{
    private const string NoContents = "ghp_no_contents_write";
    private const string NoStatuses = "ghp_no_statuses_write";
    private const string ReadOnly = "ghp_read_only";
    private const string Actions = "ghs_actions_token";

    private GitHubStandIn.GitHubStandIn Server => fixture.Server;

    [Fact]
    public async Task A_bad_token_is_401_bad_credentials()
    {
        var repo = await fixture.NewRepositoryAsync();
        using var host = fixture.Host(repo, token: "ghp_expired");

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => host.GetAsync(1, CancellationToken.None));

        Assert.Equal("GitHub rejected the token (401 Bad credentials): the token is missing, expired or revoked; set GITHUB_TOKEN (or GH_TOKEN, or --github-token) to a valid token", error.Message);
        Assert.Equal((HttpStatusCode.Unauthorized, ExitCodes.Failure), (error.StatusCode, error.ExitCode));
        AssertNoSecret(error, "ghp_expired");
    }

    [Fact]
    public async Task Merging_without_contents_write_names_that_permission()
    {
        Server.AddToken(NoContents, "limited", StandInPermissions.PullRequestsWrite | StandInPermissions.StatusesWrite);
        var repo = await fixture.NewRepositoryAsync();
        var sha = await fixture.PushStepAsync(repo, "graystep/step-1");
        using var host = fixture.Host(repo, token: NoContents);
        var pr = await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/step-1", sha, "t", "b"), CancellationToken.None);

        var merge = await Assert.ThrowsAsync<GitHubApiException>(() => host.MergeAsync(pr.Number, sha, MergeMethod.Squash, "t", "m", CancellationToken.None));
        var delete = await Assert.ThrowsAsync<GitHubApiException>(() => host.DeleteBranchAsync("graystep/step-1", CancellationToken.None));

        Assert.Equal($"GitHub refused to merge pull request #{pr.Number} in {repo.FullName} (403 Resource not accessible by personal access token): the token lacks `contents: write`", merge.Message);
        Assert.Equal($"GitHub refused to delete branch graystep/step-1 in {repo.FullName} (403 Resource not accessible by personal access token): the token lacks `contents: write`", delete.Message);
        Assert.Equal("Grant `contents: write`: in a workflow, add it under `permissions:` for the job; for a fine-grained token or a GitHub App, give it that repository permission; a classic token needs the `repo` scope.", merge.Hint);
        AssertNoSecret(merge, NoContents);
    }

    [Fact]
    public async Task Posting_a_status_without_statuses_write_names_that_permission()
    {
        Server.AddToken(NoStatuses, "limited", StandInPermissions.PullRequestsWrite | StandInPermissions.ContentsWrite);
        var repo = await fixture.NewRepositoryAsync();
        var sha = await fixture.PushStepAsync(repo, "graystep/step-1");
        using var host = fixture.Host(repo, token: NoStatuses);

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => host.SetStatusAsync(sha, "analysis", GateState.Success, "ok", CancellationToken.None));

        Assert.Equal($"GitHub refused to set commit status graystep/analysis on {sha[..7]} in {repo.FullName} (403 Resource not accessible by personal access token): the token lacks `statuses: write`", error.Message);
    }

    [Fact]
    public async Task A_read_only_token_is_told_which_write_permissions_it_lacks()
    {
        Server.AddToken(ReadOnly, "reader", StandInPermissions.None);
        var repo = await fixture.NewRepositoryAsync();
        var sha = await fixture.PushStepAsync(repo, "graystep/step-1");
        using var full = fixture.Host(repo);
        var pr = await full.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/step-1", sha, "t", "b"), CancellationToken.None);
        await fixture.PushStepAsync(repo, "graystep/step-2", weight: "40");
        using var host = fixture.Host(repo, token: ReadOnly);

        var open = await Assert.ThrowsAsync<GitHubApiException>(() => host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/step-2", sha, "t", "b"), CancellationToken.None));
        var comment = await Assert.ThrowsAsync<GitHubApiException>(() => host.CommentAsync(pr.Number, "table", CancellationToken.None));

        Assert.Equal($"GitHub refused to open a pull request from graystep/step-2 into main in {repo.FullName} (403 Resource not accessible by personal access token): the token lacks `pull-requests: write`", open.Message);
        Assert.Equal($"GitHub refused to comment on pull request #{pr.Number} in {repo.FullName} (403 Resource not accessible by personal access token): the token lacks `issues: write` or `pull-requests: write`", comment.Message);

        // Reading needs no write permission.
        Assert.Equal(pr.Number, (await host.GetAsync(pr.Number, CancellationToken.None)).Number);
    }

    [Fact]
    public async Task GitHub_Actions_not_permitted_to_create_pull_requests_names_the_setting()
    {
        Server.AddToken(Actions, "github-actions[bot]", StandInPermissions.All, isActionsToken: true);
        var repo = await fixture.NewRepositoryAsync();
        var sha = await fixture.PushStepAsync(repo, "graystep/step-1");
        using var host = fixture.Host(repo, token: Actions);
        var request = new PullRequestRequest("main", "graystep/step-1", sha, "t", "b");

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => host.OpenOrReuseAsync(request, CancellationToken.None));

        Assert.Equal($"GitHub Actions is not permitted to create or approve pull requests in {repo.FullName} (403 GitHub Actions is not permitted to create or approve pull requests.): GITHUB_TOKEN cannot open the step's pull request", error.Message);
        Assert.Contains("\"Allow GitHub Actions to create and approve pull requests\"", error.Hint, StringComparison.Ordinal);
        Assert.Contains("Settings > Actions > General > Workflow permissions", error.Hint, StringComparison.Ordinal);
        Assert.Contains("GitHub App installation token or a personal access token", error.Hint, StringComparison.Ordinal);

        // Once the setting is on, the same token opens it.
        repo.AllowActionsToCreatePullRequests = true;
        Assert.Equal(PullRequestLifecycle.Open, (await host.OpenOrReuseAsync(request, CancellationToken.None)).Lifecycle);
    }

    [Fact]
    public async Task A_repository_that_does_not_exist_or_is_hidden_is_404_with_the_repository_named()
    {
        var repo = await fixture.NewRepositoryAsync();
        using var host = fixture.Host(repo);
        var missing = new StandInRepositoryName("octo-org", "does-not-exist");
        using var hidden = Graystep.Hosts.Tests.GitHub.Infrastructure.TestHosts.Create(
            fixture.Handler,
            new Graystep.Hosts.Tests.GitHub.Infrastructure.FakeEnvironment().With("GITHUB_API_URL", Server.ApiUrl),
            remoteUrl: $"git@github.com:{missing.Owner}/{missing.Name}.git",
            token: StandInFixture.Token);

        var error = await Assert.ThrowsAsync<GitHubApiException>(() =>
            hidden.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/step-1", "abc", "t", "b"), CancellationToken.None));

        Assert.Equal("GitHub answered 404 (Not Found) to list the open pull requests from graystep/step-1: repository octo-org/does-not-exist not found or the token cannot see it", error.Message);
        Assert.Equal("Check the remote URL names octo-org/does-not-exist and that the token can access it: GitHub answers 404, not 403, when a token cannot see a private repository. To list the open pull requests from graystep/step-1 the token needs `pull-requests: read`.", error.Hint);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task A_pull_request_that_does_not_exist_is_404_with_the_number_named()
    {
        var repo = await fixture.NewRepositoryAsync();
        using var host = fixture.Host(repo);

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => host.GetAsync(99, CancellationToken.None));

        Assert.Equal($"GitHub answered 404 (Not Found) to read pull request #99: repository {repo.FullName} not found or the token cannot see it, or pull request #99 does not exist", error.Message);
    }

    [Fact]
    public async Task An_injected_server_error_is_retried_for_reads_and_reported_for_writes()
    {
        var repo = await fixture.NewRepositoryAsync();
        var sha = await fixture.PushStepAsync(repo, "graystep/step-1");
        using var host = fixture.Host(repo);
        Server.InjectError(500, "Internal Server Error", method: "POST", pathContains: $"{repo.Name}/statuses/");

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => host.SetStatusAsync(sha, "analysis", GateState.Success, "ok", CancellationToken.None));

        Assert.Equal($"GitHub answered 500 Internal Server Error to set commit status graystep/analysis on {sha[..7]} in {repo.FullName}", error.Message);
        Assert.Empty(Server.Statuses(repo, sha));
    }

    private static void AssertNoSecret(GraystepException error, string token)
    {
        Assert.DoesNotContain(token, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token, error.Hint ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain(token, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(StandInFixture.Token, error.ToString(), StringComparison.Ordinal);
    }

    private sealed record StandInRepositoryName(string Owner, string Name);
}
