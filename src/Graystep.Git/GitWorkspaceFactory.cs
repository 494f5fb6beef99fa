using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.History;

namespace Graystep.Git;

/// <summary>
/// Resolves <c>--repo</c>/<c>--branch</c> to a workspace Graystep may write to (see docs/git.md):
/// a CI checkout is reused in place; anything else is worked on in a managed clone in the workspace cache, and the
/// user's own checkout is only ever read.
/// </summary>
public sealed partial class GitWorkspaceFactory
{
    internal const string MarkerFile = "graystep-workspace";
    internal const string SparseFile = "graystep-sparse";

    /// <summary>How many managed copies of one repository and branch may be in use at once (one per concurrent run).</summary>
    internal const int Slots = 4;

    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(100);

    private readonly GitCli _git;
    private readonly IEnvironment _environment;
    private readonly TimeProvider _time;

    public GitWorkspaceFactory(GitCli git, IEnvironment environment, TimeProvider? time = null)
    {
        _git = git ?? throw new ArgumentNullException(nameof(git));
        _environment = environment ?? throw new ArgumentNullException(nameof(environment));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>A factory over the real <c>git</c>, process environment and clock.</summary>
    public static GitWorkspaceFactory CreateDefault() =>
        new(new GitCli(new ProcessRunner(), SystemEnvironment.Instance), SystemEnvironment.Instance);

    public async Task<GitWorkspace> OpenAsync(WorkspaceOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var workingDirectory = options.WorkingDirectory ?? Directory.GetCurrentDirectory();
        var repo = string.IsNullOrWhiteSpace(options.Repo) ? workingDirectory : options.Repo.Trim();
        var branch = string.IsNullOrWhiteSpace(options.Branch) ? null : options.Branch.Trim();
        var identity = options.Identity ?? GitIdentity.FromEnvironment(_environment);

        if (IsUrl(repo))
        {
            return await OpenManagedAsync(repo, branch, localPath: false, options, identity, null, cancellationToken).ConfigureAwait(false);
        }

        var path = Path.GetFullPath(repo, workingDirectory);
        if (!Directory.Exists(path))
        {
            throw new GraystepException(
                $"repository {path} does not exist",
                ExitCodes.Failure,
                "pass --repo (GRAYSTEP_REPO) with a path to a checkout or bare repository, or with the repository's URL");
        }

        var probe = await _git.RunAsync(
            path,
            ["rev-parse", "--is-bare-repository", "--absolute-git-dir", "--show-cdup"],
            new GitRunOptions { AllowFailure = true },
            cancellationToken).ConfigureAwait(false);
        var lines = probe.Stdout.Split('\n');
        if (probe.ExitCode != 0 || lines.Length < 2)
        {
            throw new GraystepException(
                $"{path} is not a git repository",
                ExitCodes.Failure,
                "run Graystep inside a checkout of the GitOps repository, or pass --repo (GRAYSTEP_REPO) with its path or URL");
        }

        if (lines[0].Trim() == "true")
        {
            return await OpenManagedAsync(lines[1].Trim(), branch, localPath: true, options, identity, null, cancellationToken).ConfigureAwait(false);
        }

        var top = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(path, lines.Length > 2 ? lines[2].Trim() : string.Empty)));
        var checkout = await ReadCheckoutAsync(top, cancellationToken).ConfigureAwait(false);
        if (CiDetection.IsCi(_environment))
        {
            return await OpenCiCheckoutAsync(top, checkout, branch, identity, cancellationToken).ConfigureAwait(false);
        }

        // Outside CI the checkout is the user's: read its remote, then work in a managed clone of that remote.
        var remote = checkout.RemoteFor(checkout.CurrentBranch);
        if (remote is not null)
        {
            branch ??= checkout.UpstreamBranch(checkout.CurrentBranch) ?? checkout.CurrentBranch;
            var url = checkout.RemoteUrl(remote, top);
            return await OpenManagedAsync(url, branch, localPath: !IsUrl(url), options, identity, top, cancellationToken).ConfigureAwait(false);
        }

        if (checkout.Remotes.Count > 1)
        {
            throw new GraystepException(
                $"the checkout at {top} has several remotes ({string.Join(", ", checkout.Remotes)}) and none is 'origin'",
                ExitCodes.Failure,
                "pass --repo (GRAYSTEP_REPO) with the URL of the remote that holds the GitOps branch");
        }

