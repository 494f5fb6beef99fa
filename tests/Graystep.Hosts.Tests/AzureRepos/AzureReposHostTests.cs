using System.Net;
using Graystep.Core.Hosts;
using Graystep.Core.Spec;
using Graystep.Hosts.AzureRepos;
using Graystep.Hosts.Tests.GitHub.Infrastructure;
using Graystep.TestKit;

namespace Graystep.Hosts.Tests.AzureRepos;

/// <summary>Detection from remote URLs, the two kinds of token, throttling and refusals, against the stand-in where it takes a server.</summary>
public sealed class AzureReposHostTests(AzureStandInFixture fixture) : IClassFixture<AzureStandInFixture>
{
    [Theory]
    [InlineData("https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/gitops", "https://dev.azure.com/fabrikam/", "Fabrikam Fiber", "gitops")]
    [InlineData("https://fabrikam@dev.azure.com/fabrikam/Fiber/_git/gitops", "https://dev.azure.com/fabrikam/", "Fiber", "gitops")]
    [InlineData("https://fabrikam.visualstudio.com/Fiber/_git/gitops", "https://fabrikam.visualstudio.com/", "Fiber", "gitops")]
    [InlineData("https://fabrikam.visualstudio.com/DefaultCollection/Fiber/_git/gitops", "https://fabrikam.visualstudio.com/DefaultCollection/", "Fiber", "gitops")]
    [InlineData("git@ssh.dev.azure.com:v3/fabrikam/Fiber/gitops", "https://dev.azure.com/fabrikam/", "Fiber", "gitops")]
    [InlineData("ssh://git@ssh.dev.azure.com/v3/fabrikam/Fiber/gitops", "https://dev.azure.com/fabrikam/", "Fiber", "gitops")]
    [InlineData("fabrikam@vs-ssh.visualstudio.com:v3/fabrikam/Fiber/gitops", "https://fabrikam.visualstudio.com/", "Fiber", "gitops")]
    [InlineData("https://dev.azure.com/fabrikam/_git/gitops", "https://dev.azure.com/fabrikam/", "gitops", "gitops")]
    public void Azure_devops_services_remotes_are_detected_and_read(string remote, string collection, string project, string name)
    {
        Assert.True(AzureReposHost.Supports(remote, collection: null));
        Assert.True(AzureReposRepository.TryParse(remote, null, out var repository));
        Assert.Equal((new Uri(collection), project, name), (repository.CollectionUrl, repository.Project, repository.Name));
    }

    [Theory]
    [InlineData("https://github.com/acme/gitops.git")]
    [InlineData("git@github.com:acme/gitops.git")]
    [InlineData("/srv/git/gitops.git")]
    [InlineData("https://tfs.example.com/tfs/DefaultCollection/Fiber/_git/gitops")]
    public void Other_remotes_are_not_azure_without_a_collection_url(string remote) =>
        Assert.False(AzureReposHost.Supports(remote, collection: null));

    [Fact]
    public void A_server_remote_is_detected_under_the_collection_url_and_auto_picks_azure()
    {
        const string remote = "https://tfs.example.com/tfs/DefaultCollection/Fiber/_git/gitops";
        var environment = new FakeEnvironment().With(AzureReposHost.CollectionVariable, "https://tfs.example.com/tfs/DefaultCollection/");

        var hosts = GitHosts.Create(new NoSecrets(), environment, () => new HttpClientHandler(), new RecordingTimeProvider());
        var viaOption = GitHosts.Create(new NoSecrets(), new FakeEnvironment(), () => new HttpClientHandler(), new RecordingTimeProvider(), new Uri("https://tfs.example.com/tfs/DefaultCollection"));

        Assert.Equal("azure", hosts.Resolve(null, remote).Id);
        Assert.Equal("azure", viaOption.Resolve(null, remote).Id);
        Assert.Equal("azure", hosts.Resolve(null, "https://dev.azure.com/fabrikam/Fiber/_git/gitops").Id);
        Assert.Equal("github", hosts.Resolve(null, "https://github.com/acme/gitops.git").Id);
        Assert.True(AzureReposRepository.TryParse(remote, new Uri("https://tfs.example.com/tfs/DefaultCollection"), out var repository));
        Assert.Equal((new Uri("https://tfs.example.com/tfs/DefaultCollection/"), "Fiber", "gitops"), (repository.CollectionUrl, repository.Project, repository.Name));
        Assert.Equal("azure", GitHosts.Create(new NoSecrets(), new FakeEnvironment(), () => new HttpClientHandler(), new RecordingTimeProvider()).Resolve("azure", "/srv/git/gitops.git").Id);
    }

    [Fact]
    public void A_pat_is_sent_as_basic_with_an_empty_user_and_the_job_token_as_bearer()
    {
        var pat = AzureReposPullRequests.Authorization("abc123pat", accessToken: "job");
        var job = AzureReposPullRequests.Authorization(null, accessToken: "job");
        var jwt = AzureReposPullRequests.Authorization("eyJhbGciOi.eyJzdWIi.c2ln", accessToken: null);

        Assert.Equal(("Basic", Convert.ToBase64String("\u003aabc123pat"u8.ToArray())), (pat.Scheme, pat.Parameter));
        Assert.Equal(("Bearer", "job"), (job.Scheme, job.Parameter));
        Assert.Equal("Bearer", jwt.Scheme);
    }

