using System.Globalization;

namespace Graystep.Sandbox.Traffic;

/// <summary>
/// One command sent to Flagger's load tester (<c>metadata.cmd</c>), as the sandbox runs it: <c>hey</c> (a rate for a
/// duration, or a number of requests) or <c>curl</c> (one request), aimed at a Service by its cluster DNS name.
/// Only the first command of a pipeline runs; the rest (<c>| grep token</c>) reads output the sandbox does not make.
/// </summary>
internal sealed record LoadTestCommand(string Host, string Namespace, double RatePerSecond, TimeSpan Duration, int Requests)
{
    /// <summary>The most requests one command may ask for, so that a repository cannot make the sandbox spin.</summary>
    public const int MaxRequests = 100_000;

    private static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(10);

    /// <summary>True when the requests are spread over <see cref="Duration"/>; false when they are sent at once.</summary>
    public bool IsTimed => Duration > TimeSpan.Zero;

    /// <summary>Parses <paramref name="cmd"/>; <paramref name="namespace"/> completes a short host name (<c>podinfo-canary</c>).</summary>
    public static LoadTestCommand Parse(string cmd, string @namespace, out string? error)
    {
        error = null;
        var first = cmd.Split(['|', ';', '&'], 2)[0];
        var words = first.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('"', '\'')).ToList();
        if (words.Count == 0 || words[0] is not ("hey" or "curl"))
        {
            error = "the sandbox's load tester runs hey and curl commands, got " + (words.Count == 0 ? "an empty command" : "'" + words[0] + "'");
            return Invalid;
        }

        var url = words.LastOrDefault(w => w.StartsWith("http://", StringComparison.Ordinal) || w.StartsWith("https://", StringComparison.Ordinal));
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var target))
        {
            error = "the command names no http:// URL to send requests to";
            return Invalid;
        }

        var parts = target.Host.Split('.');
        var host = parts[0];
        var ns = parts.Length >= 2 ? parts[1] : @namespace;
        if (words[0] == "curl")
        {
            return new LoadTestCommand(host, ns, 0, TimeSpan.Zero, 1);
        }

        // hey's defaults: 200 requests from 50 workers; -z runs for a duration, -q limits each worker's rate.
        var workers = Number(words, "-c") ?? 50;
        var perWorker = Number(words, "-q");
        var requests = Number(words, "-n") ?? 200;
        var duration = Value(words, "-z") is { } z && Graystep.Core.Spec.GoDuration.TryParse(z, out var d) ? d : TimeSpan.Zero;
        if (duration > TimeSpan.Zero)
        {
            duration = duration > MaxDuration ? MaxDuration : duration;
            var rate = perWorker is { } q ? q * workers : 50;
            return new LoadTestCommand(host, ns, Math.Min(rate, MaxRequests / duration.TotalSeconds), duration, 0);
        }

        return new LoadTestCommand(host, ns, 0, TimeSpan.Zero, (int)Math.Clamp(requests, 1, MaxRequests));
    }

    private static LoadTestCommand Invalid { get; } = new(string.Empty, string.Empty, 0, TimeSpan.Zero, 0);

    private static string? Value(List<string> words, string flag)
    {
        var at = words.IndexOf(flag);
        return at >= 0 && at + 1 < words.Count ? words[at + 1] : null;
    }

    private static double? Number(List<string> words, string flag) =>
        double.TryParse(Value(words, flag), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
}
