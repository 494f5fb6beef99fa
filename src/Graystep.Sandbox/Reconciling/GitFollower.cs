using System.Globalization;
using System.Text;
using Graystep.Sandbox.Cluster;

namespace Graystep.Sandbox.Reconciling;

/// <summary>
/// Follows one branch of a repository with the git CLI: <c>ls-remote</c> to see the tip, <c>fetch</c> into a
/// private bare scratch clone, <c>ls-tree</c> + <c>cat-file --batch</c> to read files at a commit. Never writes to
/// the followed repository.
/// </summary>
internal sealed class GitFollower(FollowerGit git, string repo, string branch, string path, string scratch)
{
    private readonly string _repo = ResolveRepo(repo);

    public string Repo => _repo;

    public async Task InitAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(scratch);
        if (!File.Exists(Path.Combine(scratch, "HEAD")))
        {
            await git.RunCheckedAsync(["init", "--bare", "--quiet", scratch], cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The branch tip, or null when the branch does not exist (yet).</summary>
    public async Task<string?> ReadTipAsync(CancellationToken cancellationToken)
    {
        var result = await git.RunCheckedAsync(["ls-remote", "--", _repo, "refs/heads/" + branch], scratch, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var line in result.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t');
            if (parts.Length == 2 && parts[1] == "refs/heads/" + branch)
            {
                return parts[0];
            }
        }

        return null;
    }

    /// <summary>Brings the commit's objects into the scratch clone, so it can still be read after the branch moves on.</summary>
    public async Task FetchAsync(string sha, CancellationToken cancellationToken)
    {
        await git.RunCheckedAsync(
            ["fetch", "--no-tags", "--quiet", "--", _repo, $"+refs/heads/{branch}:refs/sandbox/tip"],
            scratch,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var has = await git.RunAsync(["cat-file", "-e", sha + "^{commit}"], scratch, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (has.ExitCode != 0)
        {
            // The branch was rewritten between ls-remote and fetch: ask for the commit itself.
            await git.RunCheckedAsync(["fetch", "--no-tags", "--quiet", "--", _repo, sha], scratch, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        // Keep every seen commit reachable in the scratch clone.
        await git.RunCheckedAsync(["update-ref", "refs/sandbox/seen/" + sha, sha], scratch, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every .yaml/.yml file under the followed path at <paramref name="sha"/>; null when the path is missing there.</summary>
    public async Task<IReadOnlyList<RepoFile>?> ReadFilesAsync(string sha, CancellationToken cancellationToken)
    {
        List<string> args = ["ls-tree", "-r", "-z", "--full-tree", sha];
        if (path.Length > 0)
        {
            args.AddRange(["--", path]);
        }

        var listing = await git.RunCheckedAsync(args, scratch, cancellationToken: cancellationToken).ConfigureAwait(false);
        var entries = new List<(string Oid, string Path)>();
        foreach (var entry in listing.Text.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            // "<mode> <type> <oid>\t<path>"
            var tab = entry.IndexOf('\t', StringComparison.Ordinal);
            var meta = entry[..tab].Split(' ');
            var file = entry[(tab + 1)..];
            if (meta[1] == "blob" && (file.EndsWith(".yaml", StringComparison.Ordinal) || file.EndsWith(".yml", StringComparison.Ordinal)))
            {
                entries.Add((meta[2], file));
            }
        }

        if (entries.Count == 0)
        {
            var exists = path.Length == 0 || (await git.RunAsync(["cat-file", "-e", $"{sha}:{path}"], scratch, cancellationToken: cancellationToken).ConfigureAwait(false)).ExitCode == 0;
            return exists ? [] : null;
        }

        var input = Encoding.UTF8.GetBytes(string.Join('\n', entries.Select(e => e.Oid)) + "\n");
        var batch = await git.RunCheckedAsync(["cat-file", "--batch"], scratch, input, cancellationToken).ConfigureAwait(false);
        return ParseBatch(batch.Stdout, entries);
    }

    /// <summary>Reads <c>cat-file --batch</c> output: "&lt;oid&gt; blob &lt;size&gt;\n&lt;bytes&gt;\n" per object, in request order.</summary>
    private static List<RepoFile> ParseBatch(byte[] output, List<(string Oid, string Path)> entries)
    {
        var files = new List<RepoFile>(entries.Count);
        var pos = 0;
        foreach (var (_, file) in entries)
        {
            var newline = Array.IndexOf(output, (byte)'\n', pos);
            var header = Encoding.ASCII.GetString(output, pos, newline - pos).Split(' ');
            if (header.Length < 3)
            {
                throw new GitFailure($"unexpected git cat-file output for {file}: {string.Join(' ', header)}");
            }

            var size = int.Parse(header[2], NumberStyles.Integer, CultureInfo.InvariantCulture);
            files.Add(new RepoFile(file, Encoding.UTF8.GetString(output, newline + 1, size)));
            pos = newline + 1 + size + 1;
        }

        return files;
    }

    /// <summary>A plain path is made absolute (git runs in the scratch folder); URLs pass through.</summary>
    private static string ResolveRepo(string repo) =>
        repo.Contains("://", StringComparison.Ordinal) || repo.Contains('@', StringComparison.Ordinal) ? repo : Path.GetFullPath(repo);
}
