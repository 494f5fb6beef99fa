using Graystep.Core.Errors;
using Graystep.Core.Manifests;

namespace Graystep.Core.Abstractions;

/// <summary>
/// The one check for every path Graystep reads or writes in a repository. The repository is untrusted: a committed
/// symbolic link (<c>rendered -> /etc</c>) must not make Graystep write or read outside its work tree, and nothing
/// may land in git's own <c>.git</c> folder. A path is refused when it leaves the root, has a <c>.git</c> segment,
/// or passes through a symbolic link whose target resolves outside the root. Links that stay inside are fine.
/// </summary>
public sealed class PathGuard
{
    /// <summary>Links followed while resolving one path before it counts as a loop (Linux's own limit).</summary>
    private const int MaxLinkHops = 40;

    private readonly IFileSystem _files;
    private readonly string _realRoot;

    public PathGuard(IFileSystem files, string root)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentException.ThrowIfNullOrEmpty(root);
        _files = files;
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var hops = 0;
        _realRoot = RealPath(Root, ref hops) ?? Root;
    }

    /// <summary>The work tree: every path checked must stay under it.</summary>
    public string Root { get; }

    /// <summary>
    /// The git work tree holding <paramref name="directory"/>: its nearest ancestor (or itself) with a <c>.git</c>
    /// entry, else <paramref name="fallback"/> when that holds the directory, else the directory itself.
    /// </summary>
    public static PathGuard ForWorkTree(IFileSystem files, string directory, string fallback)
    {
        ArgumentNullException.ThrowIfNull(files);
        var start = Path.GetFullPath(directory);
        for (var dir = start; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            var git = Path.Combine(dir, ".git");
            if (files.DirectoryExists(git) || files.FileExists(git))
            {
                return new PathGuard(files, dir);
            }
        }

        var root = Path.GetFullPath(fallback);
        return new PathGuard(files, IsUnder(start, root) ? root : start);
    }

    /// <summary>Why <paramref name="path"/> may not be read or written, or null when it may.</summary>
    public string? Problem(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path, Root));
        var shown = Show(full);
        if (!IsUnder(full, Root))
        {
            return shown + " is outside the repository (" + Root + ")";
        }

        var relative = Path.GetRelativePath(Root, full);
        if (relative != "." && Spec.RolloutBinder.IsInGitFolder(relative))
        {
            return shown + " is inside a .git folder, which is git's own";
        }

        var current = Root;
        foreach (var segment in relative == "." ? [] : relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar))
        {
            current = Path.Combine(current, segment);
            if (_files.LinkTarget(current) is not { } target)
            {
                continue;
            }

            var hops = 0;
            var real = RealPath(current, ref hops);
            if (real is null || !IsUnder(real, _realRoot))
            {
                var link = Show(current);
                return (link == shown ? shown : shown + ": " + link) + " is a symbolic link to " + target +
                    (real is null ? ", a loop of links" : ", outside the repository") + "; Graystep does not follow links out of the work tree";
            }
        }

        return null;
    }

    /// <summary>Throws (exit code 3) when <paramref name="path"/> may not be read or written.</summary>
    public void Check(string path)
    {
        if (Problem(path) is { } problem)
        {
            throw new GraystepException(problem, ExitCodes.InvalidSpec,
                "commit a plain folder instead of the link, or point the spec at a folder inside the repository");
        }
    }

    /// <summary>Reads a repository file that Graystep parses as YAML: checked, and refused above the size limit unread.</summary>
    public string ReadYaml(string path)
    {
        Check(path);
        var length = _files.FileLength(path);
        if (length > YamlLimits.MaxFileBytes)
        {
            throw new GraystepException(Show(path) + ": " + YamlLimits.TooLarge(length), ExitCodes.InvalidSpec);
        }

        return _files.ReadAllText(path);
    }

    /// <summary>The path relative to the root, with '/', for messages.</summary>
    public string Show(string path)
    {
        var full = Path.GetFullPath(path, Root);
        return IsUnder(full, Root) ? Path.GetRelativePath(Root, full).Replace('\\', '/') : full;
    }

    private static bool IsUnder(string path, string root) =>
        string.Equals(path, root, StringComparison.Ordinal) ||
        path.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal) ||
        (root.Length > 0 && root[^1] == Path.DirectorySeparatorChar && path.StartsWith(root, StringComparison.Ordinal));

    /// <summary>The path with every link on it resolved; null for a loop.</summary>
    private string? RealPath(string path, ref int hops)
    {
        var full = Path.GetFullPath(path);
        var rootOfPath = Path.GetPathRoot(full) ?? "/";
        var current = rootOfPath;
        foreach (var segment in full[rootOfPath.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, segment);
            if (_files.LinkTarget(next) is { } target)
            {
                if (++hops > MaxLinkHops)
                {
                    return null;
                }

                var resolved = RealPath(Path.GetFullPath(target, current), ref hops);
                if (resolved is null)
                {
                    return null;
                }

                next = resolved;
            }

            current = next;
        }

        return current;
    }
}
