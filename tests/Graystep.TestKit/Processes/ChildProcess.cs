using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Graystep.TestKit.Processes;

/// <summary>How a process ended: its exit code, what it printed and how long it ran.</summary>
public sealed record ChildProcessResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => Describe("the process");

    public string Describe(string what) =>
        string.Create(CultureInfo.InvariantCulture, $"{what} exited {ExitCode} after {Elapsed.TotalSeconds:0.0}s\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}");
}

/// <summary>
/// A child process whose output is collected as it runs, so a test can read it mid-way, kill it, or wait for it with
/// a bound. Killing is by this process's own handle, never by name. The one process harness of the tests: git,
/// the sandbox and the published CLI (<see cref="GraystepProcess"/>) all run through it.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Stopwatch _clock;
    private readonly Lock _gate = new();

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _clock = Stopwatch.StartNew();
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once it has exited; null while it runs.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Everything printed on stdout and stderr so far, for messages while it still runs.</summary>
    public string OutputSoFar
    {
        get
        {
            lock (_gate)
            {
                return _stdout + "\n" + _stderr;
            }
        }
    }

    public string Stdout
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="file"/> with the arguments as a list (no shell). The environment is this process's,
    /// minus anything that would make a child believe it runs in a CI system or pick up a caller's Graystep or git
    /// settings, plus <paramref name="environment"/>.
    /// </summary>
    public static ChildProcess Start(string file, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var key in start.Environment.Keys.Where(IsAmbient).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["LC_ALL"] = "C";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        return new ChildProcess(new Process { StartInfo = start });
    }

    /// <summary>Runs to the end (bounded); a process still running at the bound is killed and reported.</summary>
    public static async Task<ChildProcessResult> RunAsync(string file, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var process = Start(file, arguments, workingDirectory, environment);
        return await process.WaitAsync(timeout).ConfigureAwait(false);
    }

    public async Task<ChildProcessResult> WaitAsync(TimeSpan timeout)
    {
        using var bound = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException(Result().Describe($"{_process.StartInfo.FileName} {string.Join(' ', _process.StartInfo.ArgumentList)} was killed: still running after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s;"));
        }

        // WaitForExit (no timeout) also waits for the redirected streams to reach their end.
        _process.WaitForExit();
        return Result();
    }

    /// <summary>SIGKILL, as a CI runner cancelling a job or a node dying would; the output read so far is kept.</summary>
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
            // It has already exited.
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private ChildProcessResult Result()
    {
        lock (_gate)
        {
            return new ChildProcessResult(_process.HasExited ? _process.ExitCode : -1, _stdout.ToString(), _stderr.ToString(), _clock.Elapsed);
        }
    }

    private void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            buffer.Append(line).Append('\n');
        }
    }

    private static bool IsAmbient(string key) =>
        key.StartsWith("GRAYSTEP_", StringComparison.Ordinal)
        || key.StartsWith("GITHUB_", StringComparison.Ordinal)
        || key.StartsWith("GIT_", StringComparison.Ordinal)
        || key.StartsWith("BUILD_", StringComparison.Ordinal)
        || key.StartsWith("SYSTEM_", StringComparison.Ordinal)
        || key.StartsWith("AGENT_", StringComparison.Ordinal)
        || key.StartsWith("RUNNER_", StringComparison.Ordinal)
        || key.StartsWith("JENKINS_", StringComparison.Ordinal)
        || key is "CI" or "TF_BUILD" or "WORKSPACE" or "GITLAB_CI";
}
