using System.Globalization;
using System.Text;
using Graystep.Core.History;
using LibGit2Sharp;

namespace Graystep.Git;

/// <summary>
/// Reads and writes git objects in-process (libgit2): the blobs, trees and commit object of a Graystep commit, and the
/// newest commits that touched a path. It never touches the index, the work tree or a ref: git itself stages the
/// result (<c>update-index</c>) and moves the branch with a compare-and-swap (<c>update-ref NEW OLD</c>), since
/// libgit2 cannot read a sparse index and its ref update overwrites a ref that moved. Anything it cannot do exactly
/// as the git CLI would (see <see cref="Unsupported"/>) returns null, and the caller takes the CLI path.
/// </summary>
internal sealed class GitObjects : IDisposable
{
    private static readonly Lazy<bool> Loaded = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Repository _repo;
    private readonly string _root;
    private readonly Core.Abstractions.IEnvironment _environment;
    private bool _leftIgnored;

    private GitObjects(Repository repo, string root, Core.Abstractions.IEnvironment environment)
    {
        _repo = repo;
        _root = root;
        _environment = environment;
    }

    /// <summary>The reason the last call returned null (for tests and traces), or null.</summary>
    public string? Unsupported { get; private set; }

    /// <summary>Opens the repository at <paramref name="root"/>, or returns null when libgit2 cannot (no native library, an unknown extension).</summary>
    public static GitObjects? TryOpen(string root, Core.Abstractions.IEnvironment environment)
    {
        if (!Loaded.Value)
        {
            return null;
        }

        try
        {
            return new GitObjects(new Repository(root), root, environment);
        }
        catch (LibGit2SharpException)
        {
            return null;
        }
    }

    public void Dispose() => _repo.Dispose();

    /// <summary>
    /// Builds the commit of <paramref name="paths"/> (relative, '/'-separated) as <c>git add -A</c>, <c>write-tree</c>
    /// and <c>commit-tree</c> would, on top of HEAD. Returns null when this must go through the CLI, a result with no
    /// commit when the paths match HEAD.
    /// </summary>
    public PreparedCommit? Prepare(IReadOnlyList<string> paths, string message, GitIdentity identity, DateTimeOffset when, IReadOnlyList<string>? sparseFolders)
    {
        try
        {
            return PrepareCore(paths, message, identity, when, sparseFolders);
        }
        catch (Exception ex) when (ex is LibGit2SharpException or IOException or UnauthorizedAccessException)
        {
            return Refuse("libgit2: " + ex.Message);
        }
    }

    /// <summary>
    /// The newest <paramref name="maxCount"/> commits on <paramref name="reference"/>'s first-parent chain that changed
    /// <paramref name="path"/>, as <c>git log --first-parent -- path</c> lists them; null for the CLI path.
    /// </summary>
    public IReadOnlyList<CommitRecord>? Log(string reference, string? path, int maxCount)
    {
        try
        {
            return LogCore(reference, path, maxCount);
        }
        catch (LibGit2SharpException ex)
        {
            Refuse("libgit2: " + ex.Message);
            return null;
        }
    }

    /// <summary>
    /// Whether HEAD is <paramref name="branch"/> and that branch points where <paramref name="remoteRef"/> does: the
    /// workspace is at the remote tip. False when either cannot be read.
    /// </summary>
    public bool IsAt(string branch, string remoteRef)
    {
        try
        {
            var head = _repo.Refs.Head;
            var local = _repo.Refs["refs/heads/" + branch]?.ResolveToDirectReference()?.TargetIdentifier;
            var remote = _repo.Refs[remoteRef]?.ResolveToDirectReference()?.TargetIdentifier;
            return head is SymbolicReference && head.TargetIdentifier == "refs/heads/" + branch && local is not null && local == remote;
        }
        catch (LibGit2SharpException)
        {
            return false;
        }
    }

    private static bool Initialize()
    {
        try
        {
            // Trees are rebuilt from ids read out of other trees: in a partial clone (blob:none) the blobs of files
            // outside the checkout are not here, and need not be. Repositories with these extensions open as git opens them.
            GlobalSettings.SetEnableStrictObjectCreation(false);
            GlobalSettings.SetExtensions("partialclone", "worktreeconfig", "preciousobjects");
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException or LibGit2SharpException)
        {
            return false;
        }
    }

