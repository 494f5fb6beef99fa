using Graystep.Cli.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Cli.Tests;

/// <summary>--repo as a local path, a file:// URL and a remote URL; CI checkouts reused; a user's own checkout untouched.</summary>
public sealed class RepoTests
{
    private static readonly string[] Run = ["run", "rollout.yaml", "--version", "v2", "--image", "reviews=registry.example/reviews:2.0.0"];

    [Fact]
    public async Task A_bare_repository_path_is_worked_on_in_a_managed_clone()
    {
        using var repo = new GitOpsRepo();

        var result = await repo.RunAsync([.. Run, "--repo", repo.Remote]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(GitOpsRepo.Canary("v1", "v2", 10, 20, 50), repo.Timeline());
        repo.AssertLinear();
        Assert.Contains("bookinfo/reviews: promoted (Succeeded), stable v2", result.Stdout, StringComparison.Ordinal);
        AssertManagedWorkspace(repo);
    }

    [Fact]
    public async Task A_file_url_is_worked_on_in_a_managed_clone()
    {
        using var repo = new GitOpsRepo();

        var result = await repo.RunAsync([.. Run, "--repo", new Uri(repo.Remote).AbsoluteUri]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(GitOpsRepo.Canary("v1", "v2", 10, 20, 50), repo.Timeline());
        AssertManagedWorkspace(repo);
    }

    [Fact]
    public async Task A_remote_url_is_cloned_into_the_workspace_folder_and_pushed_to()
    {
        using var repo = new GitOpsRepo();
        using var daemon = await GitDaemon.StartAsync(repo.Root);
        var url = daemon.Url("remote.git");

        var result = await repo.RunAsync([.. Run, "--repo", url]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"bookinfo/reviews: {url} branch main", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(GitOpsRepo.Canary("v1", "v2", 10, 20, 50), repo.Timeline());
        AssertManagedWorkspace(repo);

        var history = await repo.RunAsync("history", "rollout.yaml", "--repo", url, "-o", "json");
        Assert.True(history.ExitCode == 0, history.ToString());
        Assert.Contains("\"action\": \"promote\"", history.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_users_own_checkout_is_never_touched_outside_CI()
    {
        using var repo = new GitOpsRepo();
        var mine = repo.Checkout("mine");
        // Work in progress: an edited file, a staged file, an untracked file and a commit not yet pushed.
        File.AppendAllText(Path.Combine(mine, "README.md"), "\nlocal edit\n");
        RawGit.Write(mine, "staged.txt", "staged\n");
        RawGit.Run(mine, "add", "staged.txt");
        RawGit.Write(mine, "scratch.txt", "untracked\n");
        RawGit.Write(mine, "other/local.yaml", "local: true\n");
        var before = RawGit.Snapshot(mine);
        var status = RawGit.Run(mine, "status", "--porcelain");

        // From inside the checkout, with no --repo: the default is the current checkout.
        var first = await repo.RunInAsync(mine, repo.Env(), "run", "rollout.yaml", "--version", "v2", "--once");
        // And with --repo pointing at it from elsewhere.
        var second = await repo.RunInAsync(repo.Root, repo.Env(), "run", Path.Combine(mine, "rollout.yaml"), "--repo", mine);

        Assert.True(first.ExitCode == 5, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(GitOpsRepo.Canary("v1", "v2", 10, 20, 50), repo.Timeline());
        Assert.Equal(before, RawGit.Snapshot(mine));
        Assert.Equal(status, RawGit.Run(mine, "status", "--porcelain"));
        Assert.False(Directory.Exists(Path.Combine(mine, "rendered")));
        AssertManagedWorkspace(repo);
    }

    [Fact]
    public async Task A_CI_checkout_is_reused_in_place_and_left_clean_at_the_remote_tip()
    {
        using var repo = new GitOpsRepo();
        var ci = repo.Checkout("ci");

        var result = await repo.RunInAsync(ci, repo.Env(("CI", "true")), "run", "rollout.yaml", "--version", "v2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(GitOpsRepo.Canary("v1", "v2", 10, 20, 50), repo.Timeline());
        Assert.Equal(repo.Tip(), RawGit.Run(ci, "rev-parse", "HEAD"));
        Assert.Equal("main", RawGit.Run(ci, "symbolic-ref", "--short", "HEAD"));
        Assert.Equal(string.Empty, RawGit.Run(ci, "status", "--porcelain", "--untracked-files=all"));
        Assert.False(Directory.Exists(repo.Workspaces) && Directory.EnumerateFileSystemEntries(repo.Workspaces).Any(), "a CI checkout needs no managed clone");
    }

    private static void AssertManagedWorkspace(GitOpsRepo repo)
    {
        var clones = Directory.EnumerateDirectories(repo.Workspaces).Where(d => File.Exists(Path.Combine(d, ".git", "graystep-workspace"))).ToList();
        Assert.Single(clones);
    }
}
