using Graystep.Core.Hosts;
using Graystep.Core.Spec;

namespace Graystep.Hosts.Tests.Contract;

/// <summary>
/// A fresh repository on a host (or its stand-in), its pull-request operations, and what people do there that the
/// operations do not: push, review, close, refuse a merge. Each host's contract class provides one per test.
/// </summary>
public interface IHostBench : IAsyncDisposable
{
    IPullRequestHost Host { get; }

    string BaseBranch { get; }

    /// <summary>Commits a change to <paramref name="branch"/> (created from the base when new); returns the commit's SHA.</summary>
    Task<string> PushAsync(string branch, string content);

    Task ApproveAsync(int number, string reviewer);

    Task RequestChangesAsync(int number, string reviewer);

    /// <summary>Closes the pull request without merging it, as a person would.</summary>
    Task CloseAsync(int number);

    /// <summary>The host answers the next merge with "not mergeable" (checks, conflicts, branch protection).</summary>
    void RefuseNextMerge(string message);

    IReadOnlyList<(string Context, string State, string? Description)> Statuses(string sha);

    IReadOnlyList<string> Comments(int number);
}

/// <summary>
/// What every git host with pull requests must do for the pull-request flow (DESIGN.md §7), whatever its API: a
/// new host's test class derives from this and provides <see cref="IHostBench"/>. Opening is idempotent and a
/// re-run finds what it opened; approvals come from reviews; a merge is guarded by the head SHA (a moved head is a
/// lost race, a refused merge is a wait, a re-run of a merge that landed is a success); stale pull requests are
/// found by their branch prefix, told why, and closed by deleting their branch; gate statuses land on the head.
/// </summary>
public abstract class PullRequestHostContract
{
    private const string Prefix = "graystep/bookinfo/reviews/";

    protected abstract Task<IHostBench> CreateAsync();

    [Fact]
    public async Task Opening_is_idempotent_and_a_rerun_finds_the_pull_request_it_opened()
    {
        await using var bench = await CreateAsync();
        var branch = Prefix + "v2/step-1-aaaaaaa";
        var sha = await bench.PushAsync(branch, "weight: 10\n");
        var request = new PullRequestRequest(bench.BaseBranch, branch, sha, "reviews: shift 10% to v2 (step 1/3)", "Analysis: passed");

        var first = await bench.Host.OpenOrReuseAsync(request, CancellationToken.None);
        var second = await bench.Host.OpenOrReuseAsync(request, CancellationToken.None);

        Assert.Equal(first.Number, second.Number);
        Assert.Equal((branch, sha, PullRequestLifecycle.Open, ReviewDecision.Pending), (first.HeadBranch, first.HeadSha, first.Lifecycle, first.Review));
        var found = Assert.Single(await bench.Host.FindAsync(branch, bench.BaseBranch, CancellationToken.None));
        Assert.Equal(first.Number, found.Number);
        Assert.Empty(await bench.Host.FindAsync(Prefix + "v2/other-bbbbbbb", bench.BaseBranch, CancellationToken.None));
        Assert.Equal(first.Number, (await bench.Host.GetAsync(first.Number, CancellationToken.None)).Number);
    }

    [Fact]
    public async Task Approval_comes_from_each_reviewers_latest_review()
    {
        await using var bench = await CreateAsync();
        var pull = await OpenAsync(bench, "v2/promote-ccccccc");

        await bench.RequestChangesAsync(pull.Number, "alice");
        Assert.Equal(ReviewDecision.ChangesRequested, (await bench.Host.GetAsync(pull.Number, CancellationToken.None)).Review);

        await bench.ApproveAsync(pull.Number, "alice");
        Assert.Equal(ReviewDecision.Approved, (await bench.Host.GetAsync(pull.Number, CancellationToken.None)).Review);

        await bench.RequestChangesAsync(pull.Number, "bob");
        Assert.Equal(ReviewDecision.ChangesRequested, (await bench.Host.GetAsync(pull.Number, CancellationToken.None)).Review);
    }

    [Fact]
    public async Task A_merge_is_guarded_by_the_head_it_was_decided_on()
    {
        await using var bench = await CreateAsync();
        var pull = await OpenAsync(bench, "v2/step-2-ddddddd");
        var moved = await bench.PushAsync(pull.HeadBranch, "weight: 99 # pushed by someone else\n");

        var stale = await bench.Host.MergeAsync(pull.Number, pull.HeadSha, MergeMethod.Squash, "reviews: shift 20% to v2", "body", CancellationToken.None);
        Assert.IsType<MergeOutcome.HeadMoved>(stale);
        Assert.Equal(PullRequestLifecycle.Open, (await bench.Host.GetAsync(pull.Number, CancellationToken.None)).Lifecycle);

        var merged = Assert.IsType<MergeOutcome.Merged>(await bench.Host.MergeAsync(pull.Number, moved, MergeMethod.Squash, "reviews: shift 20% to v2", "body", CancellationToken.None));
        var after = await bench.Host.GetAsync(pull.Number, CancellationToken.None);
        Assert.Equal((PullRequestLifecycle.Merged, merged.MergeCommitSha), (after.Lifecycle, after.MergeCommitSha));

        // A killed job's re-run merges the same head again: the host says it is already done, and that is a success.
        Assert.Equal(merged, await bench.Host.MergeAsync(pull.Number, moved, MergeMethod.Squash, "reviews: shift 20% to v2", "body", CancellationToken.None));
    }

