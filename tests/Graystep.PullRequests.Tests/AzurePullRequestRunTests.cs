using System.Text;
using Graystep.PullRequests.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Graystep.PullRequests.Tests;

/// <summary>
/// <c>graystep run</c> with <c>git.pullRequests: true</c> on Azure Repos, end to end: the CLI against the Azure Repos
/// stand-in (real git over smart HTTP, the REST calls of git.json), detected from the remote under SYSTEM_COLLECTIONURI
/// and authenticated with SYSTEM_ACCESSTOKEN, as in an Azure Pipelines job on Azure DevOps Server.
/// </summary>
public sealed class AzurePullRequestRunTests(ITestOutputHelper output)
{
    private const string Initialize = "reviews: initialize v1 at 100%";

    // The first rollout's adoption of the user's own reviews Deployment ends with this commit.
    private const string Adopted = "reviews: retire reviews, adopted as v1";
    private const string Start = "reviews: start v2 at 0%";
    private const string Step = "reviews: shift 50% to v2 (step 1/1)";
    private const string Promote = "reviews: promote v2 to 100%";
    private const string Rollback = "reviews: roll back v2, all traffic to v1";
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_promotion_completes_once_the_required_reviewer_approves()
    {
        await using var scenario = await AzureScenario.StartAsync(new RolloutOptions { ApprovePromotion = true });
        var run = scenario.RunAsync();
        var promotion = await scenario.PullRequestAsync(p => p.Title == Promote, run);
        scenario.Server.RequireReviewer(scenario.Repository, promotion.Id, "Release Managers");
        await Eventually.TrueAsync(() => scenario.Statuses(promotion).Count > 0, RunLimit, run);

        // Someone else's approval is not enough while a required reviewer has not voted.
        scenario.Server.Vote(scenario.Repository, promotion.Id, "alice", 10);
        await LooksAgainAsync(scenario, promotion, run);
        Assert.False(run.IsCompleted);
        Assert.Equal("active", scenario.Server.PullRequest(scenario.Repository, promotion.Id).Status);

        scenario.Server.Vote(scenario.Repository, promotion.Id, "Release Managers", 5);
        var result = Log(await run.WaitAsync(RunLimit));

        Assert.True(result.ExitCode == 0, result.ToString());
        var pulls = scenario.PullRequests();
        Assert.Equal([Initialize, Adopted, Start, Step, Promote], pulls.Select(p => p.Title));
        Assert.All(pulls, p => Assert.True(p.Status == "completed" && p.MergeStrategy == "squash", $"{p.Id} {p.Title} {p.Status}"));
        foreach (var pull in pulls)
        {
            Assert.Null(await scenario.Server.BranchShaAsync(scenario.Repository, pull.Source["refs/heads/".Length..]));
        }

        Assert.Equal([("pending", "waiting for a reviewer's approval"), ("succeeded", "approved; merging")], scenario.Statuses(promotion));
        Assert.Equal([("succeeded", "no approval required; merging")], scenario.Statuses(pulls[3]));
        Assert.Contains("A reviewer must approve it (approvals.promotion)", pulls[4].Description, StringComparison.Ordinal);
        Assert.Equal([Promote, Step, Start, Adopted, Initialize, "Add the reviews rollout", "Initial commit"], await scenario.Server.LogAsync(scenario.Repository, "main"));
        Assert.Contains("phase: Succeeded", await scenario.StatusFileAsync(), StringComparison.Ordinal);
        Assert.Contains($"pullrequest/{promotion.Id}", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(AzureScenario.JobToken, result.All, StringComparison.Ordinal);
        Assert.All(scenario.Server.Exchanges, e => Assert.Contains("api-version=7.1", e.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rejection_vote_holds_the_step_until_that_reviewer_approves()
    {
        await using var scenario = await AzureScenario.StartAsync(new RolloutOptions { ApprovePromotion = true });
        var run = scenario.RunAsync();
        var promotion = await scenario.PullRequestAsync(p => p.Title == Promote, run);
        await Eventually.TrueAsync(() => scenario.Statuses(promotion).Count > 0, RunLimit, run);

        scenario.Server.Vote(scenario.Repository, promotion.Id, "alice", 10);
        scenario.Server.Vote(scenario.Repository, promotion.Id, "bob", -10);
        await Eventually.TrueAsync(() => scenario.Statuses(promotion).Count == 2, RunLimit, run);
        Assert.Equal(("failed", "changes requested: the step waits until a reviewer approves"), scenario.Statuses(promotion)[1]);
        await LooksAgainAsync(scenario, promotion, run);
        Assert.Equal("active", scenario.Server.PullRequest(scenario.Repository, promotion.Id).Status);

        scenario.Server.Vote(scenario.Repository, promotion.Id, "bob", 10);
        var result = Log(await run.WaitAsync(RunLimit));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("completed", scenario.Server.PullRequest(scenario.Repository, promotion.Id).Status);
    }

    [Fact]
    public async Task An_abandoned_pull_request_stops_the_rollout_with_exit_1_and_a_rerun_does_not_reopen_it()
    {
        await using var scenario = await AzureScenario.StartAsync(new RolloutOptions { ApproveSteps = true });
        var run = scenario.RunAsync();
        var step = await scenario.PullRequestAsync(p => p.Title == Step, run);
        await Eventually.TrueAsync(() => scenario.Statuses(step).Count > 0, RunLimit, run);

        scenario.Server.Abandon(scenario.Repository, step.Id);
        var result = Log(await run.WaitAsync(RunLimit));

        var expected =
            $"error: pull request #{step.Id} ({Step}) was closed without merging: the rollout is stopped; v2 stays at 0% (step 0/1)\n"
            + $"hint: reopen pull request #{step.Id} ({scenario.Server.CollectionUrl(AzureScenario.Organization)}Fiber/_git/gitops/pullrequest/{step.Id}) and run again to continue, "
            + "or run 'graystep rollback' to send all traffic back to v1\n";
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.EndsWith(expected, result.Error, StringComparison.Ordinal);
        Assert.Equal(Start, (await scenario.Server.LogAsync(scenario.Repository, "main"))[0]);

        var again = Log(await scenario.RunAsync());
        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.EndsWith(expected, again.Error, StringComparison.Ordinal);
        Assert.Equal(4, scenario.PullRequests().Count);
    }

    private CliRun Log(CliRun run)
    {
        output.WriteLine(run.ToString());
        return run;
    }

    /// <summary>Waits until the run has read the pull request twice more: it has seen what changed.</summary>
    internal static async Task LooksAgainAsync(AzureScenario scenario, AzureReposStandIn.AzureStandInPullRequest pull, Task run)
    {
        bool Reads(AzureReposStandIn.AzureStandInExchange e) => e.Method == "GET" && e.Path.EndsWith("/pullrequests", StringComparison.OrdinalIgnoreCase)
            && e.Query.Contains(Uri.EscapeDataString(pull.Source), StringComparison.OrdinalIgnoreCase);
        var before = scenario.Server.Exchanges.Count(Reads);
        await Eventually.TrueAsync(() => scenario.Server.Exchanges.Count(Reads) >= before + 2, RunLimit, run);
    }

}

/// <summary>
/// Azure Repos rollouts that recover: a branch policy that never lets the promotion complete meets the deadline, and a
/// killed run resumes on its pull request. A class of its own so that it runs beside <see cref="AzurePullRequestRunTests"/>.
/// </summary>
public sealed class AzurePullRequestRecoveryTests(ITestOutputHelper output)
{
    private const string Initialize = "reviews: initialize v1 at 100%";

    // The first rollout's adoption of the user's own reviews Deployment ends with this commit.
    private const string Adopted = "reviews: retire reviews, adopted as v1";
    private const string Start = "reviews: start v2 at 0%";
    private const string Step = "reviews: shift 50% to v2 (step 1/1)";
    private const string Promote = "reviews: promote v2 to 100%";
    private const string Rollback = "reviews: roll back v2, all traffic to v1";
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_branch_policy_that_blocks_completion_is_waited_on_then_the_deadline_rolls_back()
    {
        await using var scenario = await AzureScenario.StartAsync(new RolloutOptions { ProgressDeadlineSeconds = 4 });
        scenario.Repository.BlockingPolicy = ("/promote-", "The policy 'Build' is required and has not passed yet.");

        var result = Log(await scenario.RunAsync().WaitAsync(RunLimit));

        Assert.True(result.ExitCode == 4, result.ToString());
        var pulls = scenario.PullRequests();
        Assert.Equal([Initialize, Adopted, Start, Step, Promote, Rollback], pulls.Select(p => p.Title));
        Assert.Equal("abandoned", pulls[4].Status);
        Assert.Equal("completed", pulls[5].Status);
        Assert.Contains($"pull request #{pulls[4].Id} cannot be merged yet: The policy 'Build' is required and has not passed yet.", result.Out, StringComparison.Ordinal);
        Assert.Contains("progress deadline exceeded after 4s", await scenario.StatusFileAsync(), StringComparison.Ordinal);
        Assert.Contains(pulls[4].Comments, c => c.StartsWith($"Graystep closed this pull request: bookinfo/reviews moved on with #{pulls[5].Id} ({Rollback})", StringComparison.Ordinal));
        var completions = scenario.Server.Exchanges.Count(e => e.Method == "PATCH" && e.Path.EndsWith($"/pullrequests/{pulls[4].Id}", StringComparison.Ordinal) && e.Status == 400);
        Assert.True(completions >= 2, $"completion was tried {completions} time(s); each wait must read and try again");
    }

    [Fact]
    public async Task A_run_killed_while_waiting_resumes_on_the_same_pull_request()
    {
        await using var scenario = await AzureScenario.StartAsync(new RolloutOptions { ApprovePromotion = true });
        var log = new StringBuilder();
        AzureStandInPullRequestSnapshot promotion;
        using (var first = scenario.StartProcess(scenario.RunArguments(), log))
        {
            var exited = first.WaitForExitAsync();
            var pull = await scenario.PullRequestAsync(p => p.Title == Promote, exited);
            await Eventually.TrueAsync(() => scenario.Statuses(pull).Count > 0, RunLimit, exited);
            first.Kill(entireProcessTree: true);
            await exited.WaitAsync(RunLimit);
            promotion = new(pull.Id, pull.Source["refs/heads/".Length..]);
        }

        var head = await scenario.Server.BranchShaAsync(scenario.Repository, promotion.Branch);
        var once = Log(await scenario.RunAsync("--once"));
        Assert.True(once.ExitCode == 5, once.ToString() + "\n--- killed run\n" + log);
        Assert.Contains($"pull request #{promotion.Id} waits for approval", once.All, StringComparison.Ordinal);

        var run = scenario.RunAsync();
        await LooksAgainAsync(scenario, scenario.Server.PullRequest(scenario.Repository, promotion.Id), run);
        Assert.Single(scenario.PullRequests(), p => p.Title == Promote);
        Assert.Equal(head, await scenario.Server.BranchShaAsync(scenario.Repository, promotion.Branch));

        scenario.Server.Vote(scenario.Repository, promotion.Id, "alice", 10);
        var result = Log(await run.WaitAsync(RunLimit));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([Initialize, Adopted, Start, Step, Promote], scenario.PullRequests().Select(p => p.Title));
        Assert.Equal(head, scenario.Server.PullRequest(scenario.Repository, promotion.Id).SourceSha);
        Assert.Contains("phase: Succeeded", await scenario.StatusFileAsync(), StringComparison.Ordinal);
    }

    private CliRun Log(CliRun run)
    {
        output.WriteLine(run.ToString());
        return run;
    }

    private static Task LooksAgainAsync(AzureScenario scenario, AzureReposStandIn.AzureStandInPullRequest pull, Task run) =>
        AzurePullRequestRunTests.LooksAgainAsync(scenario, pull, run);

    private sealed record AzureStandInPullRequestSnapshot(int Id, string Branch);
}
