using System.Diagnostics;
using System.Globalization;
using Graystep.Core.History;

namespace Graystep.TestKit;

/// <summary>A commit on the remote as plain git reports it, for checks that bypass the code under test.</summary>
public sealed record RemoteCommit(string Sha, IReadOnlyList<string> Parents, string AuthorName, string AuthorEmail, string Committer, DateTimeOffset CommittedAt, CommitMessage Message)
{
    public string? Trailer(string key) => Message.Trailer(key);

    public string? Action => Trailer(Trailers.Action);
}

/// <summary>Runs git directly: to seed repositories and to read results, never through Graystep's own git code.</summary>
public static class RawGit
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    public static string Run(string cwd, params string[] args) => System.Text.Encoding.UTF8.GetString(Bytes(cwd, args)).Trim();

    /// <summary>
    /// Commits everything staged in <paramref name="cwd"/> as the test identity at a fixed date, so the commit's SHA is
    /// the same on every run (golden tests pin the SHAs of everything built on it).
    /// </summary>
    public static string CommitAt(string cwd, string message, DateTimeOffset date)
    {
        var stamp = date.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + " +0000";
        using var process = Start(cwd, ["commit", "-q", "-m", message], new Dictionary<string, string> { ["GIT_AUTHOR_DATE"] = stamp, ["GIT_COMMITTER_DATE"] = stamp });
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        Wait(process, ["commit"]);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git commit failed in {cwd}: {stderr.Result}");
        }

        return Run(cwd, "rev-parse", "HEAD");
    }

    public static (int ExitCode, string Stdout, string Stderr) TryRun(string cwd, params string[] args)
    {
        using var process = Start(cwd, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Wait(process, args);
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>stdout as raw bytes (file contents are compared byte for byte).</summary>
    public static byte[] Bytes(string cwd, params string[] args)
    {
        using var process = Start(cwd, args);
        using var buffer = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(buffer);
        var stderr = process.StandardError.ReadToEndAsync();
        Wait(process, args);
        copy.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed in {cwd}: {stderr.Result}");
        }

        return buffer.ToArray();
    }

    /// <summary>Commits of <paramref name="branch"/> in <paramref name="repo"/>, oldest first.</summary>
    public static IReadOnlyList<RemoteCommit> Log(string repo, string branch = "main")
    {
        var output = Run(repo, "log", "--reverse", "-z", "--format=%H%x1f%P%x1f%an%x1f%ae%x1f%cn <%ce>%x1f%cI%x1f%B", "refs/heads/" + branch);
        var commits = new List<RemoteCommit>();
        foreach (var entry in output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = entry.TrimStart('\n').Split('\x1f', 7);
            commits.Add(new RemoteCommit(
                f[0],
                f[1].Split(' ', StringSplitOptions.RemoveEmptyEntries),
                f[2],
                f[3],
                f[4],
                DateTimeOffset.Parse(f[5], CultureInfo.InvariantCulture, DateTimeStyles.None),
                CommitMessageFormat.Parse(f[6])));
        }

        return commits;
    }

    /// <summary>Every file under <paramref name="folder"/> at <paramref name="sha"/>, path → bytes.</summary>
    public static SortedDictionary<string, byte[]> Files(string repo, string sha, string folder)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var listing = Run(repo, "ls-tree", "-r", "-z", "--full-tree", sha, "--", folder + "/");
        foreach (var line in listing.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            var oid = line[..tab].Split(' ')[2];
            files[line[(tab + 1)..]] = Bytes(repo, "cat-file", "blob", oid);
        }

        return files;
    }

    public static string Show(string repo, string sha, string path) => System.Text.Encoding.UTF8.GetString(Bytes(repo, "show", $"{sha}:{path}"));

    public static void Write(string root, string path, string content)
    {
        var full = Path.Combine(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    /// <summary>Every file under <paramref name="root"/> (its .git folder too) with a hash of its bytes: to prove nothing was touched.</summary>
    public static SortedDictionary<string, string> Snapshot(string root)
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            snapshot[Path.GetRelativePath(root, file)] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)));
        }

        return snapshot;
    }

    /// <summary>Every ref of <paramref name="repo"/> with its target: to prove a remote did not move.</summary>
    public static string Refs(string repo) => Run(repo, "for-each-ref", "--format=%(refname) %(objectname)");

    private static Process Start(string cwd, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("git")
        {
            WorkingDirectory = cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["-c", "user.name=Test", "-c", "user.email=test@example.test", "-c", "init.defaultBranch=main", "-c", "advice.detachedHead=false", .. args])
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["LC_ALL"] = "C";
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        return Process.Start(psi)!;
    }

    private static void Wait(Process process, string[] args)
    {
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"git {string.Join(' ', args)} took more than {Limit.TotalSeconds}s");
        }

        process.WaitForExit();
    }
}