    [Fact]
    public async Task A_merge_the_host_refuses_is_a_wait_not_a_failure()
    {
        await using var bench = await CreateAsync();
        var pull = await OpenAsync(bench, "v2/step-3-eeeeeee");
        bench.RefuseNextMerge("Required status check \"ci\" is expected.");

        var refused = await bench.Host.MergeAsync(pull.Number, pull.HeadSha, MergeMethod.Merge, "t", "m", CancellationToken.None);

        Assert.Contains("Required status check", Assert.IsType<MergeOutcome.NotMergeable>(refused).Message, StringComparison.Ordinal);
        Assert.Equal(PullRequestLifecycle.Open, (await bench.Host.GetAsync(pull.Number, CancellationToken.None)).Lifecycle);
    }

    [Fact]
    public async Task Stale_pull_requests_are_found_by_prefix_told_why_and_closed_by_deleting_their_branch()
    {
        await using var bench = await CreateAsync();
        var stale = await OpenAsync(bench, "v2/step-1-fffffff");
        var other = await OpenAsync(bench, "v3/start-fffffff");
        var foreign = await OpenAsync(bench, "fix-typo", prefix: "feature/");

        var open = await bench.Host.ListOpenAsync(Prefix, bench.BaseBranch, CancellationToken.None);
        Assert.Equal([other.Number, stale.Number], open.Select(p => p.Number).OrderDescending());

        await bench.Host.CommentAsync(stale.Number, "Graystep closed this pull request: bookinfo/reviews moved on", CancellationToken.None);
        await bench.Host.DeleteBranchAsync(stale.HeadBranch, CancellationToken.None);
        await bench.Host.DeleteBranchAsync(stale.HeadBranch, CancellationToken.None);

        Assert.Contains("Graystep closed this pull request: bookinfo/reviews moved on", bench.Comments(stale.Number));
        Assert.Equal(PullRequestLifecycle.ClosedUnmerged, Assert.Single(await bench.Host.FindAsync(stale.HeadBranch, bench.BaseBranch, CancellationToken.None)).Lifecycle);
        Assert.Equal([other.Number], (await bench.Host.ListOpenAsync(Prefix, bench.BaseBranch, CancellationToken.None)).Select(p => p.Number));
        Assert.Equal(PullRequestLifecycle.Open, (await bench.Host.GetAsync(foreign.Number, CancellationToken.None)).Lifecycle);
    }

    [Fact]
    public async Task A_pull_request_a_person_closed_is_seen_as_closed_unmerged()
    {
        await using var bench = await CreateAsync();
        var pull = await OpenAsync(bench, "v2/promote-0000000");

        await bench.CloseAsync(pull.Number);

        var found = Assert.Single(await bench.Host.FindAsync(pull.HeadBranch, bench.BaseBranch, CancellationToken.None));
        Assert.Equal((PullRequestLifecycle.ClosedUnmerged, (string?)null), (found.Lifecycle, found.MergeCommitSha));
    }

    [Fact]
    public async Task Gate_statuses_land_on_the_head_commit()
    {
        await using var bench = await CreateAsync();
        var pull = await OpenAsync(bench, "v2/promote-1111111");

        await bench.Host.SetStatusAsync(pull.HeadSha, "reviews", GateState.Pending, "waiting for a reviewer (approvals.promotion)", CancellationToken.None);
        await bench.Host.SetStatusAsync(pull.HeadSha, "reviews", GateState.Success, "approved; merging", CancellationToken.None);

        var statuses = bench.Statuses(pull.HeadSha);
        Assert.Equal(2, statuses.Count);
        Assert.All(statuses, s => Assert.EndsWith("reviews", s.Context, StringComparison.Ordinal));
        Assert.Equal(("success", "approved; merging"), (statuses[^1].State, statuses[^1].Description));
    }

    private static async Task<PullRequestInfo> OpenAsync(IHostBench bench, string name, string prefix = Prefix)
    {
        var branch = prefix + name;
        var sha = await bench.PushAsync(branch, $"change: {name}\n");
        return await bench.Host.OpenOrReuseAsync(new PullRequestRequest(bench.BaseBranch, branch, sha, "reviews: " + name, "body"), CancellationToken.None);
    }
}
