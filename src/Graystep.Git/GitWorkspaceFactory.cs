using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.History;
using Graystep.Core.Secrets;

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
    private readonly GitSettings _settings;
    private readonly TimeProvider _time;

    public GitWorkspaceFactory(GitCli git, GitSettings settings, TimeProvider? time = null)
    {
        _git = git ?? throw new ArgumentNullException(nameof(git));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _time = time ?? TimeProvider.System;
    }

    public async Task<GitWorkspace> OpenAsync(WorkspaceOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var workingDirectory = options.WorkingDirectory ?? Directory.GetCurrentDirectory();
        var repo = string.IsNullOrWhiteSpace(options.Repo) ? workingDirectory : options.Repo.Trim();
        var branch = string.IsNullOrWhiteSpace(options.Branch) ? null : options.Branch.Trim();
        var identity = options.Identity ?? _settings.Identity;

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
        if (_settings.InCi)
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

        var workspace = new GitWorkspace(_git, WorkspaceKind.CiCheckout, top, branch, remote, checkout.RemoteUrl(remote, top), identity, _time, null) { LocalCheckout = top, Redactor = _settings.Redactor };
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
