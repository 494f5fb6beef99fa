using Graystep.Hosts.GitHub;
using Graystep.Core.Hosts;
using Graystep.Hosts.Tests.GitHub.Infrastructure;

namespace Graystep.Hosts.Tests.GitHub.Contract;

/// <summary>The approval rule, fed with the description's review examples in each state.</summary>
public sealed class ReviewDecisionTests
{
    [Theory]
    [InlineData("APPROVED", ReviewDecision.Approved)]
    [InlineData("CHANGES_REQUESTED", ReviewDecision.ChangesRequested)]
    [InlineData("DISMISSED", ReviewDecision.Pending)]
    [InlineData("COMMENTED", ReviewDecision.Pending)]
    public async Task A_single_review_in_each_state(string state, ReviewDecision expected) =>
        Assert.Equal(expected, await DecideAsync((state, "alice")));

    [Fact]
    public async Task Changes_requested_by_one_reviewer_block_another_reviewers_approval() =>
        Assert.Equal(ReviewDecision.ChangesRequested, await DecideAsync(("APPROVED", "alice"), ("CHANGES_REQUESTED", "bob")));

    [Fact]
    public async Task Only_each_reviewers_latest_decision_counts() =>
        Assert.Equal(ReviewDecision.Approved, await DecideAsync(("CHANGES_REQUESTED", "bob"), ("APPROVED", "alice"), ("APPROVED", "bob")));

    [Fact]
    public async Task A_later_change_request_withdraws_the_same_reviewers_approval() =>
        Assert.Equal(ReviewDecision.ChangesRequested, await DecideAsync(("APPROVED", "bob"), ("CHANGES_REQUESTED", "bob")));

    [Fact]
    public async Task A_comment_after_an_approval_leaves_the_approval_standing() =>
        Assert.Equal(ReviewDecision.Approved, await DecideAsync(("APPROVED", "alice"), ("COMMENTED", "alice")));

    [Fact]
    public async Task A_comment_after_a_change_request_leaves_the_block_standing() =>
        Assert.Equal(ReviewDecision.ChangesRequested, await DecideAsync(("CHANGES_REQUESTED", "bob"), ("COMMENTED", "bob"), ("APPROVED", "alice")));

    [Fact]
    public async Task A_dismissed_change_request_no_longer_blocks() =>
        Assert.Equal(ReviewDecision.Approved, await DecideAsync(("APPROVED", "alice"), ("DISMISSED", "bob")));

    [Fact]
    public async Task Reviewer_names_compare_case_insensitively_like_github_logins() =>
        Assert.Equal(ReviewDecision.Approved, await DecideAsync(("CHANGES_REQUESTED", "Bob"), ("APPROVED", "bob")));

    private static async Task<ReviewDecision> DecideAsync(params (string State, string Login)[] reviews)
    {
        var handler = new RecordingHandler().Answer(200, Examples.PullRequest).Answer(200, Examples.Reviews(reviews));
        using var host = TestHosts.Create(handler);
        var info = await host.GetAsync(1347, CancellationToken.None);
        RequestContractTests.AssertFitsDescription(handler.Requests);
        return info.Review;
    }
}
