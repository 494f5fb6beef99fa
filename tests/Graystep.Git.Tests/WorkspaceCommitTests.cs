using Graystep.Core.Abstractions;
using Graystep.Core.History;

namespace Graystep.Git.Tests;

/// <summary>Commits, pushes and history against real git and bare remotes.</summary>
public sealed class WorkspaceCommitTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_commit_holds_exactly_the_given_paths_and_nothing_else()
    {
        using var sandbox = new GitSandbox();
        var remote = sandbox.CreateRemote();
        await using var workspace = await sandbox.Factory.OpenAsync(new WorkspaceOptions { Repo = remote }, None);
        GitSandbox.Write(workspace.Root, "apps/reviews/rendered/vs.yaml", "weight: 20\n");
        GitSandbox.Write(workspace.Root, "apps/reviews/status.yaml", "phase: Progressing\n");
        GitSandbox.Write(workspace.Root, "README.md", "not part of this commit\n");

        var sha = await workspace.CommitAsync(["apps/reviews/rendered", "apps/reviews/status.yaml"], GitSandbox.Message("reviews: shift 20% to v2"), None);

        Assert.NotNull(sha);
        Assert.Equal(sha, await workspace.HeadAsync(None));
        Assert.Equal(
            "A\tapps/reviews/rendered/vs.yaml\nA\tapps/reviews/status.yaml",
            GitSandbox.Raw(workspace.Root, "diff-tree", "--no-commit-id", "-r", "--name-status", sha!));
        Assert.Equal(" M README.md\n", GitSandbox.RawResult(workspace.Root, "status", "--porcelain").Stdout);
    }

    [Fact]
    public async Task Nothing_changed_means_no_commit()
    {
        using var sandbox = new GitSandbox();
        var remote = sandbox.CreateRemote();
        await using var workspace = await sandbox.Factory.OpenAsync(new WorkspaceOptions { Repo = remote }, None);
        var head = await workspace.HeadAsync(None);
        GitSandbox.Write(workspace.Root, "apps/reviews/rollout.yaml", "kind: Rollout\n");

        Assert.Null(await workspace.CommitAsync(["apps/reviews/rollout.yaml", "apps/reviews/never-existed.yaml"], GitSandbox.Message("noop"), None));
        Assert.Null(await workspace.CommitAsync([], GitSandbox.Message("noop"), None));
        Assert.Equal(head, await workspace.HeadAsync(None));
        Assert.Equal(string.Empty, GitSandbox.Raw(workspace.Root, "status", "--porcelain"));
    }

    [Fact]
    public async Task Deleted_files_and_folders_are_staged_as_deletions()
    {
        using var sandbox = new GitSandbox();
        var remote = sandbox.CreateRemote();
        await using var workspace = await sandbox.Factory.OpenAsync(new WorkspaceOptions { Repo = remote }, None);
        File.Delete(Path.Combine(workspace.Root, "apps/reviews/deployment.yaml"));
        Directory.Delete(Path.Combine(workspace.Root, "apps/ratings"), recursive: true);

        var sha = await workspace.CommitAsync(["apps/reviews/deployment.yaml", "apps/ratings"], GitSandbox.Message("reviews: promote v2", "promote", "0"), None);
        Assert.Equal(PushOutcome.Pushed, await workspace.PushAsync(None));

        Assert.Equal(sha, sandbox.RemoteTip(remote));
        Assert.Equal("README.md\napps/reviews/rollout.yaml", GitSandbox.Raw(remote, "ls-tree", "-r", "--name-only", "main"));
    }

    [Fact]
    public async Task Message_and_trailers_round_trip_through_real_git_log()
    {
        using var sandbox = new GitSandbox();
        var remote = sandbox.CreateRemote();
        await using var workspace = await sandbox.Factory.OpenAsync(new WorkspaceOptions { Repo = remote, Identity = new GitIdentity("Release Bot", "bot@example.test") }, None);
        var messages = new List<CommitMessage>();
        for (var step = 1; step <= 3; step++)
        {
            GitSandbox.Write(workspace.Root, "apps/reviews/status.yaml", $"step: {step}\n");
            var message = new CommitMessage(
                $"reviews: shift {step * 10}% to v2 (step {step}/3)",
                $"request-success-rate: 99.{step} (min 99)\n\n# not a comment: kept\nmetric: request-duration 120ms (max 500)",
                [new(Trailers.Rollout, "bookinfo/reviews"), new(Trailers.Action, "step"), new(Trailers.Weight, (step * 10).ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            messages.Add(message);
            await workspace.CommitAsync(["apps/reviews/status.yaml"], message, None);
        }

        GitSandbox.Write(workspace.Root, "README.md", "unrelated\n");
        await workspace.CommitAsync(["README.md"], new CommitMessage("docs", string.Empty, []), None);

        var log = await workspace.LogAsync("apps/reviews/status.yaml", 10, None);

        Assert.Equal(3, log.Count);
        for (var i = 0; i < 3; i++)
        {
            var expected = messages[2 - i];
            Assert.Equal(expected.Subject, log[i].Message.Subject);
            Assert.Equal(expected.Body, log[i].Message.Body);
            Assert.Equal(expected.Trailers, log[i].Message.Trailers);
            Assert.Equal("Release Bot", log[i].AuthorName);
            Assert.Equal("bot@example.test", log[i].AuthorEmail);
            Assert.Equal(CommitMessageFormat.Format(expected), GitSandbox.Raw(workspace.Root, "log", "-1", "--format=%B", log[i].Sha) + "\n");
        }

        Assert.Equal("step", GitSandbox.Raw(workspace.Root, "log", "-1", "--format=%(trailers:key=Graystep-Action,valueonly)", log[0].Sha));
        Assert.Equal(2, (await workspace.LogAsync(null, 2, None)).Count);
        Assert.Equal(5, (await workspace.LogAsync(null, 0, None)).Count);
        Assert.Equal("docs", (await workspace.LogAsync(null, 1, None))[0].Message.Subject);
    }

    [Fact]
    public async Task Commit_dates_come_from_the_injected_clock()
    {
        using var sandbox = new GitSandbox();
        var remote = sandbox.CreateRemote();
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 5, 6, 7, 8, 9, TimeSpan.Zero));
        var factory = new GitWorkspaceFactory(sandbox.Git, sandbox.Settings, clock);
        await using var workspace = await factory.OpenAsync(new WorkspaceOptions { Repo = remote }, None);
        GitSandbox.Write(workspace.Root, "apps/reviews/status.yaml", "x\n");
        await workspace.CommitAsync(["apps/reviews/status.yaml"], GitSandbox.Message("s"), None);

        Assert.Equal(clock.GetUtcNow(), (await workspace.LogAsync(null, 1, None))[0].CommittedAt);
    }

    [Fact]
    public async Task Commit_messages_are_masked_through_the_settings_redactor()
    {
        // Issue 13, probe 2: a commit is an output sink; a token echoed in a remote's error must not be committed.
        using var sandbox = new GitSandbox();
        var redactor = new Graystep.Core.Secrets.Redactor();
        redactor.Add("ghp_committed_secret_42");
        sandbox.Settings = sandbox.Settings with { Redactor = redactor };
        await using var workspace = await sandbox.Factory.OpenAsync(new WorkspaceOptions { Repo = sandbox.CreateRemote() }, None);
        GitSandbox.Write(workspace.Root, "apps/reviews/status.yaml", "x\n");
        var message = GitSandbox.Message("reviews: roll back") with { Body = "webhook gate failed (HTTP 401 from https://u:p@hooks.example/x: you sent ghp_committed_secret_42)" };

        var sha = await workspace.CommitAsync(["apps/reviews/status.yaml"], message, None);

        var body = GitSandbox.Raw(workspace.Root, "log", "-1", "--format=%B", sha!);
        Assert.Contains("webhook gate failed (HTTP 401 from https://***@hooks.example/x: you sent ***)", body, StringComparison.Ordinal);
        Assert.DoesNotContain("ghp_committed_secret_42", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_settings_identity_is_author_and_committer_alike()
    {
        // And the workspace uses it for author and committer alike.
        using var sandbox = new GitSandbox();
        sandbox.Settings = sandbox.Settings with { Identity = new GitIdentity("octocat", "octocat@users.noreply.github.com") };
        await using var workspace = await sandbox.Factory.OpenAsync(new WorkspaceOptions { Repo = sandbox.CreateRemote() }, None);
        GitSandbox.Write(workspace.Root, "apps/reviews/status.yaml", "x\n");
        var sha = await workspace.CommitAsync(["apps/reviews/status.yaml"], GitSandbox.Message("s"), None);
        Assert.Equal(
            "octocat <octocat@users.noreply.github.com>|octocat <octocat@users.noreply.github.com>",
            GitSandbox.Raw(workspace.Root, "log", "-1", "--format=%an <%ae>|%cn <%ce>", sha!));
    }

    [Fact]
    public async Task A_failed_commit_leaves_no_commit_and_a_clean_index()
    {
        using var sandbox = new GitSandbox();
        var remote = sandbox.CreateRemote();
        await using var workspace = await sandbox.Factory.OpenAsync(new WorkspaceOptions { Repo = remote, Identity = new GitIdentity(string.Empty, string.Empty) }, None);
        var head = await workspace.HeadAsync(None);
        GitSandbox.Write(workspace.Root, "apps/reviews/status.yaml", "x\n");
        File.Delete(Path.Combine(workspace.Root, "apps/reviews/deployment.yaml"));

        var error = await Assert.ThrowsAsync<GitException>(() => workspace.CommitAsync(["apps/reviews/status.yaml", "apps/reviews/deployment.yaml"], GitSandbox.Message("s"), None));

        Assert.Contains("commit-tree", error.Command, StringComparison.Ordinal);
        Assert.Equal(head, await workspace.HeadAsync(None));
        Assert.Equal(string.Empty, GitSandbox.Raw(workspace.Root, "diff", "--cached", "--name-only"));
    }

    [Fact]
    public async Task Paths_outside_the_repository_are_refused()
    {
        using var sandbox = new GitSandbox();
        await using var workspace = await sandbox.Factory.OpenAsync(new WorkspaceOptions { Repo = sandbox.CreateRemote() }, None);

        var error = await Assert.ThrowsAsync<Graystep.Core.Errors.GraystepException>(() => workspace.CommitAsync(["../outside.yaml"], GitSandbox.Message("s"), None));
        Assert.Contains("is not a path inside the repository", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Odd_file_names_are_committed_literally()
    {
        using var sandbox = new GitSandbox();
        await using var workspace = await sandbox.Factory.OpenAsync(new WorkspaceOptions { Repo = sandbox.CreateRemote() }, None);
        GitSandbox.Write(workspace.Root, "apps/reviews/we*ird name ü.yaml", "x\n");
        GitSandbox.Write(workspace.Root, "apps/reviews/weXird name ü.yaml", "not this one\n");

        var sha = await workspace.CommitAsync(["apps/reviews/we*ird name ü.yaml"], GitSandbox.Message("s"), None);

        Assert.Equal("apps/reviews/we*ird name ü.yaml", GitSandbox.Raw(workspace.Root, "-c", "core.quotepath=off", "diff-tree", "--no-commit-id", "-r", "--name-only", sha!));
    }

    [Fact]
    public async Task The_push_race_is_lost_cleanly_and_nothing_is_lost()
    {
        using var sandbox = new GitSandbox();
        var remote = sandbox.CreateRemote();
        await using var first = await sandbox.Factory.OpenAsync(new WorkspaceOptions { Repo = remote }, None);
        await using var second = await sandbox.Factory.OpenAsync(new WorkspaceOptions { Repo = remote }, None);
        Assert.NotEqual(first.Root, second.Root);

        GitSandbox.Write(first.Root, "apps/reviews/status.yaml", "weight: 20\n");
        var winner = await first.CommitAsync(["apps/reviews/status.yaml"], GitSandbox.Message("reviews: shift 20%"), None);
        GitSandbox.Write(second.Root, "apps/reviews/status.yaml", "weight: 0 # rollback\n");
        var loser = await second.CommitAsync(["apps/reviews/status.yaml"], GitSandbox.Message("reviews: roll back", "rollback", "0"), None);

        Assert.Equal(PushOutcome.Pushed, await first.PushAsync(None));
        Assert.Equal(PushOutcome.BranchMoved, await second.PushAsync(None));
        Assert.Equal(winner, sandbox.RemoteTip(remote));

        // The loser re-reads: its stale decision is gone and it sees the winner's state.
        await second.RefreshAsync(None);
        Assert.Equal(winner, await second.HeadAsync(None));
        Assert.Equal("weight: 20\n", File.ReadAllText(Path.Combine(second.Root, "apps/reviews/status.yaml")));
        Assert.NotEqual(0, GitSandbox.RawResult(remote, "cat-file", "-e", loser!).ExitCode);

        // Having fetched the winner's commit without moving onto it makes git say "non-fast-forward": the same outcome.
        GitSandbox.Write(first.Root, "apps/reviews/status.yaml", "weight: 50\n");
        await first.CommitAsync(["apps/reviews/status.yaml"], GitSandbox.Message("reviews: shift 50%"), None);
        GitSandbox.Write(second.Root, "apps/reviews/status.yaml", "weight: 0\n");
        await second.CommitAsync(["apps/reviews/status.yaml"], GitSandbox.Message("reviews: roll back", "rollback", "0"), None);
        Assert.Equal(PushOutcome.Pushed, await first.PushAsync(None));
        await second.FetchAsync(None);
        Assert.Equal(PushOutcome.BranchMoved, await second.PushAsync(None));

        await second.RefreshAsync(None);
        GitSandbox.Write(second.Root, "apps/reviews/status.yaml", "weight: 0\n");
        var rollback = await second.CommitAsync(["apps/reviews/status.yaml"], GitSandbox.Message("reviews: roll back", "rollback", "0"), None);
        Assert.Equal(PushOutcome.Pushed, await second.PushAsync(None));
        Assert.Equal(rollback, sandbox.RemoteTip(remote));
        Assert.Equal("reviews: roll back\nreviews: shift 50%\nreviews: shift 20%\nInitial commit", GitSandbox.Raw(remote, "log", "--format=%s", "main"));
    }

    [Fact]
    public async Task A_stale_ref_lock_on_the_remote_is_named_as_such_not_blamed_on_branch_protection()
    {
        // Issue 13, probe 7: a crashed git on the server leaves refs/heads/main.lock; every push is then refused.
        using var sandbox = new GitSandbox();
        var remote = sandbox.CreateRemote();
        var tip = sandbox.RemoteTip(remote);
        await using var workspace = await sandbox.Factory.OpenAsync(new WorkspaceOptions { Repo = remote }, None);
        File.WriteAllText(Path.Combine(remote, "refs", "heads", "main.lock"), string.Empty);
        GitSandbox.Write(workspace.Root, "apps/reviews/status.yaml", "weight: 20\n");
        await workspace.CommitAsync(["apps/reviews/status.yaml"], GitSandbox.Message("reviews: shift 20%"), None);

        var error = await Assert.ThrowsAsync<GitException>(() => workspace.PushAsync(None));

        Assert.Contains("the remote rejected the push to 'main'", error.Message, StringComparison.Ordinal);
        Assert.Contains("could not lock the branch", error.Hint, StringComparison.Ordinal);
        Assert.Contains("stale .lock file", error.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("branch protection", error.Hint, StringComparison.Ordinal);
        Assert.Equal(tip, sandbox.RemoteTip(remote));
    }

    [Fact]
    public async Task A_hook_rejection_throws_with_the_hooks_message_and_changes_nothing()
    {
        using var sandbox = new GitSandbox();
        var remote = sandbox.CreateRemote();
        var hook = Path.Combine(remote, "hooks", "pre-receive");
        File.WriteAllText(hook, "#!/bin/sh\necho 'policy: weight changes need a ticket' >&2\nexit 1\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var tip = sandbox.RemoteTip(remote);
        await using var workspace = await sandbox.Factory.OpenAsync(new WorkspaceOptions { Repo = remote }, None);
        GitSandbox.Write(workspace.Root, "apps/reviews/status.yaml", "weight: 20\n");
        await workspace.CommitAsync(["apps/reviews/status.yaml"], GitSandbox.Message("reviews: shift 20%"), None);

        var error = await Assert.ThrowsAsync<GitException>(() => workspace.PushAsync(None));

        Assert.Contains("the remote rejected the push to 'main'", error.Message, StringComparison.Ordinal);
        Assert.Contains("pre-receive hook declined", error.Message, StringComparison.Ordinal);
        Assert.Contains("policy: weight changes need a ticket", error.Message, StringComparison.Ordinal);
        Assert.Contains("branch protection", error.Hint, StringComparison.Ordinal);
        Assert.StartsWith("git push --porcelain", error.Command, StringComparison.Ordinal);
        Assert.Equal(tip, sandbox.RemoteTip(remote));

        await workspace.RefreshAsync(None);
        Assert.Equal(tip, await workspace.HeadAsync(None));
        Assert.Equal(string.Empty, GitSandbox.Raw(workspace.Root, "status", "--porcelain", "--untracked-files=all"));
    }

    [Fact]
    public async Task The_users_own_checkout_is_byte_identical_after_a_commit_and_push()
    {
        using var sandbox = new GitSandbox();
        var remote = sandbox.CreateRemote();
        var mine = sandbox.Checkout(remote, "mine");
        GitSandbox.Write(mine, "README.md", "my uncommitted edit\n");
        GitSandbox.Write(mine, "apps/reviews/rendered/draft.yaml", "my untracked draft\n");
        GitSandbox.Write(mine, "apps/reviews/staged.yaml", "staged by me\n");
        GitSandbox.Raw(mine, "add", "apps/reviews/staged.yaml");
        var before = GitSandbox.Snapshot(mine);

        await using (var workspace = await sandbox.Factory.OpenAsync(new WorkspaceOptions { WorkingDirectory = mine }, None))
        {
            Assert.NotEqual(mine, workspace.Root);
            Assert.Equal(mine, workspace.LocalCheckout);
            GitSandbox.Write(workspace.Root, "apps/reviews/rendered/vs.yaml", "weight: 20\n");
            await workspace.CommitAsync(["apps/reviews/rendered"], GitSandbox.Message("reviews: shift 20%"), None);
            Assert.Equal(PushOutcome.Pushed, await workspace.PushAsync(None));
            await workspace.LogAsync("apps/reviews", 10, None);
            Assert.Equal(await workspace.HeadAsync(None), sandbox.RemoteTip(remote));
        }

        Assert.Equal(before, GitSandbox.Snapshot(mine));
    }

    [Fact]
    public async Task Pull_request_branches_are_created_updated_without_force_and_deleted()
    {
        using var sandbox = new GitSandbox();
        var remote = sandbox.CreateRemote();
        await using var workspace = await sandbox.Factory.OpenAsync(new WorkspaceOptions { Repo = remote }, None);
        var main = sandbox.RemoteTip(remote);
        GitSandbox.Write(workspace.Root, "apps/reviews/status.yaml", "weight: 20\n");
        var step = (await workspace.CommitAsync(["apps/reviews/status.yaml"], GitSandbox.Message("reviews: shift 20%"), None))!;
        const string prBranch = "graystep/bookinfo-reviews/step-1";

        Assert.Equal(PushOutcome.Pushed, await workspace.PushBranchAsync(step, prBranch, None));
        Assert.Equal(PushOutcome.Pushed, await workspace.PushBranchAsync(step, prBranch, None));
        Assert.Equal(step, sandbox.RemoteTip(remote, prBranch));
        Assert.Equal(main, sandbox.RemoteTip(remote));

        // A fast-forward is an update; anything else would need force, which Graystep never uses.
        GitSandbox.Write(workspace.Root, "apps/reviews/status.yaml", "weight: 30\n");
        var next = (await workspace.CommitAsync(["apps/reviews/status.yaml"], GitSandbox.Message("reviews: shift 30%"), None))!;
        Assert.Equal(PushOutcome.Pushed, await workspace.PushBranchAsync(next, prBranch, None));
        await workspace.RefreshAsync(None);
        GitSandbox.Write(workspace.Root, "apps/reviews/status.yaml", "weight: 40\n");
        var diverged = (await workspace.CommitAsync(["apps/reviews/status.yaml"], GitSandbox.Message("reviews: shift 40%"), None))!;
        Assert.Equal(PushOutcome.BranchMoved, await workspace.PushBranchAsync(diverged, prBranch, None));
        Assert.Equal(next, sandbox.RemoteTip(remote, prBranch));

        Assert.Throws<ArgumentException>(() => { _ = workspace.PushBranchAsync(diverged, "main", None); });

        await workspace.DeleteRemoteBranchAsync(prBranch, None);
        await workspace.DeleteRemoteBranchAsync(prBranch, None);
        Assert.NotEqual(0, GitSandbox.RawResult(remote, "rev-parse", "--verify", "-q", "refs/heads/" + prBranch).ExitCode);
    }
}
