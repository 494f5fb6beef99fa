using System.Diagnostics;
using System.Globalization;
using System.Text;
using Graystep.TestKit;

namespace Graystep.Analysis.Tests.Support;

/// <summary>What a finished <c>graystep</c> process did.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"exit {ExitCode.ToString(CultureInfo.InvariantCulture)} after {Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// The published CLI (<see cref="RepoPaths.GraystepExecutable"/>, made by <c>./build.sh publish</c>) run as a child
/// process, as a CI job runs it. The test can act while it runs and must await <see cref="WaitAsync"/>, which is
/// bounded and kills the process when the bound is reached.
/// </summary>
public sealed class GraystepProcess : IDisposable
{
    // CI variables of the machine running the tests must not make the child write CI protocol files.
    private static readonly string[] CiVariables =
        ["CI", "GITHUB_ACTIONS", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_ENV", "TF_BUILD", "JENKINS_URL", "BUILD_ID", "GITLAB_CI"];

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private GraystepProcess(Process process)
    {
        _process = process;
    }

    public static string Executable
    {
        get
        {
            var path = RepoPaths.GraystepExecutable;
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"{path} is missing: run ./build.sh publish first (./build.sh test does it)");
            }

            return path;
        }
    }

    /// <summary>Everything printed on stdout so far.</summary>
    public string Output
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public bool HasExited => _exited.Task.IsCompleted;

    public static GraystepProcess Start(GitOpsRepo repo, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(repo);
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = repo.Seed,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in CiVariables)
        {
            start.Environment.Remove(name);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("GRAYSTEP_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["GRAYSTEP_WORKSPACE"] = repo.Workspaces;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var cli = new GraystepProcess(process);
        process.OutputDataReceived += (_, e) => cli.Append(cli._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => cli.Append(cli._stderr, e.Data);
        process.Exited += (_, _) => cli._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs to the end; kills the process and fails if it takes longer than <paramref name="timeout"/>.</summary>
    public static Task<CliResult> RunAsync(GitOpsRepo repo, string[] args, TimeSpan timeout)
    {
        var cli = Start(repo, args);
        return cli.WaitAndDisposeAsync(timeout);
    }

    public async Task<CliResult> WaitAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(_exited.Task, Task.Delay(timeout));
        if (finished != _exited.Task)
        {
            Kill();
            throw new TimeoutException($"graystep did not finish within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s (killed):\n{Output}\n{Stderr()}");
        }

        // Exited fires before the redirected streams are drained; this waits for them.
        _process.WaitForExit();
        return new CliResult(_process.ExitCode, Output, Stderr(), _clock.Elapsed);
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private async Task<CliResult> WaitAndDisposeAsync(TimeSpan timeout)
    {
        try
        {
            return await WaitAsync(timeout);
        }
        finally
        {
            Dispose();
        }
    }

    private string Stderr()
    {
        lock (_stderr)
        {
            return _stderr.ToString();
        }
    }

    private void Append(StringBuilder sink, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (sink)
        {
            sink.Append(line).Append('\n');
        }
    }
}
