using System.Diagnostics;
using System.Globalization;
using System.Text;
using Graystep.Core.History;
using Graystep.TestKit;

namespace Graystep.Analysis.Tests.Support;

/// <summary>A commit of the remote branch, read back with the real <c>git</c>.</summary>
public sealed record RemoteCommit(string Sha, string Subject, string Body, IReadOnlyDictionary<string, string> Trailers)
{
    public string? Action => Trailers.GetValueOrDefault("Graystep-Action");

    public override string ToString() => $"{Sha[..7]} {Subject}";
}

/// <summary>
/// A throwaway GitOps repository: a bare remote on disk seeded from one of the examples (copied, then edited by the
/// test), and a folder for Graystep's managed workspaces. Everything is deleted on disposal.
/// </summary>
public sealed class GitOpsRepo : IDisposable
{
    private readonly TempDirectory _temp = new("graystep-analysis");

    private GitOpsRepo(string specPath)
    {
        SpecPath = specPath;
        Bare = _temp.Combine("remote.git");
        Seed = _temp.Combine("seed");
        Workspaces = _temp.Combine("workspaces");
    }

    /// <summary>The bare repository the rollout pushes to (<c>--repo</c>).</summary>
    public string Bare { get; }

    /// <summary>The checkout the example was copied into before the first push.</summary>
    public string Seed { get; }

    /// <summary><c>GRAYSTEP_WORKSPACE</c>: where Graystep keeps its managed clones.</summary>
    public string Workspaces { get; }

    /// <summary>The spec's path inside the repository.</summary>
    public string SpecPath { get; }

    public string Branch => "main";

    /// <summary>Copies <paramref name="example"/>, lets <paramref name="edit"/> change the copy, commits and pushes it.</summary>
    public static GitOpsRepo FromExample(string example, string specPath, Action<string> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var repo = new GitOpsRepo(specPath);
        try
        {
            Git(repo._temp.Path, "init", "-q", "--bare", "-b", "main", repo.Bare);
            Git(repo._temp.Path, "init", "-q", "-b", "main", repo.Seed);
            RepoPaths.CopyDirectory(RepoPaths.Example(example), repo.Seed);
            var rendered = Path.Combine(repo.Seed, "rendered");
            if (Directory.Exists(rendered))
            {
                Directory.Delete(rendered, recursive: true);
            }

            edit(repo.Seed);
            Git(repo.Seed, "add", "-A");
            Git(repo.Seed, "-c", "user.name=seed", "-c", "user.email=seed@test.local", "commit", "-q", "-m", "seed " + example);
            Git(repo.Seed, "push", "-q", repo.Bare, "main");
            return repo;
        }
        catch
        {
            repo.Dispose();
            throw;
        }
    }

    /// <summary>Brings the seed clone to the remote tip, lets <paramref name="edit"/> change it, commits and pushes.</summary>
    public void PushEdit(Action<string> edit, string message)
    {
        ArgumentNullException.ThrowIfNull(edit);
        Git(Seed, "pull", "-q", "--ff-only", Bare, "main");
        edit(Seed);
        Git(Seed, "-c", "user.name=seed", "-c", "user.email=seed@test.local", "commit", "-q", "-am", message);
        Git(Seed, "push", "-q", Bare, "main");
    }

    /// <summary>The commits of the remote branch, newest first.</summary>
    public IReadOnlyList<RemoteCommit> Commits()
    {
        var output = Git(_temp.Path, "--git-dir", Bare, "log", "-z", "--format=%H%x1f%B", "main");
        var commits = new List<RemoteCommit>();
        foreach (var entry in output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = entry.TrimStart('\n').Split('\x1f', 2);
            if (fields.Length < 2)
            {
                continue;
            }

            var message = CommitMessageFormat.Parse(fields[1]);
            var trailers = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in message.Trailers)
            {
                trailers[key] = value;
            }

            commits.Add(new RemoteCommit(fields[0], message.Subject, message.Body, trailers));
        }

        return commits;
    }

    /// <summary>The rollout's commits (those with a <c>Graystep-Action</c> trailer), oldest first.</summary>
    public IReadOnlyList<RemoteCommit> RolloutCommits() => Commits().Where(c => c.Action is not null).Reverse().ToList();

    /// <summary>A file at a revision of the remote (the branch tip unless told), or null when it does not exist.</summary>
    public string? ReadFile(string path, string revision = "main")
    {
        var result = Run("git", _temp.Path, ["--git-dir", Bare, "show", revision + ":" + path]);
        return result.ExitCode == 0 ? result.Stdout : null;
    }

    /// <summary>Polls the remote until a commit matches; bounded by <paramref name="timeout"/>.</summary>
    public async Task<RemoteCommit> WaitForCommitAsync(Func<RemoteCommit, bool> match, TimeSpan timeout, string what, Func<bool>? givingUp = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var found = RolloutCommits().FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            if (clock.Elapsed > timeout || givingUp?.Invoke() == true)
            {
                throw new TimeoutException($"no commit {what} after {clock.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)}s; commits: {string.Join(" | ", RolloutCommits())}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Starts the published CLI in the seed checkout, with its own managed workspaces folder.</summary>
    public ChildProcess StartGraystep(params string[] args) => GraystepProcess.Start(args, Seed, Environment());

    /// <summary>Runs the published CLI to the end; it is killed and the test fails if it outlives <paramref name="timeout"/>.</summary>
    public Task<ChildProcessResult> GraystepAsync(string[] args, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null) =>
        GraystepProcess.RunAsync(args, Seed, environment is null ? Environment() : new Dictionary<string, string?>(Environment().Concat(environment)), timeout);

    public void Dispose() => _temp.Dispose();

    private Dictionary<string, string?> Environment() => new() { ["GRAYSTEP_WORKSPACE"] = Workspaces };

    public static string Git(string cwd, params string[] args)
    {
        var result = Run("git", cwd, args);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} exited {result.ExitCode}: {result.Stderr}");
        }

        return result.Stdout;
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(string file, string cwd, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LC_ALL"] = "C";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} took more than 60s");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
