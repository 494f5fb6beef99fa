using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Graystep.Core.Hosts;
using Graystep.Core.Spec;
using Graystep.Hosts.AzureRepos;
using Graystep.Hosts.AzureRepos.Api;

namespace Graystep.Hosts.Tests.AzureRepos;

/// <summary>
/// Graystep's Azure Repos client against Azure DevOps' own REST description: every request a full pull-request flow
/// sends (recorded by the stand-in) names an operation of git.json with api-version 7.1 and a body that fits its
/// schema, and every documented example answer to those calls parses with the client's types.
/// </summary>
public sealed class AzureRestContractTests(AzureStandInFixture fixture) : IClassFixture<AzureStandInFixture>
{
    [Fact]
    public async Task Every_request_of_a_full_flow_matches_an_operation_of_git_json()
    {
        var repository = await fixture.NewRepositoryAsync();
        using var host = fixture.Host(repository);
        var before = fixture.Server.Exchanges.Count;

        var branch = "graystep/bookinfo/reviews/v2/step-1-aaaaaaa";
        var sha = await fixture.Server.CommitAsync(repository, branch, new Dictionary<string, string> { ["w.yaml"] = "weight: 10\n" }, "step 1");
        var pull = await host.OpenOrReuseAsync(new PullRequestRequest("main", branch, sha, "reviews: shift 10% to v2", "| metric | value |"), CancellationToken.None);
        await host.FindAsync(branch, "main", CancellationToken.None);
        await host.ListOpenAsync("graystep/bookinfo/reviews/", "main", CancellationToken.None);
        await host.SetStatusAsync(sha, "reviews", GateState.Pending, "waiting for a reviewer", CancellationToken.None);
        await host.SetStatusAsync(new string('a', 40), "reviews", GateState.Success, "a commit with no pull request", CancellationToken.None);
        Assert.IsType<MergeOutcome.Merged>(await host.MergeAsync(pull.Number, sha, MergeMethod.Squash, "t", "m", CancellationToken.None));
        await host.DeleteBranchAsync(branch, CancellationToken.None);

        var stale = "graystep/bookinfo/reviews/v2/step-2-bbbbbbb";
        var staleSha = await fixture.Server.CommitAsync(repository, stale, new Dictionary<string, string> { ["w.yaml"] = "weight: 20\n" }, "step 2");
        var second = await host.OpenOrReuseAsync(new PullRequestRequest("main", stale, staleSha, "t", "b"), CancellationToken.None);
        await host.CommentAsync(second.Number, "Graystep closed this pull request", CancellationToken.None);
        await host.DeleteBranchAsync(stale, CancellationToken.None);
        await host.GetAsync(second.Number, CancellationToken.None);

        var sent = fixture.Server.Exchanges.Skip(before).ToList();
        var problems = sent.SelectMany(e => AzureRestDescription.Git.ValidateRequest(e.Method, e.Path, e.Query, e.RequestBody).Select(p => $"{e.Method} {e.Path}{e.Query}: {p}")).ToList();

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        var operations = sent.Select(e => e.Method + " " + AzureRestDescription.Git.Find(e.Method, e.Path)!.Value.Operation.GetProperty("operationId").GetString()).ToHashSet();
        Assert.Superset(
            new HashSet<string>
            {
                "GET Pull Requests_Get Pull Requests", "POST Pull Requests_Create", "GET Pull Requests_Get Pull Request", "PATCH Pull Requests_Update",
                "POST Pull Request Statuses_Create", "POST Statuses_Create", "POST Pull Request Threads_Create", "GET Refs_List", "POST Refs_Update Refs",
            },
            operations);
    }