    private PreparedCommit? PrepareCore(IReadOnlyList<string> paths, string message, GitIdentity identity, DateTimeOffset when, IReadOnlyList<string>? sparseFolders)
    {
        Unsupported = null;
        _leftIgnored = false;
        if (!IsPlainIdent(identity.Name) || !IsPlainIdent(identity.Email))
        {
            // git trims "crud" from identities and refuses empty ones; the CLI says so in its own words.
            return Refuse("identity needs git's normalization");
        }

        var config = _repo.Config;
        if (!string.Equals(config.GetValueOrDefault("i18n.commitEncoding", "UTF-8"), "UTF-8", StringComparison.OrdinalIgnoreCase)
            || !string.Equals(config.GetValueOrDefault("core.autocrlf", "false"), "false", StringComparison.OrdinalIgnoreCase)
            || config.Get<string>("core.attributesFile") is not null
            || AttributesFilesOutside())
        {
            return Refuse("content filters or a commit encoding are configured");
        }

        if (config.GetValueOrDefault("core.sparseCheckout", false) && (sparseFolders is null || !paths.All(p => InCone(p, sparseFolders))))
        {
            return Refuse("a path outside the known sparse checkout");
        }

        var head = _repo.Head.Tip;
        if (head is null)
        {
            return Refuse("no HEAD commit");
        }

        var trustExecutable = config.GetValueOrDefault("core.fileMode", true);
        var tree = TreeDefinition.From(head);
        var staged = new List<(string Path, Mode Mode, ObjectId Id)>();
        foreach (var path in paths)
        {
            if (path.Split('/').Any(a => a.Length == 0 || a == "." || a == ".." || a.Equals(".git", StringComparison.OrdinalIgnoreCase))
                || HasAttributesOnTheWay(path))
            {
                return Refuse("an odd path, or .gitattributes on the way");
            }

            var old = head[path];
            var before = old is null ? [] : Entries(old);
            if (before.Any(e => e.Mode is not (Mode.NonExecutableFile or Mode.ExecutableFile)))
            {
                return Refuse("a symbolic link or submodule under the path");
            }

            var after = new List<(string Path, Mode Mode, ObjectId Id)>();
            var full = Path.Combine(_root, path);
            if (!Collect(path, full, before.ToDictionary(e => e.Path, e => e.Mode, StringComparer.Ordinal), trustExecutable, after))
            {
                return null;
            }

            if (old is not null)
            {
                tree.Remove(path);
            }

            foreach (var (file, mode, id) in after)
            {
                tree.Add(file, id, mode);
            }

            var now = after.Select(a => a.Path).ToHashSet(StringComparer.Ordinal);
            staged.AddRange(before.Where(b => !now.Contains(b.Path)).Select(b => (b.Path, (Mode)0, ObjectId.Zero)));
            staged.AddRange(after);
        }

        var newTree = _repo.ObjectDatabase.CreateTree(tree);
        if (newTree.Id == head.Tree.Id)
        {
            return new PreparedCommit(null, head.Sha, [], _leftIgnored);
        }

        var commit = _repo.ObjectDatabase.Write<Commit>(Encoding.UTF8.GetBytes(CommitText(newTree.Sha, head.Sha, identity, when, message)));
        return new PreparedCommit(commit.Sha, head.Sha, staged, _leftIgnored);
    }

    /// <summary>The commit object exactly as <c>git commit-tree TREE -p PARENT -F -</c> writes it with the identity variables set.</summary>
    internal static string CommitText(string tree, string parent, GitIdentity identity, DateTimeOffset when, string message)
    {
        var stamp = when.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + " +0000";
        var ident = $"{identity.Name} <{identity.Email}> {stamp}";
        return $"tree {tree}\nparent {parent}\nauthor {ident}\ncommitter {ident}\n\n{message}";
    }

    private bool Collect(string relative, string full, Dictionary<string, Mode> tracked, bool trustExecutable, List<(string, Mode, ObjectId)> into)
    {
        var info = new FileInfo(full);
        if (info.Exists)
        {
            if (info.LinkTarget is not null)
            {
                Refuse("a symbolic link");
                return false;
            }

            // git add -A: an ignored file is left out unless it is tracked already.
            if (!tracked.TryGetValue(relative, out var trackedMode) && _repo.Ignore.IsPathIgnored(relative))
            {
                _leftIgnored = true;
                return true;
            }

            var executable = trustExecutable
                ? !OperatingSystem.IsWindows() && (File.GetUnixFileMode(full) & UnixFileMode.UserExecute) != 0
                : trackedMode == Mode.ExecutableFile;
            var id = _repo.ObjectDatabase.Write<Blob>(File.ReadAllBytes(full));
            into.Add((relative, executable ? Mode.ExecutableFile : Mode.NonExecutableFile, id));
            return true;
        }

        var directory = new DirectoryInfo(full);
        if (!directory.Exists)
        {
            return true;
        }

        if (directory.LinkTarget is not null || Directory.Exists(Path.Combine(full, ".git")) || File.Exists(Path.Combine(full, ".git")))
        {
            Refuse("a linked folder or a nested repository");
            return false;
        }

        if (!tracked.Keys.Any(k => k.StartsWith(relative + "/", StringComparison.Ordinal)) && _repo.Ignore.IsPathIgnored(relative + "/"))
        {
            _leftIgnored = true;
            return true;
        }

        foreach (var entry in directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (entry.Name == ".gitattributes")
            {
                Refuse("a .gitattributes file");
                return false;
            }

            if (!Collect(relative + "/" + entry.Name, entry.FullName, tracked, trustExecutable, into))
            {
                return false;
            }
        }

        return true;
    }

