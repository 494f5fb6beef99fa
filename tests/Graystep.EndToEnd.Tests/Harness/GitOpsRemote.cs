using System.Globalization;
using Graystep.TestKit;
using Graystep.TestKit.Processes;

namespace Graystep.EndToEnd.Tests.Harness;

/// <summary>One commit of the GitOps branch with the Graystep trailers it carries (none for the seed commit).</summary>
internal sealed record RolloutCommit(string Sha, DateTimeOffset CommittedAt, string Subject, string Body, IReadOnlyDictionary<string, string> Trailers)
{
    public string? Action => Trailers.GetValueOrDefault("Graystep-Action");

    public string? Version => Trailers.GetValueOrDefault("Graystep-Version");

    public string? Rollout => Trailers.GetValueOrDefault("Graystep-Rollout");

    public string? Step => Trailers.GetValueOrDefault("Graystep-Step");

    public int? Weight => int.TryParse(Trailers.GetValueOrDefault("Graystep-Weight"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var w) ? w : null;

    public string Short => Sha[..7];

    public override string ToString() => $"{Short} {Action} {Version} {Weight}% ({Subject})";
}

/// <summary>
/// A throwaway GitOps repository: a bare remote on disk, seeded with one commit from a folder under examples/ after
/// a text transform of its files (the spec tweaks that make a rollout take seconds instead of minutes).
/// </summary>
internal sealed class GitOpsRemote
{
    public const string Branch = "main";

    private static readonly TimeSpan GitTimeout = TimeSpan.FromSeconds(60);

    private GitOpsRemote(string bare) => Bare = bare;

    public string Bare { get; }

    /// <summary>An empty bare repository: the sandbox can follow it (and wait for the branch) before it is seeded.</summary>
    public static async Task<GitOpsRemote> CreateAsync(string folder)
    {
        var bare = Path.Combine(folder, "remote.git");
        await GitAsync(folder, "init", "-q", "--bare", "-b", Branch, bare).ConfigureAwait(false);
        return new GitOpsRemote(bare);
    }

    /// <summary>
    /// A post-receive hook that asks the sandbox to read the branch at once, as a Git host's push webhook makes
    /// Argo CD refresh. The sandbox then polls rarely (cheap on a busy machine) yet sees each commit at once; its
    /// sync delay still applies.
    /// </summary>
    public void NotifyOnPush(Uri sandbox)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        var hook = Path.Combine(Bare, "hooks", "post-receive");
        File.WriteAllText(hook, $$"""
            #!/usr/bin/env bash
            # The push webhook: POST /sandbox/refresh (bash's /dev/tcp, so no curl is needed). Never fails the push.
            { exec 3<>/dev/tcp/{{sandbox.Host}}/{{sandbox.Port.ToString(CultureInfo.InvariantCulture)}} &&
              printf 'POST /sandbox/refresh HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n' >&3 &&
              cat <&3 >/dev/null; } 2>/dev/null || true

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Pushes one commit with the files of examples/<paramref name="example"/>, each passed through <paramref name="transform"/>.</summary>
    /// <param name="folder">A scratch folder for the seed clone.</param>
    /// <param name="example">A folder name under examples/.</param>
    /// <param name="transform">Rewrites a file's text: (path relative to the example, text) → new text.</param>
    /// <returns>The seed commit.</returns>
    /// <param name="extra">More files for the seed commit (path relative to the example → text), after the transform.</param>
    public async Task<string> SeedAsync(string folder, string example, Func<string, string, string> transform, IReadOnlyDictionary<string, string>? extra = null)
    {
        var seed = Path.Combine(folder, "seed");
        await GitAsync(folder, "init", "-q", "-b", Branch, seed).ConfigureAwait(false);
        RepoPaths.CopyDirectory(RepoPaths.Example(example), seed);
        foreach (var file in Directory.EnumerateFiles(seed, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/.git/", StringComparison.Ordinal)))
        {
            var relative = Path.GetRelativePath(seed, file).Replace('\\', '/');
            var text = await File.ReadAllTextAsync(file).ConfigureAwait(false);
            var changed = transform(relative, text);
            if (!string.Equals(changed, text, StringComparison.Ordinal))
            {
                await File.WriteAllTextAsync(file, changed).ConfigureAwait(false);
            }
        }

        foreach (var (path, text) in extra ?? new Dictionary<string, string>())
        {
            var file = Path.Combine(seed, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file, text).ConfigureAwait(false);
        }

        await GitAsync(seed, "add", "-A").ConfigureAwait(false);
        await GitAsync(seed, "-c", "user.name=Graystep E2E", "-c", "user.email=e2e@graystep.local", "commit", "-q", "-m", $"{example}: seed from examples/{example}").ConfigureAwait(false);
        await GitAsync(seed, "push", "-q", Bare, Branch).ConfigureAwait(false);
        return (await GitAsync(seed, "rev-parse", "HEAD").ConfigureAwait(false)).Trim();
    }

    /// <summary>Every commit on the branch, oldest first, with its trailers.</summary>
    public async Task<IReadOnlyList<RolloutCommit>> LogAsync()
    {
        const string Field = "\u001f";
        const string Record = "\u001e";
        var text = await GitAsync(Bare, "log", "--reverse", "--format=%H%x1f%ct%x1f%s%x1f%b%x1f%(trailers:only,unfold,separator=%x1d)%x1e", Branch).ConfigureAwait(false);
        var commits = new List<RolloutCommit>();
        foreach (var record in text.Split(Record, StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = record.TrimStart('\n').Split(Field);
            if (parts.Length < 5)
            {
                continue;
            }

            var trailers = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var trailer in parts[4].Split('\u001d', StringSplitOptions.RemoveEmptyEntries))
            {
                var colon = trailer.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    trailers[trailer[..colon].Trim()] = trailer[(colon + 1)..].Trim();
                }
            }

            commits.Add(new RolloutCommit(
                parts[0],
                DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts[1], CultureInfo.InvariantCulture)),
                parts[2],
                parts[3],
                trailers));
        }

        return commits;
    }

    /// <summary>The files under <paramref name="folder"/> at a commit: path (relative to the folder) → text.</summary>
    public async Task<IReadOnlyDictionary<string, string>> FilesAtAsync(string sha, string folder)
    {
        var prefix = folder.TrimEnd('/') + "/";
        var names = await GitAsync(Bare, "ls-tree", "-r", "--name-only", sha, "--", prefix).ConfigureAwait(false);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            files[name[prefix.Length..]] = await GitAsync(Bare, "show", $"{sha}:{name}").ConfigureAwait(false);
        }

        return files;
    }

    public static async Task<string> GitAsync(string cwd, params string[] args)
    {
        var result = await ChildProcess.RunAsync("git", args, cwd, GitTimeout).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(result.Describe($"git {string.Join(' ', args)}"));
        }

        return result.Stdout;
    }
}