    [Fact]
    public void A_body_the_description_does_not_declare_is_caught()
    {
        var problems = AzureRestDescription.Git.ValidateRequest(
            "PATCH",
            "/org/p/_apis/git/repositories/r/pullrequests/1",
            "?api-version=7.0",
            """{"status":"completed","completionOptions":{"mergeStrategy":"fastForward","deleteBranch":true}}""");

        Assert.Contains(problems, p => p.Contains("api-version is not 7.1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("mergeStrategy", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("deleteBranch is not declared", StringComparison.Ordinal));
    }

    public static TheoryData<string> PullRequestExamples => new()
    {
        "pullRequests/GET__git_repositories__repositoryId__pullRequests__pullRequestId_.json",
        "pullRequests/PATCH__git_repositories__repositoryId__pullRequests__pullRequestId_.json",
        "pullRequests/PATCH__git_repositories__repositoryId__pullRequests__pullRequestId_2.json",
        "pullRequests/PATCH__git_repositories__repositoryId__pullRequests__autoCompletePullRequestId_.json",
        "pullRequests/POST__git_repositories__repositoryId__pullRequests.json",
    };

    [Theory]
    [MemberData(nameof(PullRequestExamples))]
    public void A_documented_pull_request_answer_parses(string example)
    {
        var pull = Parse(example, AzureJson.Default.AzurePullRequest);

        Assert.True(pull.PullRequestId > 0);
        Assert.StartsWith("refs/heads/", pull.SourceRefName, StringComparison.Ordinal);
        Assert.NotNull(pull.Status);
    }

    [Theory]
    [InlineData("pullRequests/GET__git_repositories__repositoryId__pullRequests.json")]
    [InlineData("pullRequests/GET__git_repositories__repositoryId__pullRequests_status-completed.json")]
    [InlineData("pullRequests/GET__git_repositories__repositoryId__pullRequests_targetRefName-refs_heads_master.json")]
    public void A_documented_pull_request_list_parses(string example)
    {
        var list = Parse(example, AzureJson.Default.AzureListAzurePullRequest);

        Assert.NotEmpty(list.Value);
        Assert.All(list.Value, p => Assert.True(p.PullRequestId > 0));
    }

    [Fact]
    public void Documented_reviewers_refs_and_ref_updates_parse()
    {
        var reviewers = Parse("pullRequestReviewers/GET__git_repositories__repositoryId__pullRequests__pullRequestId__reviewers.json", AzureJson.Default.AzureListAzureReviewer);
        var refs = Parse("refs/GET__git_repositories__repositoryId__refs_heads.json", AzureJson.Default.AzureListAzureRef);
        var updates = Parse("refs/POST__git_repositories__repositoryId__refs.json", AzureJson.Default.AzureListAzureRefUpdateResult);

        Assert.NotEmpty(reviewers.Value);
        Assert.All(refs.Value, r => Assert.StartsWith("refs/heads/", r.Name, StringComparison.Ordinal));
        Assert.All(updates.Value, u => Assert.True(u.Success));
    }

    [Fact]
    public void The_documented_reviewer_votes_decide_as_azure_repos_shows_them()
    {
        var reviewers = Parse("pullRequestReviewers/GET__git_repositories__repositoryId__pullRequests__pullRequestId__reviewers.json", AzureJson.Default.AzureListAzureReviewer).Value;
        var expected = reviewers.Any(r => r.Vote <= -5) ? ReviewDecision.ChangesRequested
            : reviewers.Any(r => r.Vote >= 5) && reviewers.Where(r => r.IsRequired == true).All(r => r.Vote >= 5) ? ReviewDecision.Approved
            : ReviewDecision.Pending;

        Assert.Equal(expected, ReviewerVotes.Decide(reviewers));
        Assert.Equal(ReviewDecision.Approved, ReviewerVotes.Decide([Reviewer(10), Reviewer(5), Reviewer(0)]));
        Assert.Equal(ReviewDecision.ChangesRequested, ReviewerVotes.Decide([Reviewer(10), Reviewer(-5)]));
        Assert.Equal(ReviewDecision.ChangesRequested, ReviewerVotes.Decide([Reviewer(10), Reviewer(-10)]));
        Assert.Equal(ReviewDecision.Pending, ReviewerVotes.Decide([Reviewer(10), Reviewer(0, required: true)]));
        Assert.Equal(ReviewDecision.Approved, ReviewerVotes.Decide([Reviewer(5, required: true)]));
        Assert.Equal(ReviewDecision.Pending, ReviewerVotes.Decide([Reviewer(0)]));
    }

    private static AzureReviewer Reviewer(int vote, bool required = false) => new(null, null, null, vote, required, null, null);

    private static T Parse<T>(string example, JsonTypeInfo<T> type)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AzureRestDescription.SpecRoot, "httpExamples", example)));
        var body = document.RootElement.GetProperty("responses").EnumerateObject().First(r => r.Name.StartsWith('2')).Value.GetProperty("body").GetRawText();
        return JsonSerializer.Deserialize(body, type)!;
    }
}