        // No remote: the checkout itself is the repository. Graystep still works in a managed clone and pushes back
        // into it, which only moves a branch ref; the branch checked out there cannot be updated that way without
        // touching the user's working tree, so it is refused up front.
        if (branch is null || string.Equals(branch, checkout.CurrentBranch, StringComparison.Ordinal))
        {
            throw new GraystepException(
                $"the checkout at {top} has no remote, and Graystep never writes to your working tree"
                + (checkout.CurrentBranch is null ? string.Empty : $" (branch '{checkout.CurrentBranch}' is checked out there)"),
                ExitCodes.Failure,
                "add a remote (git remote add origin URL), or pass --repo with a bare repository or URL, or pass --branch with a branch that is not checked out");
        }

        return await OpenManagedAsync(top, branch, localPath: true, options, identity, top, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="repo"/> is a URL (scheme://, or scp-like user@host:path) rather than a local path.</summary>
    internal static bool IsUrl(string repo) => repo.Contains("://", StringComparison.Ordinal) || ScpLike().IsMatch(repo);

    internal static string DefaultWorkspaceRoot(IEnvironment environment)
    {
        var configured = environment.GetVariable("GRAYSTEP_WORKSPACE");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        var cache = environment.GetVariable("XDG_CACHE_HOME");
        if (string.IsNullOrWhiteSpace(cache))
        {
            var local = OperatingSystem.IsWindows() ? environment.GetVariable("LOCALAPPDATA") : null;
            var home = environment.GetVariable("HOME") ?? environment.GetVariable("USERPROFILE");
            cache = !string.IsNullOrWhiteSpace(local) ? local
                : !string.IsNullOrWhiteSpace(home) ? Path.Combine(home, ".cache")
                : Path.GetTempPath();
        }

        return Path.Combine(cache, "graystep", "workspaces");
    }

    /// <summary>A folder name that a person recognizes and that is unique to the repository and branch.</summary>
    internal static string WorkspaceName(string url, string branch)
    {
        var plain = GitWorkspace.StripUserInfo(url).Trim().TrimEnd('/', '\\');
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plain + "\n" + branch)))[..12];
        var last = plain.Split('/', '\\', ':').LastOrDefault(s => s.Length > 0) ?? "repo";
        if (last.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            last = last[..^4];
        }

