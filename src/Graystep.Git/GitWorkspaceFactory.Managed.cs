using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Graystep.Core.Errors;
using Graystep.Core.History;
using Graystep.Core.Secrets;

namespace Graystep.Git;

/// <summary>Graystep's own clones: one per repository, branch and concurrent run, in the workspace folder.</summary>
public sealed partial class GitWorkspaceFactory
{
    /// <summary>A folder name that a person recognizes and that is unique to the repository and branch.</summary>
    internal static string WorkspaceName(string url, string branch)
    {
        var plain = UrlCredentials.Strip(url).Trim().TrimEnd('/', '\\');
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

    private async Task<GitWorkspace> OpenManagedAsync(
        string url, string? branch, bool localPath, WorkspaceOptions options, GitIdentity identity, string? localCheckout, CancellationToken cancellationToken)
    {
        var shownUrl = UrlCredentials.Strip(url);

        // A credential in the URL is passed to each git call in its environment; git itself only ever sees the URL
        // without it, so the workspace's .git/config never holds it.
        var git = _git;
        if (GitCredential.From(url) is { } credential)
        {
            git = _git.WithEnvironment(credential.Environment);
            url = credential.PlainUrl;
        }

        branch ??= await DefaultBranchAsync(git, url, shownUrl, cancellationToken).ConfigureAwait(false);
        var sparse = NormalizeSparse(options.SparsePaths);
        var root = Path.GetFullPath(options.WorkspaceRoot ?? _settings.WorkspaceRoot);
        Directory.CreateDirectory(root);

        var (folder, workspaceLock) = await AcquireSlotAsync(root, WorkspaceName(url, branch), shownUrl, branch, options.LockTimeout, cancellationToken).ConfigureAwait(false);
        try
        {
            var workspace = new GitWorkspace(git, WorkspaceKind.Managed, folder, branch, "origin", url, identity, _time, workspaceLock) { LocalCheckout = localCheckout, Redactor = _settings.Redactor, SparseFolders = sparse };
            if (Directory.Exists(folder))
            {
                await ReuseAsync(git, workspace, url, sparse, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await CloneAsync(git, folder, url, shownUrl, branch, localPath, sparse, cancellationToken).ConfigureAwait(false);
            }

            return workspace;
        }
        catch
        {
            workspaceLock.Dispose();
            throw;
        }
    }

    private static async Task ReuseAsync(GitCli git, GitWorkspace workspace, string url, IReadOnlyList<string> sparse, CancellationToken cancellationToken)
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

        var current = await git.RunAsync(folder, ["config", "--get", "remote.origin.url"], new GitRunOptions { AllowFailure = true }, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(current.Stdout.Trim(), url, StringComparison.Ordinal))
        {
            // Same repository (the folder name says so): the URL as given now, without credentials. This also takes a
            // credential out of a workspace that an older Graystep cloned with it in the URL.
            await git.RunAsync(folder, ["remote", "set-url", "origin", url], cancellationToken).ConfigureAwait(false);
        }

        await ApplySparseAsync(git, folder, sparse, cancellationToken).ConfigureAwait(false);
        await workspace.RefreshAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task CloneAsync(GitCli git, string folder, string url, string shownUrl, string branch, bool localPath, IReadOnlyList<string> sparse, CancellationToken cancellationToken)
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
            var result = await git.RunAsync(parent, arguments, new GitRunOptions { AllowFailure = true }, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw await RemoteErrors.ClassifyAsync(git, parent, url, arguments, result, shownUrl, branch, cancellationToken).ConfigureAwait(false);
            }

            await ApplySparseAsync(git, temporary, sparse, cancellationToken).ConfigureAwait(false);
            await git.RunAsync(temporary, ["checkout", "-q", "-f", "-B", branch, $"refs/remotes/origin/{branch}"], cancellationToken).ConfigureAwait(false);
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

    private static async Task ApplySparseAsync(GitCli git, string folder, IReadOnlyList<string> sparse, CancellationToken cancellationToken)
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
            await git.RunAsync(folder, ["sparse-checkout", "disable"], cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await git.RunAsync(folder, ["sparse-checkout", "init", "--cone", "--sparse-index"], cancellationToken).ConfigureAwait(false);
            await git.RunAsync(folder, ["sparse-checkout", "set", .. sparse], cancellationToken).ConfigureAwait(false);
        }

        await File.WriteAllTextAsync(file, wanted, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> DefaultBranchAsync(GitCli git, string url, string shownUrl, CancellationToken cancellationToken)
    {
        string[] arguments = ["ls-remote", "--symref", "--", url, "HEAD"];
        var result = await git.RunAsync(null, arguments, new GitRunOptions { AllowFailure = true }, cancellationToken).ConfigureAwait(false);
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
}
