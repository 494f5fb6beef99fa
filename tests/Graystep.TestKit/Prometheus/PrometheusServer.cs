using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Graystep.TestKit.Processes;

namespace Graystep.TestKit.Prometheus;

/// <summary>
/// A real Prometheus (Debian's <c>/usr/bin/prometheus</c>) on 127.0.0.1 and a free port, with a temporary config
/// and TSDB folder, scraping the given targets every second. <see cref="StartAsync"/> returns once Prometheus is
/// ready and has scraped every target once; <see cref="DisposeAsync"/> kills it and deletes its folder.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable, IDisposable
{
    public const string DefaultBinary = "/usr/bin/prometheus";
    public const string JobName = "graystep";

    private const int LogLines = 60;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly ChildProcess _process;
    private readonly TempDirectory _folder;
    private bool _disposed;

    private PrometheusServer(ChildProcess process, TempDirectory folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
        Address = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>The binary: <c>$GRAYSTEP_PROMETHEUS_BINARY</c> (not GRAYSTEP_PROMETHEUS, the CLI's --prometheus URL) when set, else Debian's path.</summary>
    public static string BinaryPath => Environment.GetEnvironmentVariable("GRAYSTEP_PROMETHEUS_BINARY") is { Length: > 0 } path ? path : DefaultBinary;

    public static bool IsInstalled => File.Exists(BinaryPath);

    public static string MissingMessage =>
        $"Prometheus is not installed at {BinaryPath}: run ./build.sh deps (or apt-get install prometheus), or set GRAYSTEP_PROMETHEUS_BINARY";

    public Uri Address { get; }

    public int Port { get; }

    public string ConfigFile => _folder.Combine("prometheus.yml");

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines Prometheus logged, for failure messages.</summary>
    public string RecentLog
    {
        get
        {
            var lines = _process.OutputSoFar.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join('\n', lines.TakeLast(LogLines));
        }
    }

    /// <param name="targets">Scrape targets as <c>host:port</c> (e.g. <see cref="TestExporter.Target"/>).</param>
    /// <param name="scrapeInterval">1s unless told; the scrape timeout equals it.</param>
    /// <param name="startTimeout">The bound on waiting for readiness and the first scrape; 30s unless told.</param>
    public static async Task<PrometheusServer> StartAsync(
        IReadOnlyList<string> targets,
        TimeSpan? scrapeInterval = null,
        TimeSpan? startTimeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (!IsInstalled)
        {
            throw new InvalidOperationException(MissingMessage);
        }

        var interval = scrapeInterval ?? TimeSpan.FromSeconds(1);
        var timeout = startTimeout ?? TimeSpan.FromSeconds(30);

        // A free port can be taken between picking and binding; try a few.
        for (var attempt = 1; ; attempt++)
        {
            var server = Launch(targets, interval);
            try
            {
                await server.WaitReadyAsync(timeout, cancellationToken).ConfigureAwait(false);
                if (targets.Count > 0)
                {
                    await server.WaitUntilAsync(
                        $"count(up{{job=\"{JobName}\"}} == 1)",
                        v => v >= targets.Count,
                        timeout,
                        $"the first successful scrape of {string.Join(", ", targets)}",
                        cancellationToken).ConfigureAwait(false);
                }

                return server;
            }
            catch (PortInUseException) when (attempt < 3)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Runs an instant query; the value of its first sample, or null when it returns nothing or NaN.</summary>
    public async Task<double?> QueryAsync(string promql, CancellationToken cancellationToken = default)
    {
        var uri = new Uri(Address, "/api/v1/query?query=" + Uri.EscapeDataString(promql));
        using var response = await Http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Prometheus answered {(int)response.StatusCode} to {promql}: {body}");
        }

        using var document = JsonDocument.Parse(body);
        var data = document.RootElement.GetProperty("data");
        var result = data.GetProperty("result");
        var sample = data.GetProperty("resultType").GetString() switch
        {
            "scalar" => result,
            "vector" when result.GetArrayLength() > 0 => result[0].GetProperty("value"),
            _ => default,
        };
        if (sample.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var value = double.Parse(sample[1].GetString()!.Replace("+Inf", "Infinity", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.IsNaN(value) ? null : value;
    }

    /// <summary>Polls <paramref name="promql"/> every 100ms until its value satisfies the condition; bounded.</summary>
    public async Task<double> WaitUntilAsync(string promql, Func<double, bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        double? last = null;
        string? lastError = null;
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Prometheus exited (code {_process.ExitCode}) while waiting for {what}:\n{RecentLog}");
            }

            try
            {
                last = await QueryAsync(promql, cancellationToken).ConfigureAwait(false);
                lastError = null;
                if (last is double value && condition(value))
                {
                    return value;
                }
            }
            catch (HttpRequestException ex)
            {
                lastError = ex.Message;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        var seen = lastError ?? (last?.ToString(CultureInfo.InvariantCulture) ?? "no data");
        throw new TimeoutException($"timed out after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s waiting for {what} ({promql} was {seen})");
    }

    /// <summary>
    /// Waits until every series matching <paramref name="selector"/> has at least <paramref name="samples"/>
    /// samples in the last <paramref name="window"/> (a PromQL duration): enough for <c>rate()</c> over it.
    /// </summary>
    public Task<double> WaitForSamplesAsync(string selector, int samples, string window, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitUntilAsync(
            $"min(count_over_time({selector}[{window}]))",
            v => v >= samples,
            timeout ?? TimeSpan.FromSeconds(30),
            $"{samples.ToString(CultureInfo.InvariantCulture)} samples of {selector}",
            cancellationToken);

    /// <summary>Kills Prometheus at once (a crash, as far as clients can tell). The folder stays until disposal.</summary>
    public void Kill() => _process.Kill();

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Kill();
        _process.Dispose();
        _folder.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static PrometheusServer Launch(IReadOnlyList<string> targets, TimeSpan interval)
    {
        var folder = new TempDirectory("graystep-prometheus");
        var port = FreePort.Next();
        var seconds = Math.Max(1, (int)interval.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";
        var config = new StringBuilder()
            .Append("global:\n")
            .Append("  scrape_interval: ").Append(seconds).Append('\n')
            .Append("  scrape_timeout: ").Append(seconds).Append('\n')
            .Append("  evaluation_interval: ").Append(seconds).Append('\n')
            .Append("scrape_configs:\n")
            .Append("  - job_name: ").Append(JobName).Append('\n')
            .Append("    honor_labels: true\n")
            .Append("    static_configs:\n")
            .Append("      - targets: [").Append(string.Join(", ", targets.Select(t => "'" + t + "'"))).Append("]\n")
            .ToString();
        File.WriteAllText(folder.Combine("prometheus.yml"), config);
        Directory.CreateDirectory(folder.Combine("data"));

        string[] arguments =
        [
            "--config.file=" + folder.Combine("prometheus.yml"),
            "--storage.tsdb.path=" + folder.Combine("data"),
            "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
            "--storage.tsdb.retention.time=1h",
            "--log.level=warn",
        ];
        try
        {
            return new PrometheusServer(ChildProcess.Start(BinaryPath, arguments, folder.Path), folder, port);
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    private async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var ready = new Uri(Address, "/-/ready");
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                // The log may still be flushing.
                var exit = await _process.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                var log = RecentLog;
                if (log.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    throw new PortInUseException();
                }

                throw new InvalidOperationException($"Prometheus exited with code {exit.ExitCode} before it was ready:\n{log}");
            }

            try
            {
                using var response = await Http.GetAsync(ready, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"Prometheus was not ready at {ready} after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s:\n{RecentLog}");
    }

    private sealed class PortInUseException : Exception
    {
    }
}
