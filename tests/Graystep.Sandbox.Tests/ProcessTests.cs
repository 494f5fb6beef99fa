using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Graystep.Sandbox.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Sandbox.Tests;

/// <summary>The graystep-sandbox program as the demo runs it: a separate process, read through stdout and HTTP, stopped by SIGTERM.</summary>
public sealed class ProcessTests
{
    private static string SandboxDll => Path.Combine(AppContext.BaseDirectory, "graystep-sandbox.dll");

    [Fact]
    public async Task Prints_its_address_first_serves_ready_and_stops_cleanly_on_sigterm()
    {
        using var repo = new GitOpsRepo();
        var sha = repo.Commit("reviews: 10% to v2", Rendered.IstioApp("rendered", Rendered.IstioWeighted("reviews", "v1", 90, "v2", 10)));
        using var process = Start("--repo", repo.Url, "--path", "rendered", "--port", "0", "--sync-delay", "0s", "--rps", "20");
        try
        {
            var firstLine = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var match = Regex.Match(firstLine ?? string.Empty, @"^listening on (http://127\.0\.0\.1:\d+)$");
            Assert.True(match.Success, $"first stdout line was: {firstLine}");
            var banner = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Contains("SIMULATED", banner, StringComparison.Ordinal);

            using var http = new HttpClient { BaseAddress = new Uri(match.Groups[1].Value), Timeout = TimeSpan.FromSeconds(10) };
            await Poll.UntilAsync(async () => (await http.GetAsync(new Uri("/-/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(20), "ready");
            await Poll.UntilAsync(async () => (await http.GetStringAsync(new Uri("/sandbox/state", UriKind.Relative))).Contains(sha, StringComparison.Ordinal), TimeSpan.FromSeconds(20), "the commit applied");
            await Poll.UntilAsync(async () => (await http.GetStringAsync(new Uri("/metrics", UriKind.Relative))).Contains("istio_requests_total", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "traffic in /metrics");

            Signal(process.Id, "TERM");
            using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var exited = await process.WaitForExitAsync(stopTimeout.Token).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);
            Assert.True(exited, "graystep-sandbox did not stop within 20s of SIGTERM");
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Help_says_it_is_a_simulator_and_lists_the_options()
    {
        var (code, stdout, _) = await RunAsync("--help");

        Assert.Equal(0, code);
        Assert.Contains("SIMULATOR", stdout, StringComparison.Ordinal);
        foreach (var option in new[] { "--repo", "--branch", "--path", "--sync-delay", "--poll", "--rps", "--ab-share", "--behaviour", "--seed", "--port", "--loadtest-rps" })
        {
            Assert.Contains(option, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Bad_options_exit_2_and_name_the_problem()
    {
        var (code, _, stderr) = await RunAsync("--repo", "/nowhere", "--ab-share", "1.5", "--sync-delay", "soon");

        Assert.Equal(2, code);
        Assert.Contains("--ab-share must be between 0 and 1", stderr, StringComparison.Ordinal);
        Assert.Contains("--sync-delay: 'soon' is not a duration", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_behaviour_file_exits_3_with_its_place()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("behaviour.yaml");
        await File.WriteAllTextAsync(file, "versions:\n  v2: {errorRate: lots}\n");

        var (code, _, stderr) = await RunAsync("--repo", dir.Path, "--behaviour", file);

        Assert.Equal(3, code);
        Assert.Contains("behaviour.yaml:2:19: versions.v2.errorRate: 'lots' is not a rate", stderr, StringComparison.Ordinal);
    }

    private static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(SandboxDll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(SandboxDll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"graystep-sandbox {string.Join(' ', args)} did not exit within 60s");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit(5000);
    }
}
