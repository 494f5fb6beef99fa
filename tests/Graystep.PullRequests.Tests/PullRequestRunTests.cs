using System.Text;
using Graystep.GitHubStandIn;
using Xunit.Abstractions;
using Graystep.PullRequests.Tests.Infrastructure;

namespace Graystep.PullRequests.Tests;

/// <summary>
/// <c>graystep run</c> with <c>git.pullRequests: true</c>, end to end: the CLI against the GitHub stand-in, which
/// serves a real bare repository over smart HTTP (the git remote) and the REST API (GITHUB_API_URL).
/// </summary>
public sealed class PullRequestRunTests(ITestOutputHelper output)
{
    private const string Initialize = "reviews: initialize v1 at 100%";

    // The first rollout's adoption of the user's own reviews Deployment ends with this commit.
    private const string Adopted = "reviews: retire reviews, adopted as v1";
    private const string Start = "reviews: start v2 at 0%";
    private const string Promote = "reviews: promote v2 to 100%";
    private const string Rollback = "reviews: roll back v2, all traffic to v1";
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_healthy_rollout_lands_every_step_as_a_merged_pull_request_and_promotes_once_approved()
    {
        await using var scenario = await GitOpsScenario.StartAsync(new RolloutOptions { ApprovePromotion = true, StepWeights = "[20, 50]" });

        var run = scenario.RunAsync();
        var promotion = await scenario.PullRequestAsync(p => p.Title == Promote, run);
        await Eventually.TrueAsync(() => scenario.Statuses(promotion).Count > 0, RunLimit, run);

        // The promotion waits for a person: open, unmerged, and its head says so.
        Assert.False(run.IsCompleted);
        Assert.True(scenario.Server.PullRequest(scenario.Repository, promotion.Number).Open);
        Assert.Equal([("pending", "waiting for a reviewer's approval")], scenario.Statuses(promotion));

        await scenario.Server.ApproveAsync(scenario.Repository, promotion.Number, "alice");
        var result = Log(await run.WaitAsync(RunLimit));

        Assert.True(result.ExitCode == 0, result.ToString());
        var pulls = scenario.PullRequests();
        Assert.Equal([Initialize, Adopted, Start, "reviews: shift 20% to v2 (step 1/2)", "reviews: shift 50% to v2 (step 2/2)", Promote], pulls.Select(p => p.Title));
        Assert.All(pulls, p => Assert.True(p.Merged && p.MergeMethod == "squash" && p.MergedBy == GitOpsScenario.Bot, $"#{p.Number} {p.Title}"));
        Assert.Matches("^graystep/bookinfo/reviews/v1/initialize-[0-9a-f]{7}$", pulls[0].Head);
        Assert.Matches("^graystep/bookinfo/reviews/v1/retire-[0-9a-f]{7}$", pulls[1].Head);
        Assert.Matches("^graystep/bookinfo/reviews/v2/start-[0-9a-f]{7}$", pulls[2].Head);
        Assert.Matches("^graystep/bookinfo/reviews/v2/step-1-[0-9a-f]{7}$", pulls[3].Head);
        Assert.Matches("^graystep/bookinfo/reviews/v2/step-2-[0-9a-f]{7}$", pulls[4].Head);
        Assert.Matches("^graystep/bookinfo/reviews/v2/promote-[0-9a-f]{7}$", pulls[5].Head);
        foreach (var pull in pulls)
        {
            Assert.Null(await scenario.Server.BranchShaAsync(scenario.Repository, pull.Head));
        }

        // Each head carries the gate as a commit status; only the promotion waited.
        foreach (var pull in pulls.Take(5))
        {
            Assert.Equal([("success", "no approval required; merging")], scenario.Statuses(pull));
        }

        Assert.Equal([("pending", "waiting for a reviewer's approval"), ("success", "approved; merging")], scenario.Statuses(promotion));

        // The body holds the analysis that allowed the step and links the step before it.
        var step2 = pulls[4];
        Assert.Contains("No metrics configured: advanced after the analysis interval (1s)", step2.Body, StringComparison.Ordinal);
        Assert.Contains($"Previous step: #{pulls[3].Number} ", step2.Body, StringComparison.Ordinal);
        Assert.Contains("A reviewer must approve it (approvals.promotion)", pulls[5].Body, StringComparison.Ordinal);

        // ... and the rollout so far as a Mermaid weight chart GitHub renders, this step included.
        Assert.Contains("```mermaid\nxychart-beta\n    title \"bookinfo/reviews: canary weight (%)\"\n", step2.Body, StringComparison.Ordinal);
        Assert.Contains("    line [0, 20, 50]\n```\n", step2.Body, StringComparison.Ordinal);
        Assert.Contains("    line [0, 20, 50, 100]\n```\n", pulls[5].Body, StringComparison.Ordinal);

        // main has exactly one commit per transition, the squash merges, with the trailers history reads.
        var log = await scenario.Server.LogAsync(scenario.Repository, "main");
        Assert.Equal([Promote, "reviews: shift 50% to v2 (step 2/2)", "reviews: shift 20% to v2 (step 1/2)", Start, Adopted, Initialize, "Add the reviews rollout", "Initial commit"], log);
        Assert.Contains("phase: Succeeded", await scenario.StatusFileAsync(), StringComparison.Ordinal);
        var history = await scenario.GraystepAsync(["history", GitOpsScenario.SpecPath, "--repo", scenario.RemoteUrl, "-o", "json"]);
        Assert.True(history.ExitCode == 0, history.ToString());
        foreach (var action in new[] { "\"initialize\"", "\"start\"", "\"step\"", "\"promote\"" })
        {
            Assert.Contains(action, history.Out, StringComparison.Ordinal);
        }

        Assert.Contains($"merged pull request #{promotion.Number}", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(GitOpsScenario.Token, result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rollback_goes_through_its_own_pull_request_without_waiting_and_closes_the_step_that_waited()
    {
        await using var button = await StopButton.StartAsync();
        await using var scenario = await GitOpsScenario.StartAsync(new RolloutOptions { ApproveSteps = true, ApprovePromotion = true, RollbackHookUrl = button.Url });

        var run = scenario.RunAsync();
        var step = await scenario.PullRequestAsync(p => p.Title == "reviews: shift 50% to v2 (step 1/1)", run);
        await Eventually.TrueAsync(() => scenario.Statuses(step).Count > 0, RunLimit, run);
        Assert.Equal([("pending", "waiting for a reviewer's approval")], scenario.Statuses(step));

        // While the step waits for its reviewer, the checks go on; the stop button rolls the canary back.
        button.Press();
        var result = Log(await run.WaitAsync(RunLimit));

        Assert.True(result.ExitCode == 4, result.ToString());
        var pulls = scenario.PullRequests();
        Assert.Equal([Initialize, Adopted, Start, "reviews: shift 50% to v2 (step 1/1)", Rollback], pulls.Select(p => p.Title));
        var (closedStep, rollback) = (pulls[3], pulls[4]);
        Assert.False(closedStep.Open || closedStep.Merged);
        Assert.Contains(closedStep.Comments, c => c.Body.StartsWith("Graystep closed this pull request: bookinfo/reviews moved on", StringComparison.Ordinal));
        Assert.Null(await scenario.Server.BranchShaAsync(scenario.Repository, closedStep.Head));

        Assert.True(rollback.Merged);
        Assert.Empty(rollback.Reviews);
        Assert.Matches("^graystep/bookinfo/reviews/v2/rollback-[0-9a-f]{7}$", rollback.Head);
        Assert.Contains("A rollback never waits for approval", rollback.Body, StringComparison.Ordinal);
        Assert.Equal([("success", "rollback: merging without waiting for approval")], scenario.Statuses(rollback));
        Assert.Null(await scenario.Server.BranchShaAsync(scenario.Repository, rollback.Head));

        var status = await scenario.StatusFileAsync();
        Assert.Contains("phase: Failed", status, StringComparison.Ordinal);
        Assert.Contains("rollback webhook stop-button asked for a rollback", status, StringComparison.Ordinal);
        Assert.Equal(Rollback, (await scenario.Server.LogAsync(scenario.Repository, "main"))[0]);
    }

    [Fact]
    public async Task A_run_killed_while_waiting_for_approval_resumes_on_the_same_pull_request()
    {
        await using var scenario = await GitOpsScenario.StartAsync(new RolloutOptions { ApprovePromotion = true });
        var log = new StringBuilder();
        StandInPullRequest promotion;
        using (var first = scenario.StartProcess(["run", GitOpsScenario.SpecPath, "--repo", scenario.RemoteUrl, "--version", "v2", "--image", GitOpsScenario.Image], log))
        {
            var exited = first.WaitForExitAsync();
            promotion = await scenario.PullRequestAsync(p => p.Title == Promote, exited);
            await Eventually.TrueAsync(() => scenario.Statuses(promotion).Count > 0, RunLimit, exited);
            first.Kill(entireProcessTree: true);
            await exited.WaitAsync(RunLimit);
        }

        var head = await scenario.Server.BranchShaAsync(scenario.Repository, promotion.Head);
        Assert.Equal(promotion.HeadSha, head);

        // --once looks at it and says what it waits for.
        var once = await scenario.RunAsync("--once");
        Assert.True(once.ExitCode == 5, once.ToString());
        Assert.Contains($"pull request #{promotion.Number} waits for approval", once.All, StringComparison.Ordinal);

        // A plain re-run keeps waiting on that same pull request, with that same commit.
        var run = scenario.RunAsync();
        await Eventually.TrueAsync(() => scenario.Statuses(promotion).Count >= 3, RunLimit, run);
        Assert.False(run.IsCompleted);
        Assert.Single(scenario.PullRequests(), p => p.Title == Promote);
        Assert.Equal(head, await scenario.Server.BranchShaAsync(scenario.Repository, promotion.Head));

        await scenario.Server.ApproveAsync(scenario.Repository, promotion.Number, "alice");
        var result = Log(await run.WaitAsync(RunLimit));

        Assert.True(result.ExitCode == 0, result.ToString() + "\n--- killed run\n" + log);
        Assert.Equal([Initialize, Adopted, Start, "reviews: shift 50% to v2 (step 1/1)", Promote], scenario.PullRequests().Select(p => p.Title));
        var merged = scenario.Server.PullRequest(scenario.Repository, promotion.Number);
        Assert.True(merged.Merged);
        Assert.Equal(head, merged.HeadSha);
        Assert.Contains("phase: Succeeded", await scenario.StatusFileAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pull_request_closed_without_merging_stops_the_rollout_with_exit_1_until_it_is_reopened()
    {
        await using var scenario = await GitOpsScenario.StartAsync(new RolloutOptions { ApproveSteps = true });
        var environment = scenario.Environment(withToken: false);
        string[] arguments = ["run", GitOpsScenario.SpecPath, "--repo", scenario.RemoteUrl, "--version", "v2", "--image", GitOpsScenario.Image,
            "--git-host", "github", "--github-token", GitOpsScenario.Token];

        var run = scenario.GraystepAsync(arguments, environment);
        var step = await scenario.PullRequestAsync(p => p.Title == "reviews: shift 50% to v2 (step 1/1)", run);
        await Eventually.TrueAsync(() => scenario.Statuses(step).Count > 0, RunLimit, run);
        await scenario.Server.CloseAsync(scenario.Repository, step.Number);
        var result = Log(await run.WaitAsync(RunLimit));

        var expected =
            $"error: pull request #{step.Number} (reviews: shift 50% to v2 (step 1/1)) was closed without merging: the rollout is stopped; v2 stays at 0% (step 0/1)\n"
            + $"hint: reopen pull request #{step.Number} ({scenario.Server.WebUrl}/acme/gitops/pull/{step.Number}) and run again to continue, "
            + "or run 'graystep rollback' to send all traffic back to v1\n";
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.EndsWith(expected, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(GitOpsScenario.Token, result.All, StringComparison.Ordinal);
        var status = await scenario.StatusFileAsync();
        Assert.Contains("phase: Progressing", status, StringComparison.Ordinal);
        Assert.Equal(Start, (await scenario.Server.LogAsync(scenario.Repository, "main"))[0]);

        // Running again does not reopen what a person closed.
        var again = await scenario.GraystepAsync(arguments, environment);
        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.EndsWith(expected, again.Error, StringComparison.Ordinal);
        Assert.Equal(4, scenario.PullRequests().Count);
    }

    [Fact]
    public async Task Changes_requested_hold_the_promotion_until_that_reviewer_approves()
    {
        await using var scenario = await GitOpsScenario.StartAsync(new RolloutOptions { ApprovePromotion = true });
        var run = scenario.RunAsync();
        var promotion = await scenario.PullRequestAsync(p => p.Title == Promote, run);
        await Eventually.TrueAsync(() => scenario.Statuses(promotion).Count > 0, RunLimit, run);
        var repository = scenario.Repository;

        await scenario.Server.RequestChangesAsync(repository, promotion.Number, "bob");
        await Eventually.TrueAsync(() => scenario.Statuses(promotion).Count == 2, RunLimit, run);
        Assert.Equal(("failure", "changes requested: the step waits until a reviewer approves"), scenario.Statuses(promotion)[1]);

        // Another reviewer's approval, then bob's comment: bob's change request still stands.
        await scenario.Server.ApproveAsync(repository, promotion.Number, "alice");
        await LooksTwiceAsync(scenario, promotion, run);
        await scenario.Server.CommentReviewAsync(repository, promotion.Number, "bob", "looking again");
        await LooksTwiceAsync(scenario, promotion, run);
        Assert.True(scenario.Server.PullRequest(repository, promotion.Number).Open);
        Assert.Equal(2, scenario.Statuses(promotion).Count);

        await scenario.Server.ApproveAsync(repository, promotion.Number, "bob");
        var result = Log(await run.WaitAsync(RunLimit));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(scenario.Server.PullRequest(repository, promotion.Number).Merged);
        Assert.Equal(("success", "approved; merging"), scenario.Statuses(promotion)[^1]);
    }

    [Fact]
    public async Task An_approval_that_never_comes_rolls_back_at_the_progress_deadline()
    {
        await using var scenario = await GitOpsScenario.StartAsync(new RolloutOptions { ApprovePromotion = true, ProgressDeadlineSeconds = 4 });

        var result = Log(await scenario.RunAsync().WaitAsync(RunLimit));

        Assert.True(result.ExitCode == 4, result.ToString());
        var pulls = scenario.PullRequests();
        Assert.Equal([Initialize, Adopted, Start, "reviews: shift 50% to v2 (step 1/1)", Promote, Rollback], pulls.Select(p => p.Title));
        Assert.False(pulls[4].Open || pulls[4].Merged);
        Assert.True(pulls[5].Merged);
        Assert.Contains(
            $"reason: \"progress deadline exceeded after 4s: pull request #{pulls[4].Number} waits for approval ({scenario.Server.WebUrl}/acme/gitops/pull/{pulls[4].Number})\"",
            await scenario.StatusFileAsync(),
            StringComparison.Ordinal);
        Assert.Contains(pulls[4].Comments, c => c.Body.StartsWith($"Graystep closed this pull request: bookinfo/reviews moved on with #{pulls[5].Number} ({Rollback})", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rollback_by_hand_merges_its_pull_request_at_once_and_the_waiting_run_ends_rolled_back()
    {
        await using var scenario = await GitOpsScenario.StartAsync(new RolloutOptions { ApproveSteps = true });
        var run = scenario.RunAsync();
        var step = await scenario.PullRequestAsync(p => p.Title == "reviews: shift 50% to v2 (step 1/1)", run);
        await Eventually.TrueAsync(() => scenario.Statuses(step).Count > 0, RunLimit, run);

        var rollback = Log(await scenario.GraystepAsync(["rollback", GitOpsScenario.SpecPath, "--repo", scenario.RemoteUrl, "--reason", "bad build"]));
        var result = Log(await run.WaitAsync(RunLimit));

        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Contains($"committed {(await scenario.Server.BranchShaAsync(scenario.Repository, "main"))![..7]} {Rollback}", rollback.Out, StringComparison.Ordinal);
        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains(": bad build (pass --retry to start v2 again as attempt 2, or start a new version)", result.Out, StringComparison.Ordinal);
        var pulls = scenario.PullRequests();
        Assert.Equal([Initialize, Adopted, Start, "reviews: shift 50% to v2 (step 1/1)", Rollback], pulls.Select(p => p.Title));
        Assert.False(pulls[3].Open || pulls[3].Merged);
        Assert.True(pulls[4].Merged);
    }

    [Fact]
    public async Task A_merge_answered_409_or_405_is_read_and_decided_again_never_retried_blindly()
    {
        await using var scenario = await GitOpsScenario.StartAsync(new RolloutOptions());
        scenario.Server.InjectError(409, "Head branch was modified. Review and try the merge again.", "PUT", "/merge");
        scenario.Server.InjectError(405, "Base branch was modified. Review and try the merge again.", "PUT", "/merge");

        var result = Log(await scenario.RunAsync().WaitAsync(RunLimit));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("pull request #1: the head moved (Head branch was modified. Review and try the merge again.); reading it again", result.Out, StringComparison.Ordinal);
        Assert.Contains("pull request #1 cannot be merged yet: Base branch was modified. Review and try the merge again.", result.Out, StringComparison.Ordinal);
        var calls = scenario.Server.Exchanges
            .Where(e => e.Path == "/repos/acme/gitops/pulls/1/merge" || (e.Method == "GET" && e.Path == "/repos/acme/gitops/pulls" && e.Query.Contains("initialize", StringComparison.Ordinal)))
            .Select(e => $"{e.Method} {e.Status}")
            .ToList();
        // Look up, look up again before opening, merge: 409; look up, merge: 405; look up, merge: 200.
        Assert.Equal(["GET 200", "GET 200", "PUT 409", "GET 200", "PUT 405", "GET 200", "PUT 200"], calls);
        Assert.Equal([Initialize, Adopted, Start, "reviews: shift 50% to v2 (step 1/1)", Promote], scenario.PullRequests().Select(p => p.Title));
    }

    [Fact]
    public async Task With_merge_commits_the_rollouts_state_is_read_from_the_merge_commit_on_the_branch()
    {
        await using var scenario = await GitOpsScenario.StartAsync(new RolloutOptions { MergeMethod = "merge" });

        var result = Log(await scenario.RunAsync().WaitAsync(RunLimit));

        Assert.True(result.ExitCode == 0, result.ToString());
        var pulls = scenario.PullRequests();
        Assert.All(pulls, p => Assert.Equal("merge", p.MergeMethod));
        var tip = await scenario.Server.BranchShaAsync(scenario.Repository, "main");
        Assert.Equal(pulls[^1].MergeCommitSha, tip);
        var status = await scenario.GraystepAsync(["status", GitOpsScenario.SpecPath, "--repo", scenario.RemoteUrl, "-o", "json"]);
        Assert.Contains($"\"commit\": \"{tip}\"", status.Out, StringComparison.Ordinal);
        var history = await scenario.GraystepAsync(["history", GitOpsScenario.SpecPath, "--repo", scenario.RemoteUrl, "-o", "json"]);
        foreach (var pull in pulls)
        {
            Assert.Contains($"\"commit\": \"{pull.MergeCommitSha}\"", history.Out, StringComparison.Ordinal);
            Assert.DoesNotContain(pull.HeadSha, history.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Pull_requests_on_a_plain_git_remote_are_refused_with_the_fix()
    {
        await using var scenario = await GitOpsScenario.StartAsync(new RolloutOptions());

        var result = await scenario.GraystepAsync(["run", GitOpsScenario.SpecPath, "--repo", scenario.Repository.BarePath, "--version", "v2"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("git.pullRequests is true, but pull requests need a git host that has them", result.Error, StringComparison.Ordinal);
        Assert.Contains("hint: pass --git-host github (GRAYSTEP_GIT_HOST) for a GitHub repository", result.Error, StringComparison.Ordinal);
        Assert.Single(await scenario.Server.LogAsync(scenario.Repository, "main"), s => s == "Add the reviews rollout");
        Assert.Empty(scenario.PullRequests());
    }

    [Fact]
    public async Task A_merge_method_GitHub_does_not_have_is_refused_before_anything_is_pushed()
    {
        await using var scenario = await GitOpsScenario.StartAsync(new RolloutOptions { MergeMethod = "rebaseMerge" });

        var result = await scenario.RunAsync().WaitAsync(RunLimit);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("git.mergeMethod rebaseMerge is not a merge GitHub pull requests can complete with", result.Error, StringComparison.Ordinal);
        Assert.Contains("hint: use merge, squash, rebase for a GitHub repository", result.Error, StringComparison.Ordinal);
        Assert.Single(await scenario.Server.LogAsync(scenario.Repository, "main"), s => s == "Add the reviews rollout");
        Assert.Empty(scenario.PullRequests());
    }

    private CliRun Log(CliRun run)
    {
        output.WriteLine(run.ToString());
        return run;
    }

    /// <summary>Waits until the run has read the pull request's reviews twice more: it has seen what changed.</summary>
    private static async Task LooksTwiceAsync(GitOpsScenario scenario, StandInPullRequest pull, Task run)
    {
        var path = $"/repos/acme/gitops/pulls/{pull.Number}/reviews";
        var before = scenario.Server.Exchanges.Count(e => e.Method == "GET" && e.Path == path);
        await Eventually.TrueAsync(() => scenario.Server.Exchanges.Count(e => e.Method == "GET" && e.Path == path) >= before + 2, RunLimit, run);
    }
}
