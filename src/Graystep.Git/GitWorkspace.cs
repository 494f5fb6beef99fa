using System.Globalization;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.History;
using Graystep.Core.Secrets;

namespace Graystep.Git;

/// <summary>
/// A working copy of the GitOps branch that Graystep writes to: its own managed clone, or a CI checkout reused in
/// place. A commit's blobs, trees and commit object are written in-process (<see cref="GitObjects"/>), then git stages
/// them (update-index) and moves the branch with a compare-and-swap (update-ref NEW OLD); where the in-process path
/// cannot match git exactly, plumbing does it all (add, write-tree, commit-tree, update-ref). Either way a commit is
/// exactly the given paths, carries the message byte for byte, runs no local hooks, and never leaves a half-made
/// commit behind. One instance is used by one caller at a time; dispose it to release the managed workspace's lock.
/// </summary>
public sealed class GitWorkspace : IGitWorkspace, IRemoteBranches, IAsyncDisposable, IDisposable
{
    private readonly GitCli _git;
    private readonly string _remoteName;
    private readonly string _pushUrl;
    private readonly TimeProvider _time;
    private WorkspaceLock? _lock;
    private GitObjects? _objects;
    private bool _objectsTried;

    // True while a reset to the branch would change nothing: after a reset, or a commit made in-process (its paths on
    // disk are exactly the commit), until Graystep may write again (CommitAsync, RestoreAsync).
    private bool _settled;

    internal GitWorkspace(
        GitCli git,
        WorkspaceKind kind,
        string root,
        string branch,
        string remoteName,
        string pushUrl,
        GitIdentity identity,
        TimeProvider time,
        WorkspaceLock? workspaceLock)
    {
        _git = git;
        Kind = kind;
        Root = root;
        Branch = branch;
        _remoteName = remoteName;
        _pushUrl = pushUrl;
        Identity = identity;
        _time = time;
        _lock = workspaceLock;
    }

    public string Root { get; }

    public string Branch { get; }

    public WorkspaceKind Kind { get; }

    public GitIdentity Identity { get; }

    /// <summary>Masks commit messages (<see cref="GitSettings.Redactor"/>); null masks nothing.</summary>
    internal Core.Secrets.Redactor? Redactor { get; init; }

    /// <summary>
    /// The top of the working checkout that <c>--repo</c> named (or the current directory was in), when it was one;
    /// null for a URL or a bare repository. A rollout path given relative to that checkout maps onto <see cref="Root"/>.
    /// </summary>
    public string? LocalCheckout { get; internal init; }

    /// <summary>
    /// The folders of the managed workspace's sparse checkout (empty: everything), or null when Graystep did not set it
    /// up (a CI checkout): a commit in-process only covers paths it knows to be on disk.
    /// </summary>
    internal IReadOnlyList<string>? SparseFolders { get; init; }

    /// <summary>Whether commits and short logs are built in-process when they can be (tests turn it off to compare with the CLI path).</summary>
    internal bool InProcess { get; set; } = true;

    /// <summary>How the last commit was made: "in-process", or "git" with the reason the in-process path gave way.</summary>
    internal string? LastCommitPath { get; private set; }

    /// <summary>The remote this workspace pushes to, without any credentials (safe to print; hosts parse it).</summary>
    public string RemoteUrl => UrlCredentials.Strip(_pushUrl);

    /// <summary>
    /// Up to this many commits a log is read in-process (the newest status commit, per step); a longer history is
    /// read by git, whose commit-graph walks it faster.
    /// </summary>
    private const int InProcessLogLimit = 50;

