using Graystep.Hosts.GitHub;
using Graystep.Core.Hosts;
using Graystep.Core.Spec;
using Graystep.GitHubStandIn;
using Graystep.Hosts.Tests.GitHub.Infrastructure;
using Graystep.TestKit;

namespace Graystep.Hosts.Tests.GitHub.StandIn;

/// <summary>The host against the stand-in: real HTTP on loopback, real git underneath.</summary>
public sealed class PullRequestFlowTests(StandInFixture fixture) : IClassFixture<StandInFixture>
{
    private GitHubStandIn.GitHubStandIn Server => fixture.Server;

    [Fact]
    public async Task Opening_twice_returns_the_same_pull_request()
    {
        var repo = await fixture.NewRepositoryAsync();
        var sha = await fixture.PushStepAsync(repo, "graystep/reviews/step-1");
        using var host = fixture.Host(repo);
        var request = new PullRequestRequest("main", "graystep/reviews/step-1", sha, "reviews: shift 20% to v2", "step 1/3");

        var first = await host.OpenOrReuseAsync(request, CancellationToken.None);
        var second = await host.OpenOrReuseAsync(request, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(new PullRequestInfo(1, $"{Server.WebUrl}/{repo.FullName}/pull/1", "graystep/reviews/step-1", sha, PullRequestLifecycle.Open, ReviewDecision.Pending, null, first.OpenedAt), first);
        Assert.Equal(Server.PullRequest(repo, 1).CreatedAt.ToUnixTimeSeconds(), first.OpenedAt?.ToUnixTimeSeconds());
        var pull = Assert.Single(Server.PullRequests(repo));
        Assert.Equal(("reviews: shift 20% to v2", "step 1/3", "main", StandInFixture.Bot), (pull.Title, pull.Body, pull.Base, pull.Author));
        Assert.Single(Server.Exchanges, e => e.Method == "POST" && e.Path == $"/repos/{repo.FullName}/pulls");
    }

    [Fact]
    public async Task A_pull_request_opened_by_a_concurrent_run_is_reused_after_the_already_exists_answer()
    {
        var repo = await fixture.NewRepositoryAsync();
        var sha = await fixture.PushStepAsync(repo, "graystep/step-1");
        using var host = fixture.Host(repo);
        var request = new PullRequestRequest("main", "graystep/step-1", sha, "t", "b");
        var opened = await host.OpenOrReuseAsync(request, CancellationToken.None);

        // The other run's pull request is not yet visible to our look-up, so our create meets GitHub's 422.
        Server.InjectFault(new StandInFault(200, "[]") { Method = "GET", PathContains = $"/repos/{repo.FullName}/pulls" });
        var reused = await host.OpenOrReuseAsync(request, CancellationToken.None);

        Assert.Equal(opened.Number, reused.Number);
        Assert.Single(Server.PullRequests(repo));
        Assert.Contains(Server.Exchanges, e => e.Method == "POST" && e.Path.EndsWith($"{repo.Name}/pulls", StringComparison.Ordinal) && e.Status == 422);
    }

    [Fact]
    public async Task Opening_from_a_branch_that_was_never_pushed_says_so()
    {
        var repo = await fixture.NewRepositoryAsync();
        using var host = fixture.Host(repo);

        var error = await Assert.ThrowsAsync<GitHubApiException>(() =>
            host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/missing", "abc", "t", "b"), CancellationToken.None));

        Assert.Equal($"GitHub cannot open a pull request from graystep/missing in {repo.FullName}: the branch does not exist there (Validation Failed: PullRequest head invalid)", error.Message);
    }

    [Fact]
    public async Task Approval_follows_each_reviewers_latest_decisive_review()
    {
        var repo = await fixture.NewRepositoryAsync();
        var sha = await fixture.PushStepAsync(repo, "graystep/promote");
        using var host = fixture.Host(repo);
        var pr = await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/promote", sha, "promote", "b"), CancellationToken.None);

        async Task<ReviewDecision> Decision() => (await host.GetAsync(pr.Number, CancellationToken.None)).Review;

        Assert.Equal(ReviewDecision.Pending, await Decision());
        await Server.ApproveAsync(repo, pr.Number, "alice");
        Assert.Equal(ReviewDecision.Approved, await Decision());
        var block = await Server.RequestChangesAsync(repo, pr.Number, "bob");
        Assert.Equal(ReviewDecision.ChangesRequested, await Decision());
        await Server.CommentReviewAsync(repo, pr.Number, "bob", "still looking");
        Assert.Equal(ReviewDecision.ChangesRequested, await Decision());
        await Server.ApproveAsync(repo, pr.Number, "bob");
        Assert.Equal(ReviewDecision.Approved, await Decision());
        await Server.CommentReviewAsync(repo, pr.Number, "carol");
        Assert.Equal(ReviewDecision.Approved, await Decision());
        await Server.RequestChangesAsync(repo, pr.Number, "alice");
        Assert.Equal(ReviewDecision.ChangesRequested, await Decision());

        // Dismissing alice's change request leaves bob's approval standing (and bob's old block is long superseded).
        var aliceBlock = Server.PullRequest(repo, pr.Number).Reviews.Last(r => r.User == "alice").Id;
        await Server.DismissReviewAsync(repo, pr.Number, aliceBlock);
        Assert.NotEqual(block, aliceBlock);
        Assert.Equal(ReviewDecision.Approved, await Decision());
    }

    [Fact]
    public async Task Reviews_are_read_across_pages()
    {
        using var root = new TempDirectory("gh-standin-pages");
        await using var server = await GitHubStandIn.GitHubStandIn.StartAsync(new GitHubStandInOptions { RootDirectory = root.Path, MaxPageSize = 2 });
        server.AddToken(StandInFixture.Token, StandInFixture.Bot);
        var repo = await server.CreateRepositoryAsync("octo-org", "paged");
        var sha = await server.CommitAsync(repo, "step", new Dictionary<string, string> { ["f"] = "1" }, "step");
        using var handler = new SocketsHttpHandler();
        using var host = TestHosts.Create(handler, new FakeEnvironment().With("GITHUB_API_URL", server.ApiUrl), remoteUrl: "git@github.com:octo-org/paged.git", token: StandInFixture.Token);
        var pr = await host.OpenOrReuseAsync(new PullRequestRequest("main", "step", sha, "t", "b"), CancellationToken.None);
        foreach (var reviewer in new[] { "a", "b", "c", "d" })
        {
            await server.ApproveAsync(repo, pr.Number, reviewer);
        }

        await server.RequestChangesAsync(repo, pr.Number, "e");

        var info = await host.GetAsync(pr.Number, CancellationToken.None);

        Assert.Equal(ReviewDecision.ChangesRequested, info.Review);
        var pages = server.Exchanges.Where(e => e.Path.EndsWith("/reviews", StringComparison.Ordinal)).Select(e => e.Query).ToList();
        Assert.Equal(["?per_page=100", "?per_page=100&page=2", "?per_page=100&page=3"], pages);
    }

    [Theory]
    [InlineData(MergeMethod.Squash)]
    [InlineData(MergeMethod.Merge)]
    [InlineData(MergeMethod.Rebase)]
    public async Task Merging_with_the_head_guard_lands_the_step_on_the_base_branch(MergeMethod method)
    {
        var repo = await fixture.NewRepositoryAsync();
        var sha = await fixture.PushStepAsync(repo, "graystep/step-2", weight: "50");
        using var host = fixture.Host(repo);
        var pr = await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/step-2", sha, "reviews: shift 50% to v2", "b"), CancellationToken.None);

        var outcome = await host.MergeAsync(pr.Number, sha, method, "reviews: shift 50% to v2 (step 2/3)", "Graystep-Weight: 50", CancellationToken.None);

        var merged = Assert.IsType<MergeOutcome.Merged>(outcome);
        Assert.Equal(merged.MergeCommitSha, await Server.BranchShaAsync(repo, "main"));
        Assert.Equal("weight: 50\n", await Server.ReadFileAsync(repo, "main", "rendered/virtualservice.yaml"));
        var subject = (await Server.LogAsync(repo, "main"))[0];
        Assert.Equal(method == MergeMethod.Rebase ? "reviews: shift 50% to v2" : "reviews: shift 50% to v2 (step 2/3)", subject);

        var after = await host.GetAsync(pr.Number, CancellationToken.None);
        Assert.Equal((PullRequestLifecycle.Merged, merged.MergeCommitSha), (after.Lifecycle, after.MergeCommitSha));
    }

    [Fact]
    public async Task A_head_that_moved_since_the_decision_is_not_merged()
    {
        var repo = await fixture.NewRepositoryAsync();
        var decided = await fixture.PushStepAsync(repo, "graystep/step-1");
        using var host = fixture.Host(repo);
        var pr = await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/step-1", decided, "t", "b"), CancellationToken.None);
        var baseBefore = await Server.BranchShaAsync(repo, "main");
        var moved = await fixture.PushStepAsync(repo, "graystep/step-1", weight: "30");

        var outcome = await host.MergeAsync(pr.Number, decided, MergeMethod.Squash, "t", "m", CancellationToken.None);

        Assert.Equal(new MergeOutcome.HeadMoved("Head branch was modified. Review and try the merge again."), outcome);
        Assert.Equal(baseBefore, await Server.BranchShaAsync(repo, "main"));
        var info = await host.GetAsync(pr.Number, CancellationToken.None);
        Assert.Equal((PullRequestLifecycle.Open, moved), (info.Lifecycle, info.HeadSha));
    }

    [Fact]
    public async Task Merging_again_after_a_killed_job_reports_the_same_merge()
    {
        var repo = await fixture.NewRepositoryAsync();
        var sha = await fixture.PushStepAsync(repo, "graystep/step-1");
        using var host = fixture.Host(repo);
        var pr = await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/step-1", sha, "t", "b"), CancellationToken.None);

        var first = await host.MergeAsync(pr.Number, sha, MergeMethod.Squash, "t", "m", CancellationToken.None);
        var again = await host.MergeAsync(pr.Number, sha, MergeMethod.Squash, "t", "m", CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Single(await Server.LogAsync(repo, "main"), s => s == "t");
    }

    [Fact]
    public async Task The_branch_is_deleted_after_the_merge_and_deleting_it_again_is_harmless()
    {
        var repo = await fixture.NewRepositoryAsync();
        var sha = await fixture.PushStepAsync(repo, "graystep/reviews/step-1");
        using var host = fixture.Host(repo);
        var pr = await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/reviews/step-1", sha, "t", "b"), CancellationToken.None);
        Assert.IsType<MergeOutcome.Merged>(await host.MergeAsync(pr.Number, sha, MergeMethod.Merge, "t", "m", CancellationToken.None));

        await host.DeleteBranchAsync("graystep/reviews/step-1", CancellationToken.None);
        await host.DeleteBranchAsync("graystep/reviews/step-1", CancellationToken.None);

        Assert.Null(await Server.BranchShaAsync(repo, "graystep/reviews/step-1"));
        Assert.NotNull(await Server.BranchShaAsync(repo, "main"));
        Assert.Equal(PullRequestLifecycle.Merged, (await host.GetAsync(pr.Number, CancellationToken.None)).Lifecycle);
    }

    [Fact]
    public async Task A_pull_request_closed_without_merging_is_reported_and_cannot_be_merged()
    {
        var repo = await fixture.NewRepositoryAsync();
        var sha = await fixture.PushStepAsync(repo, "graystep/step-1");
        using var host = fixture.Host(repo);
        var pr = await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/step-1", sha, "t", "b"), CancellationToken.None);
        await Server.CloseAsync(repo, pr.Number);

        var info = await host.GetAsync(pr.Number, CancellationToken.None);
        var outcome = await host.MergeAsync(pr.Number, sha, MergeMethod.Squash, "t", "m", CancellationToken.None);

        Assert.Equal((PullRequestLifecycle.ClosedUnmerged, (string?)null), (info.Lifecycle, info.MergeCommitSha));
        Assert.Equal(new MergeOutcome.NotMergeable("Pull Request is not mergeable"), outcome);
    }

    [Fact]
    public async Task A_closed_pull_request_is_not_reused_a_new_one_is_opened()
    {
        var repo = await fixture.NewRepositoryAsync();
        var sha = await fixture.PushStepAsync(repo, "graystep/step-1");
        using var host = fixture.Host(repo);
        var request = new PullRequestRequest("main", "graystep/step-1", sha, "t", "b");
        var first = await host.OpenOrReuseAsync(request, CancellationToken.None);
        await Server.CloseAsync(repo, first.Number);

        var second = await host.OpenOrReuseAsync(request, CancellationToken.None);

        Assert.NotEqual(first.Number, second.Number);
        Assert.Equal(PullRequestLifecycle.Open, second.Lifecycle);
    }

    [Fact]
    public async Task A_conflicting_step_is_not_mergeable()
    {
        var repo = await fixture.NewRepositoryAsync();
        var one = await fixture.PushStepAsync(repo, "graystep/a", weight: "10");
        var two = await fixture.PushStepAsync(repo, "graystep/b", weight: "90");
        using var host = fixture.Host(repo);
        var a = await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/a", one, "a", "b"), CancellationToken.None);
        var b = await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/b", two, "b", "b"), CancellationToken.None);
        Assert.IsType<MergeOutcome.Merged>(await host.MergeAsync(a.Number, one, MergeMethod.Squash, "a", "m", CancellationToken.None));

        var outcome = await host.MergeAsync(b.Number, two, MergeMethod.Squash, "b", "m", CancellationToken.None);

        Assert.Equal(new MergeOutcome.NotMergeable("Pull Request is not mergeable"), outcome);
        Assert.Equal("weight: 10\n", await Server.ReadFileAsync(repo, "main", "rendered/virtualservice.yaml"));
    }

    [Fact]
    public async Task Branch_protection_requiring_an_approval_blocks_the_merge_until_someone_approves()
    {
        var repo = await fixture.NewRepositoryAsync();
        repo.RequiredApprovingReviews = 1;
        var sha = await fixture.PushStepAsync(repo, "graystep/promote");
        using var host = fixture.Host(repo);
        var pr = await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/promote", sha, "promote", "b"), CancellationToken.None);

        var blocked = await host.MergeAsync(pr.Number, sha, MergeMethod.Squash, "promote", "m", CancellationToken.None);
        await Server.ApproveAsync(repo, pr.Number, "alice");
        var merged = await host.MergeAsync(pr.Number, sha, MergeMethod.Squash, "promote", "m", CancellationToken.None);

        Assert.Equal(new MergeOutcome.NotMergeable("At least 1 approving review is required by reviewers with write access."), blocked);
        Assert.IsType<MergeOutcome.Merged>(merged);
    }

    [Fact]
    public async Task Deleting_the_head_branch_of_an_open_pull_request_closes_it_as_on_github()
    {
        var repo = await fixture.NewRepositoryAsync();
        var sha = await fixture.PushStepAsync(repo, "graystep/abandoned");
        using var host = fixture.Host(repo);
        var pr = await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/abandoned", sha, "t", "b"), CancellationToken.None);

        await host.DeleteBranchAsync("graystep/abandoned", CancellationToken.None);

        Assert.Equal(PullRequestLifecycle.ClosedUnmerged, (await host.GetAsync(pr.Number, CancellationToken.None)).Lifecycle);
    }

    [Fact]
    public async Task Gate_statuses_are_posted_on_the_commit()
    {
        var repo = await fixture.NewRepositoryAsync();
        var sha = await fixture.PushStepAsync(repo, "graystep/step-1");
        using var host = fixture.Host(repo);

        await host.SetStatusAsync(sha, "analysis", GateState.Pending, "waiting for the cluster to sync", CancellationToken.None);
        await host.SetStatusAsync(sha, "analysis", GateState.Success, new string('m', 200), CancellationToken.None);
        await host.SetStatusAsync(sha, "approval", GateState.Failure, "changes requested by bob", CancellationToken.None);

        var statuses = Server.Statuses(repo, sha);
        Assert.Equal(
            [("graystep/analysis", "pending"), ("graystep/analysis", "success"), ("graystep/approval", "failure")],
            statuses.Select(s => (s.Context, s.State)));
        Assert.Equal(140, statuses[1].Description!.Length);
        Assert.All(statuses, s => Assert.Equal(StandInFixture.Bot, s.Creator));
    }

    [Fact]
    public async Task A_status_on_a_commit_github_does_not_have_is_a_clear_error()
    {
        var repo = await fixture.NewRepositoryAsync();
        using var host = fixture.Host(repo);

        var error = await Assert.ThrowsAsync<GitHubApiException>(() =>
            host.SetStatusAsync("0123456789abcdef0123456789abcdef01234567", "analysis", GateState.Success, "ok", CancellationToken.None));

        Assert.Equal($"GitHub rejected the request to set commit status graystep/analysis on 0123456 in {repo.FullName} (422 No commit found for SHA: 0123456789abcdef0123456789abcdef01234567)", error.Message);
    }

    [Fact]
    public async Task The_analysis_table_is_posted_as_a_comment()
    {
        var repo = await fixture.NewRepositoryAsync();
        var sha = await fixture.PushStepAsync(repo, "graystep/step-1");
        using var host = fixture.Host(repo);
        var pr = await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/step-1", sha, "t", "b"), CancellationToken.None);
        const string table = "| metric | value | threshold |\n|---|---|---|\n| request-success-rate | 99.9 | >= 99 |";

        await host.CommentAsync(pr.Number, table, CancellationToken.None);

        var comment = Assert.Single(Server.PullRequest(repo, pr.Number).Comments);
        Assert.Equal((table, StandInFixture.Bot), (comment.Body, comment.User));
    }

    [Fact]
    public async Task The_flow_works_under_an_enterprise_servers_api_v3_path()
    {
        using var root = new TempDirectory("gh-standin-ghes");
        await using var server = await GitHubStandIn.GitHubStandIn.StartAsync(new GitHubStandInOptions { RootDirectory = root.Path, PathBase = "/api/v3" });
        server.AddToken(StandInFixture.Token, StandInFixture.Bot);
        var repo = await server.CreateRepositoryAsync("platform", "gitops");
        var sha = await server.CommitAsync(repo, "graystep/step-1", new Dictionary<string, string> { ["f"] = "1" }, "step");
        var host127 = new Uri(server.WebUrl).Authority;
        var environment = new FakeEnvironment().With("GITHUB_SERVER_URL", server.WebUrl).With("GITHUB_API_URL", server.ApiUrl);
        using var handler = new SocketsHttpHandler();
        using var host = TestHosts.Create(handler, environment, remoteUrl: $"http://{host127}/platform/gitops.git", token: StandInFixture.Token);

        Assert.True(TestHosts.Provider(environment).IsSupported($"http://{host127}/platform/gitops.git"));
        var pr = await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/step-1", sha, "t", "b"), CancellationToken.None);
        var outcome = await host.MergeAsync(pr.Number, sha, MergeMethod.Squash, "t", "m", CancellationToken.None);

        Assert.IsType<MergeOutcome.Merged>(outcome);
        Assert.All(server.Exchanges, e => Assert.StartsWith("/repos/platform/gitops/", e.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Find_returns_every_pull_request_of_one_head_into_one_base_newest_first()
    {
        var repo = await fixture.NewRepositoryAsync();
        using var host = fixture.Host(repo);
        var first = await fixture.PushStepAsync(repo, "graystep/ns/app/v2/step-1-abc1234");
        var closed = await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/ns/app/v2/step-1-abc1234", first, "t", "b"), CancellationToken.None);
        await Server.CloseAsync(repo, closed.Number);
        var other = await fixture.PushStepAsync(repo, "graystep/ns/app/v2/step-1-abc12345", weight: "30");
        await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/ns/app/v2/step-1-abc12345", other, "t", "b"), CancellationToken.None);
        var reopened = await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/ns/app/v2/step-1-abc1234", first, "t", "b"), CancellationToken.None);
        await Server.ApproveAsync(repo, reopened.Number, "alice");

        var found = await host.FindAsync("graystep/ns/app/v2/step-1-abc1234", "main", CancellationToken.None);

        Assert.Equal(
            [(reopened.Number, PullRequestLifecycle.Open, ReviewDecision.Approved), (closed.Number, PullRequestLifecycle.ClosedUnmerged, ReviewDecision.Pending)],
            found.Select(p => (p.Number, p.Lifecycle, p.Review)).ToArray());
        Assert.Empty(await host.FindAsync("graystep/ns/app/v2/step-1-abc1234", "release", CancellationToken.None));
        Assert.Contains(Server.Exchanges, e => e.Method == "GET" && e.Query.Contains("state=all", StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_open_returns_only_open_pull_requests_whose_head_starts_with_the_prefix()
    {
        var repo = await fixture.NewRepositoryAsync();
        using var host = fixture.Host(repo);
        async Task<PullRequestInfo> Open(string branch, string weight)
        {
            var sha = await fixture.PushStepAsync(repo, branch, weight);
            return await host.OpenOrReuseAsync(new PullRequestRequest("main", branch, sha, "t", "b"), CancellationToken.None);
        }

        var step = await Open("graystep/ns/app/v2/step-1-aaaaaaa", "10");
        var promote = await Open("graystep/ns/app/v2/promote-bbbbbbb", "100");
        var closed = await Open("graystep/ns/app/v2/step-2-ccccccc", "20");
        await Server.CloseAsync(repo, closed.Number);
        await Open("graystep/ns/app-other/v2/step-1-ddddddd", "10");
        await Open("feature/x", "1");

        var open = await host.ListOpenAsync("graystep/ns/app/", "main", CancellationToken.None);

        Assert.Equal([promote.Number, step.Number], open.Select(p => p.Number).ToArray());
        Assert.All(open, p => Assert.Equal(PullRequestLifecycle.Open, p.Lifecycle));
    }

    [Fact]
    public async Task The_stand_in_serves_git_over_smart_http_at_the_clone_url()
    {
        var repo = await fixture.NewRepositoryAsync();
        using var work = new TempDirectory("gh-standin-http");
        static async Task<string> Git(string dir, params string[] args)
        {
            var start = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }

            start.Environment["GIT_TERMINAL_PROMPT"] = "0";
            using var process = System.Diagnostics.Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)}: {error}");
            return output.Trim();
        }

        await Git(work.Path, "clone", "--quiet", Server.CloneUrl(repo), "clone");
        var clone = work.Combine("clone");
        await File.WriteAllTextAsync(Path.Combine(clone, "over-http.txt"), "pushed over smart HTTP\n");
        await Git(clone, "add", "over-http.txt");
        await Git(clone, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "over http");
        await Git(clone, "push", "--quiet", "origin", "HEAD:refs/heads/main");

        Assert.Equal("pushed over smart HTTP\n", await Server.ReadFileAsync(repo, "main", "over-http.txt"));
        Assert.Equal(await Git(clone, "rev-parse", "HEAD"), await Server.BranchShaAsync(repo, "main"));
        Assert.DoesNotContain(Server.Exchanges, e => e.Path.Contains(".git/", StringComparison.Ordinal));
    }
}
