using System.Collections;
using System.Diagnostics;
using System.Text;
using Graystep.TestKit;

namespace Graystep.Cli.Tests.Support;

/// <summary>What one graystep process did.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// A running graystep process (the published CLI, as a pipeline runs it), with its output collected. The child's
/// environment is the test's own minus anything that would make it think it runs under CI or point git elsewhere.
/// </summary>
public sealed class GraystepProcess : IDisposable
{
    private static readonly string[] Scrubbed = ["CI", "GITHUB_", "TF_BUILD", "BUILD_", "SYSTEM_", "JENKINS_", "GRAYSTEP_", "GIT_", "RUNNER_", "AGENT_"];

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _stdoutDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private GraystepProcess(IEnumerable<string> args, string cwd, IReadOnlyDictionary<string, string?> env)
    {
        var executable = RepoPaths.GraystepExecutable;
        Assert.True(File.Exists(executable), $"{executable} is missing: run ./build.sh publish first (./build.sh test does it before the tests)");
        var psi = new ProcessStartInfo(executable)
        {
            WorkingDirectory = cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment.Clear();
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            if (!Scrubbed.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
            {
                psi.Environment[name] = (string?)entry.Value;
            }
        }

        foreach (var (name, value) in env)
        {
            psi.Environment[name] = value;
        }

        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => Collect(_stdout, _stdoutDone, e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(_stderr, _stderrDone, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromMinutes(3);

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static GraystepProcess Start(IEnumerable<string> args, string cwd, IReadOnlyDictionary<string, string?> env) => new(args, cwd, env);

    public static async Task<CliResult> RunAsync(IEnumerable<string> args, string cwd, IReadOnlyDictionary<string, string?> env, TimeSpan? timeout = null)
    {
        using var process = Start(args, cwd, env);
        return await process.WaitAsync(timeout ?? DefaultTimeout);
    }

    public async Task<CliResult> WaitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"graystep {string.Join(' ', _process.StartInfo.ArgumentList)} did not finish within {timeout.TotalSeconds}s\n--- stdout\n{_stdout}\n--- stderr\n{_stderr}");
        }

        await Task.WhenAll(_stdoutDone.Task, _stderrDone.Task).WaitAsync(TimeSpan.FromSeconds(30));
        lock (_stdout)
        {
            return new CliResult(_process.ExitCode, _stdout.ToString(), _stderr.ToString());
        }
    }

    /// <summary>SIGKILL to graystep and its git children: no chance to clean up, as when a CI runner is lost.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public string OutputSoFar()
    {
        lock (_stdout)
        {
            return _stdout + "\n" + _stderr;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Collect(StringBuilder into, TaskCompletionSource done, string? line)
    {
        if (line is null)
        {
            done.TrySetResult();
            return;
        }

        lock (_stdout)
        {
            into.Append(line).Append('\n');
        }
    }
}
