using Graystep.Core.Abstractions;
using Graystep.Core.History;

namespace Graystep.Git.Tests;

/// <summary>
/// Commits and short logs built in-process (libgit2) are the ones the git CLI makes: the same SHA for the same inputs,
/// the same index afterwards, the same compare-and-swap, and the CLI path wherever the in-process one cannot match it.
/// </summary>
public sealed class WorkspaceInProcessTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset When = new(2030, 5, 6, 7, 8, 9, TimeSpan.Zero);

    public static TheoryData<bool> Sparse => new() { false, true };

    [Theory]
    [MemberData(nameof(Sparse))]
    public async Task The_in_process_commit_is_the_CLI_commit_byte_for_byte(bool sparse)
    {
        using var sandbox = new GitSandbox();
        var remote = sandbox.CreateRemote();
        GitSandbox.Raw(remote, "config", "uploadpack.allowFilter", "true");
        var factory = new GitWorkspaceFactory(sandbox.Git, sandbox.Settings with { Identity = new GitIdentity("Release Bot", "bot@example.test") }, new FakeTimeProvider(When));

        // A URL makes a partial clone (blob:none); with sparse paths only the rollout's folder is on disk.
        var options = new WorkspaceOptions { Repo = new Uri(remote).AbsoluteUri, SparsePaths = sparse ? ["apps/reviews"] : [] };
        await using var inProcess = await factory.OpenAsync(options, None);
        await using var cli = await factory.OpenAsync(options, None);
        cli.InProcess = false;

        var shas = new List<string?>();
        foreach (var workspace in new[] { inProcess, cli })
        {
            // commit-tree never signs (only git commit reads commit.gpgSign): neither path may start to.
            GitSandbox.Raw(workspace.Root, "config", "commit.gpgSign", "true");
            GitSandbox.Write(workspace.Root, "apps/reviews/rendered/vs.yaml", "weight: 20\n");
            GitSandbox.Write(workspace.Root, "apps/reviews/rendered/deep/dr.yaml", "kind: DestinationRule\n");
            GitSandbox.Write(workspace.Root, "apps/reviews/rendered/run.sh", "#!/bin/sh\n");
            GitSandbox.Write(workspace.Root, "apps/reviews/rendered/ignored.log", "not committed\n");
            GitSandbox.Write(workspace.Root, "apps/reviews/.gitignore", "*.log\n");
            GitSandbox.Write(workspace.Root, "apps/reviews/status.yaml", "phase: Progressing\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path.Combine(workspace.Root, "apps/reviews/rendered/run.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            File.Delete(Path.Combine(workspace.Root, "apps/reviews/deployment.yaml"));
            var message = GitSandbox.Message("reviews: shift 20% to v2") with { Body = "request-success-rate: 99.5 (min 99)\n\n# kept\nünïcode" };
            shas.Add(await workspace.CommitAsync(["apps/reviews/rendered", "apps/reviews/status.yaml", "apps/reviews/deployment.yaml", "apps/reviews/never-existed.yaml"], message, None));
        }

        Assert.Equal("in-process", inProcess.LastCommitPath);
        Assert.StartsWith("git", cli.LastCommitPath, StringComparison.Ordinal);
        Assert.NotNull(shas[0]);
        Assert.Equal(shas[1], shas[0]);
        Assert.Equal(shas[0], await inProcess.HeadAsync(None));
        Assert.Contains("100755 blob", GitSandbox.Raw(inProcess.Root, "ls-tree", "-r", shas[0]!, "apps/reviews/rendered/run.sh"), StringComparison.Ordinal);

        // The index is what git add left: the committed paths are clean, the ignored file stays untracked and ignored.
        Assert.Equal(
            GitSandbox.Raw(cli.Root, "status", "--porcelain", "--ignored", "--untracked-files=all"),
            GitSandbox.Raw(inProcess.Root, "status", "--porcelain", "--ignored", "--untracked-files=all"));
        Assert.Equal(GitSandbox.Raw(cli.Root, "ls-files", "-s", "--sparse"), GitSandbox.Raw(inProcess.Root, "ls-files", "-s", "--sparse"));
        Assert.Equal(string.Empty, GitSandbox.Raw(inProcess.Root, "diff", "--cached", "--name-only"));
        Assert.Equal(PushOutcome.Pushed, await inProcess.PushAsync(None));
        Assert.Equal(string.Empty, GitSandbox.Raw(remote, "fsck", "--no-progress", "--no-dangling"));

        // Nothing changed since: no commit either way.
        Assert.Null(await inProcess.CommitAsync(["apps/reviews/rendered", "apps/reviews/status.yaml"], GitSandbox.Message("noop"), None));
        Assert.Equal("in-process", inProcess.LastCommitPath);
    }

    [Fact]
    public async Task The_branch_moved_since_HEAD_was_read_fails_the_compare_and_swap_and_keeps_the_other_commit()
    {
        using var sandbox = new GitSandbox();
        await using var workspace = await sandbox.Factory.OpenAsync(new WorkspaceOptions { Repo = sandbox.CreateRemote() }, None);
        GitSandbox.Write(workspace.Root, "apps/reviews/status.yaml", "weight: 20\n");
        using var objects = GitObjects.TryOpen(workspace.Root, sandbox.Environment)!;
        var prepared = objects.Prepare(["apps/reviews/status.yaml"], "reviews: shift 20%\n", workspace.Identity, When, null)!;

        // Someone else moves the branch in between (another process in a reused CI checkout).
        GitSandbox.Raw(workspace.Root, "-c", "user.name=x", "-c", "user.email=x@x", "commit", "-q", "--allow-empty", "-m", "moved");
        var moved = await workspace.HeadAsync(None);

        var error = await Assert.ThrowsAsync<GitException>(() => workspace.CommitPreparedAsync(prepared, ["apps/reviews/status.yaml"], GitSandbox.Message("reviews: shift 20%"), None));

        Assert.Contains("update-ref", error.Command, StringComparison.Ordinal);
        Assert.Equal(moved, await workspace.HeadAsync(None));
        Assert.Equal(string.Empty, GitSandbox.Raw(workspace.Root, "diff", "--cached", "--name-only"));
    }

    [Fact]
    public async Task Where_the_CLI_would_write_something_else_the_CLI_path_is_taken()
    {
        using var sandbox = new GitSandbox();
        var remote = sandbox.CreateRemote(files: new Dictionary<string, string> { ["README.md"] = "x\n", ["apps/reviews/.gitattributes"] = "*.yaml text eol=crlf\n", ["apps/reviews/rollout.yaml"] = "kind: Rollout\n" });
        await using var attributes = await sandbox.Factory.OpenAsync(new WorkspaceOptions { Repo = remote }, None);
        GitSandbox.Write(attributes.Root, "apps/reviews/status.yaml", "x\n");
        Assert.NotNull(await attributes.CommitAsync(["apps/reviews/status.yaml"], GitSandbox.Message("s"), None));
        Assert.StartsWith("git: ", attributes.LastCommitPath, StringComparison.Ordinal);

        // git trims "crud" around a name; only git itself does that exactly.
        await using var crud = await sandbox.Factory.OpenAsync(new WorkspaceOptions { Repo = sandbox.CreateRemote("other.git"), Identity = new GitIdentity("Bot.", " bot@example.test") }, None);
        GitSandbox.Write(crud.Root, "apps/reviews/status.yaml", "x\n");
        var sha = await crud.CommitAsync(["apps/reviews/status.yaml"], GitSandbox.Message("s"), None);
        Assert.StartsWith("git: ", crud.LastCommitPath, StringComparison.Ordinal);
        Assert.Equal("Bot <bot@example.test>", GitSandbox.Raw(crud.Root, "log", "-1", "--format=%an <%ae>", sha!));
    }

    [Fact]
    public async Task A_short_log_in_process_is_the_CLI_log_with_merges_and_mode_changes()
    {
        using var sandbox = new GitSandbox();
        var remote = sandbox.CreateRemote();
        await using var workspace = await sandbox.Factory.OpenAsync(new WorkspaceOptions { Repo = remote }, None);
        for (var step = 1; step <= 3; step++)
        {
            GitSandbox.Write(workspace.Root, "apps/reviews/status.yaml", $"step: {step}\n");
            await workspace.CommitAsync(["apps/reviews/status.yaml"], GitSandbox.Message($"reviews: step {step}"), None);
        }

        // A side branch that changes the path, merged with a merge commit: --first-parent lists the merge.
        var root = workspace.Root;
        GitSandbox.Raw(root, "checkout", "-q", "-b", "side", "HEAD~1");
        GitSandbox.Write(root, "apps/reviews/status.yaml", "from a pull request\n");
        GitSandbox.Raw(root, "-c", "user.name=x", "-c", "user.email=x@x", "commit", "-q", "-am", "side");
        GitSandbox.Raw(root, "checkout", "-q", "main");
        GitSandbox.Raw(root, "-c", "user.name=x", "-c", "user.email=x@x", "merge", "-q", "--no-ff", "-X", "theirs", "-m", "merge side", "side");
        GitSandbox.Raw(root, "update-index", "--chmod=+x", "apps/reviews/rollout.yaml");
        GitSandbox.Raw(root, "-c", "user.name=x", "-c", "user.email=x@x", "commit", "-q", "-m", "mode only");

        foreach (var (path, count) in new (string?, int)[] { ("apps/reviews/status.yaml", 1), ("apps/reviews/status.yaml", 10), ("apps/reviews", 3), ("apps/reviews/rollout.yaml", 5), (null, 4), ("apps/none", 2) })
        {
            workspace.InProcess = true;
            var mine = await workspace.LogAsync(path, count, None);
            workspace.InProcess = false;
            var git = await workspace.LogAsync(path, count, None);
            Assert.Equal(git.Select(Describe), mine.Select(Describe));
        }

        static string Describe(CommitRecord c) => $"{c.Sha} {c.CommittedAt:O} {c.AuthorName} <{c.AuthorEmail}> {CommitMessageFormat.Format(c.Message)}";
    }

    [Fact]
    public async Task After_a_pushed_commit_the_refresh_only_fetches_and_an_ignored_leftover_is_still_cleaned()
    {
        using var sandbox = new GitSandbox();
        var remote = sandbox.CreateRemote();
        await using var workspace = await sandbox.Factory.OpenAsync(new WorkspaceOptions { Repo = remote }, None);
        GitSandbox.Write(workspace.Root, "apps/reviews/status.yaml", "weight: 20\n");
        var sha = await workspace.CommitAsync(["apps/reviews/status.yaml"], GitSandbox.Message("reviews: shift 20%"), None);
        Assert.Equal(PushOutcome.Pushed, await workspace.PushAsync(None));

        await workspace.RefreshAsync(None);
        Assert.Equal(sha, await workspace.HeadAsync(None));
        Assert.Equal(string.Empty, GitSandbox.Raw(workspace.Root, "status", "--porcelain", "--untracked-files=all"));

        // An ignored file the commit left out is only removed by git clean: that refresh runs it.
        GitSandbox.Write(workspace.Root, "apps/reviews/.gitignore", "*.log\n");
        GitSandbox.Write(workspace.Root, "apps/reviews/rendered/debug.log", "left out\n");
        await workspace.CommitAsync(["apps/reviews"], GitSandbox.Message("reviews: shift 30%"), None);
        Assert.Equal(PushOutcome.Pushed, await workspace.PushAsync(None));
        await workspace.RefreshAsync(None);
        Assert.False(File.Exists(Path.Combine(workspace.Root, "apps/reviews/rendered/debug.log")));

        // Someone else pushed: the refresh moves onto it.
        var theirs = sandbox.PushFromElsewhere(remote, "apps/reviews/status.yaml", "weight: 50\n");
        await workspace.RefreshAsync(None);
        Assert.Equal(theirs, await workspace.HeadAsync(None));
        Assert.Equal("weight: 50\n", File.ReadAllText(Path.Combine(workspace.Root, "apps/reviews/status.yaml")));
    }
}
