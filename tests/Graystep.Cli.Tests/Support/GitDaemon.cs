using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Graystep.TestKit;

namespace Graystep.Cli.Tests.Support;

/// <summary>
/// <c>git daemon</c> on 127.0.0.1 and a free port, serving (and accepting pushes to) the repositories under a folder:
/// a real remote URL (git://) without any network beyond loopback. Stopped when disposed.
/// </summary>
public sealed class GitDaemon : IDisposable
{
    private readonly Process _process;

    private GitDaemon(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static async Task<GitDaemon> StartAsync(string root)
    {
        var port = FreePort.Next();
        var psi = new ProcessStartInfo("git") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])["daemon", "--reuseaddr", "--export-all", "--enable=receive-pack", "--informative-errors", "--listen=127.0.0.1", $"--port={port.ToString(CultureInfo.InvariantCulture)}", $"--base-path={root}", root])
        {
            psi.ArgumentList.Add(arg);
        }

        var daemon = new GitDaemon(Process.Start(psi)!, port);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (daemon._process.HasExited)
            {
                throw new InvalidOperationException("git daemon exited: " + await daemon._process.StandardError.ReadToEndAsync());
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return daemon;
            }
            catch (SocketException) when (waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }
        }
    }

    public string Url(string repository) => $"git://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/{repository}";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }
}
