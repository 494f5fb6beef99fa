using System.Diagnostics;
using Graystep.TestKit;

namespace Graystep.Sandbox.Tests.Support;

/// <summary>A real bare repository on disk plus a working clone that commits and pushes with the git CLI.</summary>
internal sealed class GitOpsRepo : IDisposable
{
    private readonly TempDirectory _dir = new("sandbox-repo");

    public GitOpsRepo(string branch = "main")
    {
        Branch = branch;
        Bare = _dir.Combine("remote.git");
        Work = _dir.Combine("work");
        Git(_dir.Path, "init", "--quiet", "--bare", Bare);
        Git(_dir.Path, "init", "--quiet", "-b", branch, Work);
    }

    public string Bare { get; }

    public string Work { get; }

    public string Branch { get; }

    public string Url => new Uri(Bare).AbsoluteUri;

    /// <summary>Writes (or, with a null text, deletes) files, commits and pushes; returns the commit SHA.</summary>
    public string Commit(string message, IReadOnlyDictionary<string, string?> files)
    {
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(Work, path);
            if (text is null)
            {
                File.Delete(full);
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }

        Git(Work, "add", "--all");
        Git(Work, "-c", "user.name=Graystep Test", "-c", "user.email=test@graystep.local", "commit", "--quiet", "--allow-empty", "-m", message);
        Git(Work, "push", "--quiet", Bare, "HEAD:refs/heads/" + Branch);
        return Git(Work, "rev-parse", "HEAD").Trim();
    }

    public string Commit(string message, params (string Path, string? Text)[] files) =>
        Commit(message, files.ToDictionary(f => f.Path, f => f.Text));

    public void Dispose() => _dir.Dispose();

    public static string Git(string cwd, params string[] args)
    {
        var psi = new ProcessStartInfo("git")
        {
            WorkingDirectory = cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["LC_ALL"] = "C";
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(30_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"git {string.Join(' ', args)} took more than 30s");
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {stderr.Result}");
        }

        return stdout.Result;
    }
}