    private string RemoteRef => $"refs/remotes/{_remoteName}/{Branch}";

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await FetchAsync(cancellationToken).ConfigureAwait(false);
        await ResetToRemoteAsync(cancellationToken).ConfigureAwait(false);
    }

    internal async Task ResetToRemoteAsync(CancellationToken cancellationToken)
    {
        // Nothing wrote to the copy since the last reset or since our own commit, and the branch is at the remote tip:
        // checkout and clean would change nothing, so two git processes per step are saved. Every write Graystep
        // makes comes before a CommitAsync or is a RestoreAsync, and both unsettle the copy.
        if (_settled && Objects()?.IsAt(Branch, RemoteRef) == true)
        {
            return;
        }

        _settled = false;

        // -f -B: whatever the copy holds (an unpushed commit, a staged or edited file) gives way to the remote tip.
        await RunAsync(["checkout", "-q", "-f", "-B", Branch, RemoteRef], cancellationToken).ConfigureAwait(false);
        if (Kind == WorkspaceKind.Managed)
        {
            // Only in our own scratch copy: files a killed run wrote but never committed must not leak into the next commit.
            await RunAsync(["clean", "-q", "-f", "-f", "-d", "-x"], cancellationToken).ConfigureAwait(false);
        }

        _settled = true;
    }

    public async Task<string> HeadAsync(CancellationToken cancellationToken) =>
        (await RunAsync(["rev-parse", "--verify", "HEAD"], cancellationToken).ConfigureAwait(false)).Stdout.Trim();

    public string Redact(string text) => Redactor?.Apply(text) ?? text;

    public async Task<string?> CommitAsync(IReadOnlyList<string> paths, CommitMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(message);
        _settled = false;
        // A commit is an output sink like any other: a secret that came back in a remote's error text stops here.
        var text = CommitMessageFormat.Format(message);
        text = Redact(text);
        var relative = paths.Select(NormalizePath).Distinct(StringComparer.Ordinal).ToList();
        if (relative.Count == 0)
        {
            return null;
        }

        if (Objects()?.Prepare(relative, text, Identity, _time.GetUtcNow(), SparseFolders) is { } prepared)
        {
            LastCommitPath = "in-process";
            return await CommitPreparedAsync(prepared, relative, message, cancellationToken).ConfigureAwait(false);
        }

        LastCommitPath = "git" + (_objects?.Unsupported is { } reason ? ": " + reason : string.Empty);
        var staged = false;
        try
        {
            // A path that is gone from disk is a deletion when HEAD has it, and nothing at all when it does not;
            // ls-tree tells them apart without touching the index (git rm would expand a sparse index).
            var gone = relative.Where(p => !File.Exists(Path.Combine(Root, p)) && !Directory.Exists(Path.Combine(Root, p))).ToList();
            var tracked = gone.Count == 0
                ? []
                : (await RunAsync(["--literal-pathspecs", "ls-tree", "--name-only", "-z", "HEAD", "--", .. gone], cancellationToken).ConfigureAwait(false)).Stdout
                    .Split('\0', StringSplitOptions.RemoveEmptyEntries)
                    .ToHashSet(StringComparer.Ordinal);
            var toStage = relative.Where(p => !gone.Contains(p) || tracked.Contains(p)).ToList();
            if (toStage.Count > 0)
            {
                staged = true;
                await RunAsync(["--literal-pathspecs", "add", "-A", "--", .. toStage], cancellationToken).ConfigureAwait(false);
            }

            var tree = (await RunAsync(["write-tree"], cancellationToken).ConfigureAwait(false)).Stdout.Trim();
            var head = (await RunAsync(["rev-parse", "HEAD", "HEAD^{tree}"], cancellationToken).ConfigureAwait(false)).Stdout
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (head.Length != 2)
            {
                throw new GitException($"could not read HEAD in {Root}");
            }

            if (string.Equals(tree, head[1], StringComparison.Ordinal))
            {
                return null;
            }

            var commit = (await _git.RunAsync(
                Root,
                ["commit-tree", tree, "-p", head[0], "-F", "-"],
                new GitRunOptions { StandardInput = text, Environment = IdentityEnvironment() },
                cancellationToken).ConfigureAwait(false)).Stdout.Trim();

            // Compare-and-swap on the branch: if anything moved it since we read HEAD, fail instead of losing that commit.
            await RunAsync(["update-ref", "-m", "graystep: " + message.Subject, "refs/heads/" + Branch, commit, head[0]], cancellationToken).ConfigureAwait(false);
            return commit;
        }
        catch when (staged)
        {
            // The files on disk stay for the caller to inspect or overwrite.
            await ResetIndexAsync(relative).ConfigureAwait(false);
            throw;
        }
    }

    internal async Task<string?> CommitPreparedAsync(PreparedCommit prepared, IReadOnlyList<string> relative, CommitMessage message, CancellationToken cancellationToken)
    {
        if (prepared.Sha is null)
        {
            return null;
        }

        try
        {
            // The index follows the commit, as git add would have left it: only the committed paths change.
            await _git.RunAsync(
                Root,
                ["update-index", "--add", "--replace", "-z", "--index-info"],
                new GitRunOptions { StandardInput = prepared.IndexInfo() },
                cancellationToken).ConfigureAwait(false);

            // Compare-and-swap on the branch: if anything moved it since we read HEAD, fail instead of losing that commit.
            await RunAsync(["update-ref", "-m", "graystep: " + message.Subject, "refs/heads/" + Branch, prepared.Sha, prepared.Parent], cancellationToken).ConfigureAwait(false);
            _settled = !prepared.LeftIgnored;
            return prepared.Sha;
        }
        catch
        {
            // The commit object stays unreferenced (git gc drops it).
            await ResetIndexAsync(relative).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>After a failed commit, the index goes back to HEAD for these paths (best effort: the failure is what is reported).</summary>
    private Task ResetIndexAsync(IReadOnlyList<string> relative) =>
        _git.RunAsync(
            Root,
            ["--literal-pathspecs", "reset", "-q", "--", .. relative],
            new GitRunOptions { AllowFailure = true },
            CancellationToken.None);

    public async Task RestoreAsync(string commit, string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commit);
        _settled = false;
        // git writes the blobs itself, so the restored files are the committed bytes (no re-encoding on the way).
        await RunAsync(["--literal-pathspecs", "restore", "--source=" + commit, "--staged", "--worktree", "--", NormalizePath(path)], cancellationToken).ConfigureAwait(false);
    }

    public async Task<PushOutcome> PushAsync(CancellationToken cancellationToken) =>
        await PushRefAsync($"refs/heads/{Branch}", Branch, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public Task<PushOutcome> PushBranchAsync(string sha, string remoteBranch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sha);
        EnsureOtherBranch(remoteBranch);
        return PushRefAsync(sha, remoteBranch, cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteRemoteBranchAsync(string remoteBranch, CancellationToken cancellationToken)
    {
        EnsureOtherBranch(remoteBranch);
        string[] arguments = ["push", "--porcelain", "--no-verify", _remoteName, ":refs/heads/" + remoteBranch];
        var result = await _git.RunAsync(Root, arguments, new GitRunOptions { AllowFailure = true }, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0 && !(result.Stderr + result.Stdout).Contains("remote ref does not exist", StringComparison.OrdinalIgnoreCase))
        {
            throw GitCli.Failure(arguments, result, $"could not delete branch '{remoteBranch}' on {RemoteUrl}", PushHint(result));
        }
    }

    public async Task<IReadOnlyList<CommitRecord>> LogAsync(string? path, int maxCount, CancellationToken cancellationToken)
    {
        if (maxCount is > 0 and <= InProcessLogLimit
            && Objects()?.Log("refs/heads/" + Branch, string.IsNullOrEmpty(path) ? null : NormalizePath(path), maxCount) is { } found)
        {
            return found;
        }

        // --first-parent: the branch's own history. A pull request merged with a merge commit shows as that merge
        // commit (what the cluster syncs to), not as the step branch's commit behind it.
        List<string> arguments = ["--literal-pathspecs", "log", "--first-parent", "-z", "--format=%H%x1f%cI%x1f%an%x1f%ae%x1f%B"];
        if (maxCount > 0)
        {
            arguments.Add("--max-count=" + maxCount.ToString(CultureInfo.InvariantCulture));
        }

        arguments.Add("refs/heads/" + Branch);
        arguments.Add("--");
        if (!string.IsNullOrEmpty(path))
        {
            arguments.Add(NormalizePath(path));
        }

        var output = (await RunAsync(arguments, cancellationToken).ConfigureAwait(false)).Stdout;
        var records = new List<CommitRecord>();
        foreach (var entry in output.Split('\0'))
        {
            var fields = entry.TrimStart('\n').Split('\x1f', 5);
            if (fields.Length < 5)
            {
                continue;
            }

            records.Add(new CommitRecord(
                fields[0],
                DateTimeOffset.Parse(fields[1], CultureInfo.InvariantCulture, DateTimeStyles.None),
                fields[2],
                fields[3],
                CommitMessageFormat.Parse(fields[4])));
        }

        return records;
    }

    public void Dispose()
    {
        _objects?.Dispose();
        _objects = null;
        _lock?.Dispose();
        _lock = null;
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    internal async Task FetchAsync(CancellationToken cancellationToken)
    {
        string[] arguments = ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", _remoteName, $"+refs/heads/{Branch}:{RemoteRef}"];
        var result = await _git.RunAsync(Root, arguments, new GitRunOptions { AllowFailure = true }, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw await RemoteErrors.ClassifyAsync(_git, Root, _remoteName, arguments, result, RemoteUrl, Branch, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<PushOutcome> PushRefAsync(string source, string remoteBranch, CancellationToken cancellationToken)
    {
        string[] arguments = ["push", "--porcelain", "--no-verify", _remoteName, $"{source}:refs/heads/{remoteBranch}"];
        var result = await _git.RunAsync(Root, arguments, new GitRunOptions { AllowFailure = true }, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode == 0)
        {
            return PushOutcome.Pushed;
        }

        // Porcelain status line: "!<TAB>src:dst<TAB>[rejected] (fetch first)".
        var status = result.Stdout.Split('\n').FirstOrDefault(l => l.StartsWith("!\t", StringComparison.Ordinal)) ?? string.Empty;
        if (status.Contains("[rejected]", StringComparison.Ordinal)
            && (status.Contains("(fetch first)", StringComparison.Ordinal) || status.Contains("(non-fast-forward)", StringComparison.Ordinal)))
        {
            return PushOutcome.BranchMoved;
        }

        // Another push moved the branch between the remote's advertisement and its ref update: "[remote rejected]
        // (failed to update ref)" with "cannot lock ref 'refs/heads/main': is at X but expected Y". The same lost race.
        var said = result.Stderr + result.Stdout;
        if (status.Contains("[remote rejected]", StringComparison.Ordinal)
            && said.Contains("cannot lock ref", StringComparison.Ordinal)
            && said.Contains("but expected", StringComparison.Ordinal))
        {
            return PushOutcome.BranchMoved;
        }

        // "[remote rejected] (pre-receive hook declined)" → "(pre-receive hook declined)".
        var reason = status.Split('\t').LastOrDefault()?.Replace("[remote rejected]", string.Empty, StringComparison.Ordinal).Trim();
        var summary = status.Contains("[remote rejected]", StringComparison.Ordinal)
            ? $"the remote rejected the push to '{remoteBranch}' on {RemoteUrl} {reason}"
            : $"could not push to '{remoteBranch}' on {RemoteUrl}";
        throw GitCli.Failure(arguments, result, summary, PushHint(result));
    }

    private static string PushHint(ProcessResult result)
    {
        var text = result.Stderr + result.Stdout;
        if (RemoteErrors.IsAuthFailure(text))
        {
            return "give the CI job's credentials write access to the repository (a token with contents: write, a deploy key that may push) or configure a git credential helper; Graystep never prompts";
        }

        // "cannot lock ref" without "but expected" is no lost race: the remote could not create refs/heads/<branch>.lock
        // (another git process holds it, or a crashed one left it behind). Hooks and protection play no part in it.
        if (text.Contains("cannot lock ref", StringComparison.Ordinal) || text.Contains(".lock': File exists", StringComparison.Ordinal))
        {
            return "the remote repository could not lock the branch: another process is updating it, or a crashed git process left the ref's .lock file in the remote repository; run again, and if it persists remove that stale .lock file on the server (the remote's message above names it)";
        }

        return text.Contains("[remote rejected]", StringComparison.Ordinal)
            ? "a server-side hook or branch protection refused the commit (see the remote's message above); allow Graystep to push to this branch, or enable pull requests (spec.git.pullRequests: true)"
            : "check that the remote is reachable and that the branch may be pushed to; Graystep never force-pushes";
    }

    private void EnsureOtherBranch(string remoteBranch)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(remoteBranch);
        if (string.Equals(remoteBranch, Branch, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{remoteBranch}' is the workspace's own branch; use PushAsync for it.", nameof(remoteBranch));
        }
    }

    /// <summary>The in-process object reader and writer, opened on first use; null when it is off or libgit2 cannot open the repository.</summary>
    private GitObjects? Objects()
    {
        if (!InProcess)
        {
            return null;
        }

        if (!_objectsTried)
        {
            _objectsTried = true;
            _objects = GitObjects.TryOpen(Root, _git.Environment);
        }

        return _objects;
    }

    private Dictionary<string, string?> IdentityEnvironment()
    {
        // The clock is injected so the engine's notion of "now" and the commit dates agree (and tests can pin them).
        var date = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + " +0000";
        return new(StringComparer.Ordinal)
        {
            ["GIT_AUTHOR_NAME"] = Identity.Name,
            ["GIT_AUTHOR_EMAIL"] = Identity.Email,
            ["GIT_AUTHOR_DATE"] = date,
            ["GIT_COMMITTER_NAME"] = Identity.Name,
            ["GIT_COMMITTER_EMAIL"] = Identity.Email,
            ["GIT_COMMITTER_DATE"] = date,
        };
    }

    /// <summary>A path relative to <see cref="Root"/>, with '/' separators; absolute or escaping paths are refused.</summary>
    private string NormalizePath(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path, Root);
        var relative = Path.GetRelativePath(Root, full).Replace('\\', '/').TrimEnd('/');
        if (relative.StartsWith("../", StringComparison.Ordinal) || relative == ".." || Path.IsPathRooted(relative))
        {
            throw new GraystepException($"'{path}' is not a path inside the repository at {Root}");
        }

        return relative;
    }

    private Task<ProcessResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        _git.RunAsync(Root, arguments, cancellationToken);
}