    [Fact]
    public async Task The_job_token_works_and_a_bad_token_fails_with_a_clear_error_that_never_shows_it()
    {
        var repository = await fixture.NewRepositoryAsync();
        using (var job = fixture.Host(repository, pat: null, jobToken: AzureStandInFixture.JobToken))
        {
            Assert.Empty(await job.FindAsync("graystep/x", "main", CancellationToken.None));
        }

        using var bad = fixture.Host(repository, pat: "not-a-valid-pat-0123456789");
        var error = await Assert.ThrowsAsync<AzureReposApiException>(() => bad.FindAsync("graystep/x", "main", CancellationToken.None));

        Assert.Equal(HttpStatusCode.NonAuthoritativeInformation, error.StatusCode);
        Assert.Contains("rejected the token", error.Message, StringComparison.Ordinal);
        Assert.Contains("SYSTEM_ACCESSTOKEN", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-valid-pat", error.Message + error.Hint, StringComparison.Ordinal);

        using var none = fixture.Host(repository, pat: null, jobToken: null);
        var missing = await Assert.ThrowsAsync<AzureReposApiException>(() => none.FindAsync("graystep/x", "main", CancellationToken.None));
        Assert.Contains("no Azure DevOps token", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttling_is_waited_out_through_the_clock_as_retry_after_asks()
    {
        var repository = await fixture.NewRepositoryAsync();
        var time = new RecordingTimeProvider();
        using var host = fixture.Host(repository, time: time);
        fixture.Server.InjectThrottling(TimeSpan.FromSeconds(30), pathContains: repository.Name + "/pullrequests", times: 2);

        var find = host.FindAsync("graystep/x", "main", CancellationToken.None);
        for (var i = 0; i < 2; i++)
        {
            await WaitForTimerAsync(time);
            time.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.Empty(await find.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)], time.Waits);
    }

    [Fact]
    public async Task Throttling_longer_than_the_cap_fails_with_when_to_run_again()
    {
        var repository = await fixture.NewRepositoryAsync();
        using var host = fixture.Host(repository, time: new RecordingTimeProvider());
        fixture.Server.InjectThrottling(TimeSpan.FromMinutes(30), pathContains: repository.Name + "/pullrequests");

        var error = await Assert.ThrowsAsync<AzureReposApiException>(() => host.FindAsync("graystep/x", "main", CancellationToken.None));

        Assert.Contains("throttled", error.Message, StringComparison.Ordinal);
        Assert.Contains("30m00s", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MergeMethod.Squash, "squash")]
    [InlineData(MergeMethod.Merge, "noFastForward")]
    [InlineData(MergeMethod.Rebase, "rebase")]
    [InlineData(MergeMethod.RebaseMerge, "rebaseMerge")]
    public async Task Completion_sends_the_merge_strategy_and_deletes_the_source_branch(MergeMethod method, string strategy)
    {
        var repository = await fixture.NewRepositoryAsync();
        using var host = fixture.Host(repository);
        var branch = "graystep/bookinfo/reviews/v2/promote-" + strategy;
        var sha = await fixture.Server.CommitAsync(repository, branch, new Dictionary<string, string> { ["w.yaml"] = "weight: 100\n" }, "promote");
        var pull = await host.OpenOrReuseAsync(new PullRequestRequest("main", branch, sha, "reviews: promote v2", "body"), CancellationToken.None);

        var merged = Assert.IsType<MergeOutcome.Merged>(await host.MergeAsync(pull.Number, sha, method, "reviews: promote v2", "Graystep-Action: promote", CancellationToken.None));

        Assert.Equal(strategy, fixture.Server.PullRequest(repository, pull.Number).MergeStrategy);
        Assert.Equal(merged.MergeCommitSha, await fixture.Server.BranchShaAsync(repository, "main"));
        Assert.Null(await fixture.Server.BranchShaAsync(repository, branch));
        // A rebase replays the step's own commit; squash and noFastForward write the message Graystep sent.
        Assert.Equal(method == MergeMethod.Rebase ? "promote" : "reviews: promote v2", (await fixture.Server.LogAsync(repository, "main"))[0]);
    }

    [Fact]
    public async Task A_required_reviewer_who_has_not_approved_holds_approval_and_completion()
    {
        var repository = await fixture.NewRepositoryAsync();
        using var host = fixture.Host(repository);
        var branch = "graystep/bookinfo/reviews/v2/promote-1234567";
        var sha = await fixture.Server.CommitAsync(repository, branch, new Dictionary<string, string> { ["w.yaml"] = "weight: 100\n" }, "promote");
        var pull = await host.OpenOrReuseAsync(new PullRequestRequest("main", branch, sha, "reviews: promote v2", "body"), CancellationToken.None);
        fixture.Server.RequireReviewer(repository, pull.Number, "release-managers");
        fixture.Server.Vote(repository, pull.Number, "alice", 10);

        Assert.Equal(ReviewDecision.Pending, (await host.GetAsync(pull.Number, CancellationToken.None)).Review);
        Assert.IsType<MergeOutcome.NotMergeable>(await host.MergeAsync(pull.Number, sha, MergeMethod.Squash, "t", "m", CancellationToken.None));

        fixture.Server.Vote(repository, pull.Number, "release-managers", 5);
        Assert.Equal(ReviewDecision.Approved, (await host.GetAsync(pull.Number, CancellationToken.None)).Review);
        Assert.IsType<MergeOutcome.Merged>(await host.MergeAsync(pull.Number, sha, MergeMethod.Squash, "t", "m", CancellationToken.None));
    }

    private static async Task WaitForTimerAsync(RecordingTimeProvider time)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (time.PendingTimers == 0)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private sealed class NoSecrets : Graystep.Core.Providers.ISecretSource
    {
        public string? Get(Graystep.Core.Providers.SecretSetting setting) => null;
    }
}
