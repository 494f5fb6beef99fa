using Graystep.Core.Abstractions;
using Graystep.Core.History;
using Graystep.TestKit;

namespace Graystep.Git.Tests;

/// <summary>An environment whose variables a test sets; the real PATH and HOME unless told otherwise.</summary>
internal sealed class TestEnvironment : IEnvironment
{
    private readonly Dictionary<string, string?> _variables = new(StringComparer.Ordinal);

    public TestEnvironment()
    {
        _variables["PATH"] = Environment.GetEnvironmentVariable("PATH");
        _variables["HOME"] = Environment.GetEnvironmentVariable("HOME");
    }

    public string? this[string name]
    {
        get => GetVariable(name);
        set => _variables[name] = value;
    }

    public string? GetVariable(string name) => _variables.GetValueOrDefault(name);
}

/// <summary>
/// Real git, real repositories: bare remotes and checkouts in a temp folder, a managed-workspace root of its own,
/// and a raw git helper that bypasses the code under test for setting things up and for checking results.
/// </summary>
internal sealed class GitSandbox : IDisposable
{
    private static readonly ProcessRunner Runner = new();
    private readonly TempDirectory _temp = new("graystep-git");

    public GitSandbox()
    {
        Environment = new TestEnvironment();
        Git = new GitCli(Runner, Environment);
        Settings = new GitSettings { WorkspaceRoot = Combine("workspaces") };
    }

    public string Root => _temp.Path;

    public TestEnvironment Environment { get; }

    public GitCli Git { get; }

    /// <summary>What the settings would say; a test sets <c>InCi</c> or the identity here.</summary>
    public GitSettings Settings { get; set; }

    public GitWorkspaceFactory Factory => new(Git, Settings);

    public static CommitMessage Message(string subject, string action = "step", string weight = "20") => new(
        subject,
        "request-success-rate: 99.9 (min 99)\nWhy: the canary is healthy",
        [
            new(Trailers.Rollout, "bookinfo/reviews"),
            new(Trailers.Version, "v2"),
            new(Trailers.Action, action),
            new(Trailers.Weight, weight),
            new(Trailers.Step, "2/3"),
        ]);

    public string Combine(params string[] parts) => _temp.Combine(parts);

    /// <summary>A bare remote whose <c>main</c> holds <paramref name="files"/> (a small GitOps layout by default).</summary>
    public string CreateRemote(string name = "remote.git", IReadOnlyDictionary<string, string>? files = null)
    {
        var bare = Combine(name);
        Raw(Root, "init", "-q", "--bare", "-b", "main", bare);
        Raw(bare, "config", "uploadpack.allowFilter", "true");
        var seed = Combine(name + "-seed");
        Raw(Root, "clone", "-q", bare, seed);
        files ??= new Dictionary<string, string>
        {
            ["README.md"] = "# gitops\n",
            ["apps/reviews/rollout.yaml"] = "kind: Rollout\n",
            ["apps/reviews/deployment.yaml"] = "kind: Deployment\n",
            ["apps/ratings/rollout.yaml"] = "kind: Rollout\n",
        };
        foreach (var (path, content) in files)
        {
            Write(seed, path, content);
        }

        Raw(seed, "add", "-A");
        Raw(seed, "commit", "-q", "-m", "Initial commit");
        Raw(seed, "push", "-q", "origin", "main");
        Directory.Delete(seed, recursive: true);
        return bare;
    }

    /// <summary>A working checkout of <paramref name="remote"/>, as a user or a CI system has it.</summary>
    public string Checkout(string remote, string name)
    {
        var path = Combine(name);
        Raw(Root, "clone", "-q", remote, path);
        return path;
    }

    /// <summary>Someone else commits <paramref name="path"/> to the remote's <paramref name="branch"/>.</summary>
    public string PushFromElsewhere(string remote, string path, string content, string branch = "main")
    {
        var other = Combine("elsewhere-" + Guid.NewGuid().ToString("N")[..8]);
        Raw(Root, "clone", "-q", "--branch", branch, remote, other);
        Write(other, path, content);
        Raw(other, "add", "-A");
        Raw(other, "commit", "-q", "-m", "change " + path);
        Raw(other, "push", "-q", "origin", branch);
        var sha = Raw(other, "rev-parse", "HEAD");
        Directory.Delete(other, recursive: true);
        return sha;
    }

    public string RemoteTip(string remote, string branch = "main") => Raw(remote, "rev-parse", "refs/heads/" + branch);

    public static void Write(string root, string path, string content)
    {
        var full = Path.Combine(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    /// <summary>Runs git directly (not through the code under test) and returns trimmed stdout; fails the test on error.</summary>
    public static string Raw(string cwd, params string[] args)
    {
        var result = RawResult(cwd, args);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed in {cwd}: {result.Stderr}");
        }

        return result.Stdout.Trim();
    }

    public static ProcessResult RawResult(string cwd, params string[] args) =>
        Runner.RunAsync(
            "git",
            ["-c", "user.name=Test", "-c", "user.email=test@example.test", "-c", "init.defaultBranch=main", "-c", "advice.detachedHead=false", .. args],
            cwd,
            new Dictionary<string, string?> { ["GIT_TERMINAL_PROMPT"] = "0", ["LC_ALL"] = "C" }).GetAwaiter().GetResult();

    /// <summary>Every file under <paramref name="root"/> (the .git folder too) with a hash of its bytes.</summary>
    public static SortedDictionary<string, string> Snapshot(string root)
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            snapshot[Path.GetRelativePath(root, file)] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)));
        }

        return snapshot;
    }

    public void Dispose() => _temp.Dispose();
}
