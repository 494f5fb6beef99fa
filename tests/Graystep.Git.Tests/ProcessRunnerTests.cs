using System.Diagnostics;
using Graystep.Core.Errors;

namespace Graystep.Git.Tests;

public sealed class ProcessRunnerTests
{
    private readonly ProcessRunner _runner = new();

    [Fact]
    public async Task Arguments_reach_the_process_literally_with_no_shell_in_between()
    {
        var result = await _runner.RunAsync("/bin/sh", ["-c", "printf '%s|' \"$@\"", "sh", "a b", "c'd", "$HOME", "*", ";rm -rf x"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("a b|c'd|$HOME|*|;rm -rf x|", result.Stdout);
    }

    [Fact]
    public async Task Standard_input_exit_code_and_both_streams_come_through_whole()
    {
        var input = string.Concat(Enumerable.Repeat("line ü\n", 50_000));
        var result = await _runner.RunAsync("/bin/sh", ["-c", "cat; head -c 300000 /dev/zero | tr '\\0' e >&2; exit 3"], standardInput: input);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(input, result.Stdout);
        Assert.Equal(300_000, result.Stderr.Length);
    }

    [Fact]
    public async Task Environment_entries_are_added_and_null_removes_one()
    {
        var result = await _runner.RunAsync(
            "/bin/sh",
            ["-c", "echo \"$GRAYSTEP_TEST_ADDED|${HOME-unset}\""],
            environment: new Dictionary<string, string?> { ["GRAYSTEP_TEST_ADDED"] = "yes", ["HOME"] = null });

        Assert.Equal("yes|unset\n", result.Stdout);
    }

    [Fact]
    public async Task Cancellation_kills_the_whole_process_tree()
    {
        using var temp = new Graystep.TestKit.TempDirectory();
        var pidFile = temp.Combine("child.pid");
        using var cancel = new CancellationTokenSource();
        var run = _runner.RunAsync("/bin/sh", ["-c", $"sleep 60 & echo $! > '{pidFile}'; wait"], cancellationToken: cancel.Token);

        var child = await PollAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0 ? int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture) : (int?)null);
        var stopwatch = Stopwatch.StartNew();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10));
        Assert.True(await PollAsync(() => IsGone(child) ? true : (bool?)null), $"child {child} still runs");
    }

    [Fact]
    public async Task A_program_that_does_not_exist_is_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<GraystepException>(() => _runner.RunAsync("/nonexistent/graystep-tool", []));
        Assert.StartsWith("could not start '/nonexistent/graystep-tool'", error.Message, StringComparison.Ordinal);
    }

    private static bool IsGone(int pid)
    {
        // A killed child that nobody reaped yet is a zombie: gone for our purposes.
        var stat = $"/proc/{pid}/stat";
        return !File.Exists(stat) || File.ReadAllText(stat).Split(')')[^1].TrimStart().StartsWith('Z');
    }

    private static async Task<T> PollAsync<T>(Func<T?> probe)
        where T : struct
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("condition not met within 10 s");
    }
}
