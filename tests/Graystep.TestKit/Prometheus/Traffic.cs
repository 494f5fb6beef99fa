namespace Graystep.TestKit.Prometheus;

/// <summary>
/// How a workload behaves: requests per second, the share of 500s and 404s, and its latency. Counts are spread
/// deterministically (no randomness): 5% errors at 100 req/s is exactly 5 errors a second.
/// </summary>
public sealed record Traffic
{
    public double RequestsPerSecond { get; init; }

    /// <summary>Share of requests answered 500 (0..1).</summary>
    public double ErrorRatio { get; init; }

    /// <summary>Share of requests answered 404 (0..1).</summary>
    public double NotFoundRatio { get; init; }

    public TimeSpan Latency { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Share of requests that take <see cref="SlowLatency"/> instead of <see cref="Latency"/> (0..1).</summary>
    public double SlowRatio { get; init; }

    public TimeSpan SlowLatency { get; init; }

    public static Traffic None { get; } = new();

    public static Traffic Healthy(double requestsPerSecond = 100) => new() { RequestsPerSecond = requestsPerSecond };

    /// <summary>"serves N req/s with 5% 500s": <c>Traffic.WithErrors(0.05)</c>.</summary>
    public static Traffic WithErrors(double errorRatio, double requestsPerSecond = 100) =>
        new() { RequestsPerSecond = requestsPerSecond, ErrorRatio = errorRatio };

    public static Traffic WithNotFound(double notFoundRatio, double requestsPerSecond = 100) =>
        new() { RequestsPerSecond = requestsPerSecond, NotFoundRatio = notFoundRatio };

    /// <summary>
    /// Every request takes <paramref name="latency"/>. Prometheus' histogram_quantile interpolates inside the
    /// bucket holding it, so the measured P99 lies between that bucket's bounds (800ms reads as about 995ms).
    /// </summary>
    public static Traffic Slow(TimeSpan latency, double requestsPerSecond = 100) =>
        new() { RequestsPerSecond = requestsPerSecond, Latency = latency };
}
