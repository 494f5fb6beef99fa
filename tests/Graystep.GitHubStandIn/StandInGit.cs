using System.Diagnostics;

namespace Graystep.GitHubStandIn;

/// <summary>The git command line, as the stand-in's storage engine: arguments as a list, no prompts, no user config.</summary>
public sealed class StandInGit
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _globalConfig;

    public StandInGit(string root)
    {
        // An empty global config, so the machine's user settings (signing, hooks, default branch) never leak in.
        _globalConfig = Path.Combine(root, ".gitconfig-standin");
        File.WriteAllText(_globalConfig, string.Empty);
    }

    /// <summary>The empty global config every git the stand-in runs uses (its own, and the smart HTTP backend).</summary>
    public string GlobalConfig => _globalConfig;

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public bool Ok => ExitCode == 0;

        public string Line => Stdout.Trim();
    }

    public async Task<Result> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["LC_ALL"] = "C";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_CONFIG_GLOBAL"] = _globalConfig;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start git");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"git {string.Join(' ', arguments)} did not finish within {Timeout}");
        }

        return new Result(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    public async Task<string> RunCheckedAsync(string workingDirectory, params string[] arguments)
    {
        var result = await RunAsync(workingDirectory, arguments).ConfigureAwait(false);
        return result.Ok
            ? result.Line
            : throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.Stderr.Trim()}");
    }

    /// <summary>The commit a ref (or SHA) names in a repository, or null.</summary>
    public async Task<string?> ResolveAsync(string repository, string refOrSha)
    {
        var result = await RunAsync(repository, "rev-parse", "--verify", "--quiet", refOrSha + "^{commit}").ConfigureAwait(false);
        return result.Ok ? result.Line : null;
    }
}