    private static List<(string Path, Mode Mode)> Entries(TreeEntry entry)
    {
        if (entry.TargetType != TreeEntryTargetType.Tree)
        {
            return [(entry.Path.Replace('\\', '/'), entry.Mode)];
        }

        return [.. ((Tree)entry.Target).SelectMany(Entries)];
    }

    private IReadOnlyList<CommitRecord>? LogCore(string reference, string? path, int maxCount)
    {
        Unsupported = null;
        if (maxCount < 1 || File.Exists(Path.Combine(_repo.Info.Path, "shallow")))
        {
            // A shallow history's boundary is grafted in git's walk; git reads long histories faster with its commit-graph.
            Refuse("shallow, or no count");
            return null;
        }

        var records = new List<CommitRecord>();
        var commit = _repo.Lookup<Commit>(reference);
        while (commit is not null && records.Count < maxCount)
        {
            // --first-parent: a commit is listed when the path differs from its first parent (a root: when it has it).
            var parent = commit.Parents.FirstOrDefault();
            if (path is null || Entry(commit, path) != (parent is null ? default : Entry(parent, path)))
            {
                if (commit.Encoding is { } encoding && !encoding.Equals("UTF-8", StringComparison.OrdinalIgnoreCase))
                {
                    Refuse("a commit in another encoding");
                    return null;
                }

                records.Add(new CommitRecord(commit.Sha, commit.Committer.When, commit.Author.Name, commit.Author.Email, CommitMessageFormat.Parse(commit.Message.TrimStart('\n'))));
            }

            commit = parent;
        }

        return records;
    }

    private static (Mode, ObjectId?) Entry(Commit commit, string path) =>
        commit.Tree[path] is { } entry ? (entry.Mode, entry.Target.Id) : default;

    private bool AttributesFilesOutside()
    {
        // git's default core.attributesFile: $XDG_CONFIG_HOME/git/attributes, else $HOME/.config/git/attributes.
        var xdg = _environment.GetVariable("XDG_CONFIG_HOME") is { Length: > 0 } configured
            ? configured
            : _environment.GetVariable("HOME") is { Length: > 0 } home ? Path.Combine(home, ".config") : null;
        return File.Exists(Path.Combine(_repo.Info.Path, "info", "attributes"))
            || (xdg is not null && File.Exists(Path.Combine(xdg, "git", "attributes")))
            || File.Exists("/etc/gitattributes");
    }

    private bool HasAttributesOnTheWay(string path)
    {
        var folder = _root;
        if (File.Exists(Path.Combine(folder, ".gitattributes")))
        {
            return true;
        }

        foreach (var part in path.Split('/')[..^1])
        {
            folder = Path.Combine(folder, part);
            if (File.Exists(Path.Combine(folder, ".gitattributes")))
            {
                return true;
            }
        }

        return false;
    }

    private static bool InCone(string path, IReadOnlyList<string> folders) =>
        folders.Count == 0 || folders.Any(f => path == f || path.StartsWith(f + "/", StringComparison.Ordinal));

    /// <summary>What git writes verbatim: no leading or trailing crud, none of '\n', '&lt;', '&gt;' inside, not empty.</summary>
    private static bool IsPlainIdent(string value) =>
        value.Length > 0 && !IsCrud(value[0]) && !IsCrud(value[^1]) && value.IndexOfAny(['\n', '<', '>', '\0']) < 0;

    private static bool IsCrud(char c) => c <= ' ' || c is ',' or ':' or ';' or '<' or '>' or '"' or '\\' or '\'' or '.';

    private PreparedCommit? Refuse(string reason)
    {
        Unsupported = reason;
        return null;
    }
}

/// <summary>
/// A commit written to the object database but not yet on any ref: <see cref="Sha"/> (null when nothing changed),
/// the HEAD it was built on, the index entries git must stage for it (mode 0 removes a path), and whether an ignored
/// file under the paths was left out (then only git clean removes it).
/// </summary>
internal sealed record PreparedCommit(string? Sha, string Parent, IReadOnlyList<(string Path, Mode Mode, ObjectId Id)> Staged, bool LeftIgnored)
{
    /// <summary>The entries in <c>git update-index -z --index-info</c> form.</summary>
    public string IndexInfo()
    {
        var text = new StringBuilder();
        foreach (var (path, mode, id) in Staged)
        {
            text.Append(mode == 0 ? "0" : Convert.ToString((int)mode, 8))
                .Append(' ').Append(id.Sha).Append('\t').Append(path).Append('\0');
        }

        return text.ToString();
    }
}
