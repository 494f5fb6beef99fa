using Graystep.Cli.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Cli.Tests;

/// <summary>
/// Bad input and faults: each gives one clear <c>error:</c> line and the DESIGN.md exit code, and leaves no partial
/// commit: the remote's refs do not move, and the checkout the user runs from keeps its HEAD and its status.
/// </summary>
public sealed class FaultTests
{
    private static readonly string[] Start = ["run", "rollout.yaml", "--version", "v2", "--image", "reviews=registry.example/reviews:2.0.0"];

    [Fact]
    public async Task A_repository_path_that_does_not_exist()
    {
        using var repo = new GitOpsRepo();
        var guard = new NothingChanged(repo);
        var missing = repo.Combine("nope.git");

        var result = await repo.RunInAsync(guard.Checkout, repo.Env(), [.. Start, "--repo", missing, "-o", "json"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            [
                $"error: repository {missing} does not exist",
                "hint: pass --repo (GRAYSTEP_REPO) with a path to a checkout or bare repository, or with the repository's URL",
            ],
            result.ErrorLines);
        Assert.Equal(string.Empty, result.Stdout);
        guard.AssertUnchanged();
    }

    [Fact]
    public async Task A_file_url_that_does_not_exist()
    {
        using var repo = new GitOpsRepo();
        var guard = new NothingChanged(repo);
        var missing = repo.Combine("nope.git");
        var url = new Uri(missing).AbsoluteUri;

        var result = await repo.RunInAsync(guard.Checkout, repo.Env(), [.. Start, "--repo", url]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: repository {url} does not exist or is not accessible", result.ErrorLines[0]);
        Assert.Equal($"  git: fatal: '{missing}' does not appear to be a git repository", result.ErrorLines[1]);
        Assert.Equal("hint: check --repo (GRAYSTEP_REPO): a path to a checkout or bare repository, or a URL the CI credentials can read", result.ErrorLines[^1]);
        guard.AssertUnchanged();
    }

    [Fact]
    public async Task A_branch_that_does_not_exist()
    {
        using var repo = new GitOpsRepo();
        var guard = new NothingChanged(repo);

        var result = await repo.RunInAsync(guard.Checkout, repo.Env(), [.. Start, "--repo", repo.Remote, "--branch", "nope"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: branch 'nope' does not exist in {repo.Remote}", result.ErrorLines[0]);
        Assert.Equal("hint: pass --branch (GRAYSTEP_BRANCH) with an existing branch (the remote has: main), or create 'nope' first (git push origin HEAD:nope)", result.ErrorLines[^1]);
        Assert.All(result.ErrorLines[1..^1], line => Assert.StartsWith("  git: ", line, StringComparison.Ordinal));
        // The failed clone leaves nothing half-made in the workspace folder.
        Assert.Empty(Directory.Exists(repo.Workspaces) ? Directory.EnumerateDirectories(repo.Workspaces) : []);
        guard.AssertUnchanged();
    }

    [Fact]
    public async Task A_dirty_working_tree_in_a_reused_CI_checkout()
    {
        using var repo = new GitOpsRepo();
        var guard = new NothingChanged(repo, dirty: true);

        var result = await repo.RunInAsync(guard.Checkout, repo.Env(("CI", "true")), Start);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            [
                $"error: the working tree at {guard.Checkout} has uncommitted changes; commit or stash them, or point --repo at the remote (changed: README.md)",
                "hint: Graystep reuses a CI checkout in place only when it is clean",
            ],
            result.ErrorLines);
        guard.AssertUnchanged();
    }

    [Fact]
    public async Task A_push_rejected_by_a_pre_receive_hook()
    {
        using var repo = new GitOpsRepo();
        var guard = new NothingChanged(repo);
        RejectPushes(repo);

        var result = await repo.RunInAsync(guard.Checkout, repo.Env(), [.. Start, "--repo", repo.Remote]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            [
                $"error: the remote rejected the push to 'main' on {repo.Remote} (pre-receive hook declined)",
                "  git: remote: denied by policy: no direct pushes to main",
                $"  git: error: failed to push some refs to '{repo.Remote}'",
                "hint: a server-side hook or branch protection refused the commit (see the remote's message above); allow Graystep to push to this branch, or enable pull requests (spec.git.pullRequests: true)",
            ],
            result.ErrorLines);
        guard.AssertUnchanged();
    }

    [Fact]
    public async Task A_push_rejected_in_a_reused_CI_checkout_leaves_no_commit_there_and_a_rerun_works()
    {
        using var repo = new GitOpsRepo();
        var guard = new NothingChanged(repo);
        RejectPushes(repo);

        var result = await repo.RunInAsync(guard.Checkout, repo.Env(("CI", "true")), Start);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: the remote rejected the push to 'main' on {repo.Remote} (pre-receive hook declined)", result.ErrorLines[0]);
        guard.AssertUnchanged();

        // Once the policy allows it, the same checkout runs again.
        File.Delete(Path.Combine(repo.Remote, "hooks", "pre-receive"));
        var rerun = await repo.RunInAsync(guard.Checkout, repo.Env(("CI", "true")), Start);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Equal(GitOpsRepo.Canary("v1", "v2", 10, 20, 50), repo.Timeline());
    }

    [Fact]
    public async Task A_detached_HEAD_in_a_CI_checkout()
    {
        using var repo = new GitOpsRepo();
        var guard = new NothingChanged(repo, detached: true);

        var result = await repo.RunInAsync(guard.Checkout, repo.Env(("CI", "true")), Start);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            [
                $"error: the checkout at {guard.Checkout} is on a detached HEAD (as CI systems check out pull requests, tags and commits), so there is no branch to commit to",
                "hint: pass --branch (GRAYSTEP_BRANCH) with the GitOps branch to commit to, for example --branch main",
            ],
            result.ErrorLines);
        guard.AssertUnchanged();
    }

    [Fact]
    public async Task A_detached_HEAD_outside_CI_works_on_the_remotes_default_branch_and_stays_detached()
    {
        using var repo = new GitOpsRepo();
        var guard = new NothingChanged(repo, detached: true);

        var result = await repo.RunInAsync(guard.Checkout, repo.Env(), [.. Start, "--once"]);

        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.Equal(["initialize v1 100 0/0", "retire v1 100 0/0", "start v2 0 0/3"], repo.Timeline());
        guard.AssertCheckoutUnchanged();
    }

    [Fact]
    public async Task The_git_binary_is_missing()
    {
        using var repo = new GitOpsRepo();
        var guard = new NothingChanged(repo);
        var noGit = repo.Combine("no-git-here");
        Directory.CreateDirectory(noGit);
        var dotnetRoot = Path.GetDirectoryName(Path.GetFullPath(RealDotnet()))!;

        var result = await repo.RunInAsync(guard.Checkout, repo.Env(("PATH", noGit), ("DOTNET_ROOT", dotnetRoot)), [.. Start, "--repo", repo.Remote]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            [
                "error: git is not installed or not on PATH; install git 2.25+",
                "hint: install git and make sure the directory that holds it is on PATH",
            ],
            result.ErrorLines);
        guard.AssertUnchanged();
    }

    [Fact]
    public async Task An_invalid_spec_is_reported_with_every_problem_and_nothing_is_written()
    {
        using var repo = new GitOpsRepo(tweaks: [("    threshold: 5", "    treshold: 5")]);
        var guard = new NothingChanged(repo);

        var result = await repo.RunInAsync(guard.Checkout, repo.Env(), [.. Start, "--repo", repo.Remote]);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("error: 1 problem in the rollout spec; nothing was written", result.ErrorLines[^1]);
        Assert.Contains("treshold", result.ErrorLines[0], StringComparison.Ordinal);
        Assert.Contains("threshold", result.ErrorLines[0], StringComparison.Ordinal);
        guard.AssertUnchanged();
    }

    private static void RejectPushes(GitOpsRepo repo)
    {
        var hook = Path.Combine(repo.Remote, "hooks", "pre-receive");
        File.WriteAllText(hook, "#!/bin/sh\necho 'denied by policy: no direct pushes to main' >&2\nexit 1\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static string RealDotnet()
    {
        var dotnet = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Select(d => Path.Combine(d, "dotnet")).First(File.Exists);
        return new FileInfo(dotnet).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dotnet;
    }

    /// <summary>The user's checkout a test runs graystep from, and the remote: recorded before, compared after.</summary>
    private sealed class NothingChanged
    {
        private readonly GitOpsRepo _repo;
        private readonly string _refs;
        private readonly string _head;
        private readonly string _status;

        public NothingChanged(GitOpsRepo repo, bool dirty = false, bool detached = false)
        {
            _repo = repo;
            Checkout = repo.Checkout("checkout");
            if (dirty)
            {
                File.AppendAllText(Path.Combine(Checkout, "README.md"), "\nwork in progress\n");
            }

            if (detached)
            {
                RawGit.Run(Checkout, "checkout", "-q", "--detach");
            }

            _refs = RawGit.Refs(repo.Remote);
            _head = RawGit.Run(Checkout, "rev-parse", "HEAD");
            _status = RawGit.Run(Checkout, "status", "--porcelain", "--untracked-files=all");
            Assert.Equal(dirty, _status.Length > 0);
        }

        public string Checkout { get; }

        public void AssertUnchanged()
        {
            Assert.Equal(_refs, RawGit.Refs(_repo.Remote));
            AssertCheckoutUnchanged();
        }

        public void AssertCheckoutUnchanged()
        {
            Assert.Equal(_head, RawGit.Run(Checkout, "rev-parse", "HEAD"));
            Assert.Equal(_status, RawGit.Run(Checkout, "status", "--porcelain", "--untracked-files=all"));
        }
    }
}