        var slug = new string([.. last.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-')]).Trim('.', '-');
        if (slug.Length == 0)
        {
            slug = "repo";
        }

        return $"{(slug.Length > 40 ? slug[..40] : slug)}-{hash}";
    }

    private async Task<GitWorkspace> OpenCiCheckoutAsync(string top, CheckoutInfo checkout, string? branch, GitIdentity identity, CancellationToken cancellationToken)
    {
        var status = await _git.RunAsync(top, ["status", "--porcelain", "-z", "--untracked-files=no"], cancellationToken).ConfigureAwait(false);
        var dirty = status.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(e => e.Length > 3).Select(e => e[3..]).ToList();
        if (dirty.Count > 0)
        {
            throw new GraystepException(
                $"the working tree at {top} has uncommitted changes; commit or stash them, or point --repo at the remote"
                + $" (changed: {string.Join(", ", dirty.Take(5))}{(dirty.Count > 5 ? ", ..." : string.Empty)})",
                ExitCodes.Failure,
                "Graystep reuses a CI checkout in place only when it is clean");
        }

        if (branch is null && checkout.CurrentBranch is null)
        {
            throw new GraystepException(
                $"the checkout at {top} is on a detached HEAD (as CI systems check out pull requests, tags and commits), so there is no branch to commit to",
                ExitCodes.Failure,
                "pass --branch (GRAYSTEP_BRANCH) with the GitOps branch to commit to, for example --branch main");
        }

        branch ??= checkout.UpstreamBranch(checkout.CurrentBranch) ?? checkout.CurrentBranch!;
        var remote = checkout.RemoteFor(branch) ?? checkout.RemoteFor(checkout.CurrentBranch)
            ?? throw new GraystepException(
                $"the checkout at {top} has no remote to push to" + (checkout.Remotes.Count > 1 ? $" (it has {string.Join(", ", checkout.Remotes)} and none is 'origin')" : string.Empty),
                ExitCodes.Failure,
                "check out the repository from its remote in the CI job, or pass --repo with the remote's URL");

        var workspace = new GitWorkspace(_git, WorkspaceKind.CiCheckout, top, branch, remote, checkout.RemoteUrl(remote, top), identity, _time, null) { LocalCheckout = top };
        await workspace.FetchAsync(cancellationToken).ConfigureAwait(false);
        if (string.Equals(checkout.CurrentBranch, branch, StringComparison.Ordinal))
        {
            var ahead = await _git.RunAsync(top, ["rev-list", "--count", $"refs/remotes/{remote}/{branch}..HEAD"], cancellationToken).ConfigureAwait(false);
            var count = int.Parse(ahead.Stdout.Trim(), CultureInfo.InvariantCulture);

            // Commits of an earlier Graystep run that was killed (or refused) before its push are dropped by the reset
            // below: they never reached the remote, and the next decision is made again from the state there.
            if (count > 0 && !await OnlyGraystepCommitsAsync(top, $"refs/remotes/{remote}/{branch}..HEAD", cancellationToken).ConfigureAwait(false))
            {
                throw new GraystepException(
                    $"the checkout at {top} has {count} commit(s) on '{branch}' that are not on {remote}; Graystep would drop them",
                    ExitCodes.Failure,
                    $"push them first (git push {remote} {branch}), or point --repo at the remote");
            }
        }

        await workspace.ResetToRemoteAsync(cancellationToken).ConfigureAwait(false);
        return workspace;
    }

    private async Task<bool> OnlyGraystepCommitsAsync(string top, string range, CancellationToken cancellationToken)
    {
        var log = await _git.RunAsync(top, ["log", "-z", "--format=%B", range], cancellationToken).ConfigureAwait(false);
        return log.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(message => CommitMessageFormat.Parse(message.TrimStart('\n')))
            .All(message => message.Trailer(Trailers.Rollout) is not null && message.Trailer(Trailers.Action) is not null);
    }

    private async Task<GitWorkspace> OpenManagedAsync(
        string url, string? branch, bool localPath, WorkspaceOptions options, GitIdentity identity, string? localCheckout, CancellationToken cancellationToken)
    {
        var shownUrl = GitWorkspace.StripUserInfo(url);
        branch ??= await DefaultBranchAsync(url, shownUrl, cancellationToken).ConfigureAwait(false);
        var sparse = NormalizeSparse(options.SparsePaths);
        var root = options.WorkspaceRoot is null ? DefaultWorkspaceRoot(_environment) : Path.GetFullPath(options.WorkspaceRoot);
        Directory.CreateDirectory(root);

        var (folder, workspaceLock) = await AcquireSlotAsync(root, WorkspaceName(url, branch), shownUrl, branch, options.LockTimeout, cancellationToken).ConfigureAwait(false);
        try
        {
            var workspace = new GitWorkspace(_git, WorkspaceKind.Managed, folder, branch, "origin", url, identity, _time, workspaceLock) { LocalCheckout = localCheckout };
            if (Directory.Exists(folder))
            {
                await ReuseAsync(workspace, url, sparse, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await CloneAsync(folder, url, shownUrl, branch, localPath, sparse, cancellationToken).ConfigureAwait(false);
            }

            return workspace;
        }
        catch
        {
            workspaceLock.Dispose();
            throw;
        }
    }

    private async Task ReuseAsync(GitWorkspace workspace, string url, IReadOnlyList<string> sparse, CancellationToken cancellationToken)
    {
        var folder = workspace.Root;
        var gitDir = Path.Combine(folder, ".git");
        if (!File.Exists(Path.Combine(gitDir, MarkerFile)))
        {
            throw new GraystepException(
                $"{folder} exists but is not a Graystep workspace",
                ExitCodes.Failure,
                "remove that folder, or set GRAYSTEP_WORKSPACE to a folder that only Graystep uses");
        }

        // We hold the slot's lock, so any git lock file here was left by a run that was killed mid-command.
        foreach (var stale in new[] { "index.lock", "HEAD.lock", "config.lock", "packed-refs.lock", "shallow.lock", $"refs/heads/{workspace.Branch}.lock", $"refs/remotes/origin/{workspace.Branch}.lock" })
        {
            var path = Path.Combine(gitDir, stale);
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }

        var current = await _git.RunAsync(folder, ["config", "--get", "remote.origin.url"], new GitRunOptions { AllowFailure = true }, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(current.Stdout.Trim(), url, StringComparison.Ordinal))
        {
            // Same repository (the folder name says so), new credentials in the URL: CI tokens change every run.
            await _git.RunAsync(folder, ["remote", "set-url", "origin", url], cancellationToken).ConfigureAwait(false);
        }

        await ApplySparseAsync(folder, sparse, cancellationToken).ConfigureAwait(false);
        await workspace.RefreshAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CloneAsync(string folder, string url, string shownUrl, string branch, bool localPath, IReadOnlyList<string> sparse, CancellationToken cancellationToken)
    {
        var parent = Path.GetDirectoryName(folder)!;
        var name = Path.GetFileName(folder);
        foreach (var leftover in Directory.EnumerateDirectories(parent, name + ".tmp-*"))
        {
            // An earlier clone into this slot was killed; we hold the slot's lock, so nobody else is using it.
            DeleteDirectory(leftover);
        }

        // Clone beside the final folder and move it into place when complete, so a killed clone never leaves
        // a half-made workspace where the next run would reuse it.
        var temporary = $"{folder}.tmp-{Guid.NewGuid():N}"[..(folder.Length + 13)];
        List<string> arguments =
        [
            "clone", "--quiet", "--no-checkout", "--single-branch", "--no-tags", "--branch", branch,
            "--config", "gc.autoDetach=false",
        ];
        if (!localPath)
        {
            // Commits and trees only; file contents come on demand for what the (sparse) checkout needs.
            // A local path clones by hard links instead, which is cheaper still.
            arguments.Add("--filter=blob:none");
        }

        arguments.AddRange(["--", url, temporary]);
        try
        {
            var result = await _git.RunAsync(parent, arguments, new GitRunOptions { AllowFailure = true }, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw await RemoteErrors.ClassifyAsync(_git, parent, url, arguments, result, shownUrl, branch, cancellationToken).ConfigureAwait(false);
            }

            await ApplySparseAsync(temporary, sparse, cancellationToken).ConfigureAwait(false);
            await _git.RunAsync(temporary, ["checkout", "-q", "-f", "-B", branch, $"refs/remotes/origin/{branch}"], cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(
                Path.Combine(temporary, ".git", MarkerFile),
                $"Graystep workspace: its own scratch clone, reset to the remote at every run.\nremote: {shownUrl}\nbranch: {branch}\n",
                cancellationToken).ConfigureAwait(false);
            Directory.Move(temporary, folder);
        }
        catch
        {
            DeleteDirectory(temporary);
            throw;
        }
    }

    private async Task ApplySparseAsync(string folder, IReadOnlyList<string> sparse, CancellationToken cancellationToken)
    {
        var file = Path.Combine(folder, ".git", SparseFile);
        var wanted = string.Join('\n', sparse);
        var current = File.Exists(file) ? await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false) : string.Empty;
        if (string.Equals(current, wanted, StringComparison.Ordinal))
        {
            return;
        }

        if (sparse.Count == 0)
        {
            await _git.RunAsync(folder, ["sparse-checkout", "disable"], cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _git.RunAsync(folder, ["sparse-checkout", "init", "--cone", "--sparse-index"], cancellationToken).ConfigureAwait(false);
            await _git.RunAsync(folder, ["sparse-checkout", "set", .. sparse], cancellationToken).ConfigureAwait(false);
        }

        await File.WriteAllTextAsync(file, wanted, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> DefaultBranchAsync(string url, string shownUrl, CancellationToken cancellationToken)
    {
        string[] arguments = ["ls-remote", "--symref", "--", url, "HEAD"];
        var result = await _git.RunAsync(null, arguments, new GitRunOptions { AllowFailure = true }, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw RemoteErrors.Classify(arguments, result, shownUrl, null);
        }

        var symref = result.Stdout.Split('\n').FirstOrDefault(l => l.StartsWith("ref: refs/heads/", StringComparison.Ordinal));
        if (symref is null)
        {
            throw new GraystepException(
                $"repository {shownUrl} has no default branch (it is empty, or its HEAD is detached)",
                ExitCodes.Failure,
                "pass --branch (GRAYSTEP_BRANCH), or push a first commit to the repository");
        }

        return symref["ref: refs/heads/".Length..].Split('\t')[0].Trim();
    }

    private async Task<(string Folder, WorkspaceLock Lock)> AcquireSlotAsync(
        string root, string name, string shownUrl, string branch, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            for (var slot = 0; slot < Slots; slot++)
            {
                var folder = Path.Combine(root, slot == 0 ? name : $"{name}-{slot.ToString(CultureInfo.InvariantCulture)}");
                var acquired = WorkspaceLock.TryAcquire(folder + ".lock");
                if (acquired is not null)
                {
                    return (folder, acquired);
                }
            }

            if (_time.GetElapsedTime(started) >= timeout)
            {
                throw new GraystepException(
                    $"all {Slots} Graystep workspaces for {shownUrl} (branch {branch}) under {root} are in use by other Graystep processes; waited {timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)}s",
                    ExitCodes.Failure,
                    "wait for the other runs to finish, or set GRAYSTEP_WORKSPACE to another folder");
            }

            await Task.Delay(LockPoll, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<CheckoutInfo> ReadCheckoutAsync(string top, CancellationToken cancellationToken)
    {
        var head = await _git.RunAsync(top, ["symbolic-ref", "-q", "HEAD"], new GitRunOptions { AllowFailure = true }, cancellationToken).ConfigureAwait(false);
        var current = head.ExitCode == 0 && head.Stdout.StartsWith("refs/heads/", StringComparison.Ordinal)
            ? head.Stdout.Trim()["refs/heads/".Length..]
            : null;

        var config = await _git.RunAsync(top, ["config", "-z", "--get-regexp", @"^(branch|remote)\."], new GitRunOptions { AllowFailure = true }, cancellationToken).ConfigureAwait(false);
        var entries = new List<KeyValuePair<string, string>>();
        foreach (var entry in config.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var newline = entry.IndexOf('\n', StringComparison.Ordinal);
            entries.Add(newline < 0 ? new(entry, string.Empty) : new(entry[..newline], entry[(newline + 1)..]));
        }

        return new CheckoutInfo(current, entries);
    }

    private static List<string> NormalizeSparse(IReadOnlyList<string>? paths)
    {
        var normalized = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in paths ?? [])
        {
            var p = path.Replace('\\', '/').Trim().Trim('/');
            while (p.StartsWith("./", StringComparison.Ordinal))
            {
                p = p[2..];
            }

            if (p.Length == 0 || p == ".")
            {
                // The whole repository: no sparse checkout at all.
                return [];
            }

            if (Path.IsPathRooted(p) || p.Split('/').Contains(".."))
            {
                throw new ArgumentException($"Sparse path '{path}' must be relative to the repository root.", nameof(paths));
            }

            normalized.Add(p);
        }

        return [.. normalized];
    }

    private static void DeleteDirectory(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
        {
            // git writes its pack files read-only; Windows will not delete those otherwise.
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(path, recursive: true);
    }

    // git's rule: a colon before the first slash makes it scp-like ssh (git@host:org/repo), but not a drive letter.
    [GeneratedRegex(@"^(?:[^@/\\\s]+@)?[^@/\\:\s]{2,}:")]
    private static partial Regex ScpLike();

    /// <summary>What Graystep reads from a checkout: the branch checked out and the remote and branch settings.</summary>
    private sealed record CheckoutInfo(string? CurrentBranch, IReadOnlyList<KeyValuePair<string, string>> Config)
    {
        public IReadOnlyList<string> Remotes { get; } = Config
            .Where(e => e.Key.StartsWith("remote.", StringComparison.Ordinal) && e.Key.EndsWith(".url", StringComparison.Ordinal))
            .Select(e => e.Key["remote.".Length..^".url".Length])
            .Distinct(StringComparer.Ordinal)
            .ToList();

        /// <summary>The branch's configured remote, else origin, else the only remote there is.</summary>
        public string? RemoteFor(string? branch)
        {
            var configured = branch is null ? null : Get($"branch.{branch}.remote");
            if (configured is not null && Remotes.Contains(configured))
            {
                return configured;
            }

            return Remotes.Contains("origin") ? "origin" : Remotes.Count == 1 ? Remotes[0] : null;
        }

        /// <summary>The name of the remote branch that <paramref name="branch"/> tracks, if it tracks one.</summary>
        public string? UpstreamBranch(string? branch)
        {
            var merge = branch is null ? null : Get($"branch.{branch}.merge");
            return merge is not null && merge.StartsWith("refs/heads/", StringComparison.Ordinal) ? merge["refs/heads/".Length..] : null;
        }

        public string RemoteUrl(string remote, string top)
        {
            var url = Get($"remote.{remote}.url") ?? throw new GraystepException($"remote '{remote}' of {top} has no URL");

            // A relative path remote is relative to the checkout, not to wherever Graystep runs.
            return IsUrl(url) || Path.IsPathRooted(url) ? url : Path.GetFullPath(url, top);
        }

        private string? Get(string key) =>
            Config.LastOrDefault(e => string.Equals(e.Key, key, StringComparison.Ordinal)).Value;
    }
}
