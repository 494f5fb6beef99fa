using System.Text;

namespace Graystep.Metrics.Prometheus;

/// <summary>How failed queries are retried: on 5xx answers, timeouts and connection errors, never on 4xx.</summary>
public sealed record RetryPolicy
{
    /// <summary>Attempts in all, the first one included.</summary>
    public int MaxAttempts { get; init; } = 4;

    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public double Multiplier { get; init; } = 2;

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>No retry starts once this much time has passed since the first attempt.</summary>
    public TimeSpan MaxTotal { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Full jitter: each delay is drawn between zero and its exponential value.</summary>
    public bool Jitter { get; init; }

    public static RetryPolicy None { get; } = new() { MaxAttempts = 1 };

    /// <summary>The delay before retry number <paramref name="retry"/> (1-based), without jitter.</summary>
    public TimeSpan DelayBefore(int retry)
    {
        var ms = InitialDelay.TotalMilliseconds * Math.Pow(Multiplier, retry - 1);
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxDelay.TotalMilliseconds));
    }
}

/// <summary>
/// How to talk to Prometheus: authentication, headers, timeout, retries. Secrets stay out of
/// <see cref="ToString"/>, exceptions and logs.
/// </summary>
public sealed record PrometheusClientOptions
{
    /// <summary>Sent as <c>Authorization: Bearer ...</c>.</summary>
    public string? BearerToken { get; init; }

    /// <summary>Basic authentication, as Flagger's MetricTemplate secret (<c>username</c>, <c>password</c>).</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Extra headers, e.g. <c>X-Scope-OrgID</c> for Mimir or Cortex. Their values are treated as secrets.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The time one attempt may take; also sent to Prometheus as the query's <c>timeout</c>.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public RetryPolicy Retry { get; init; } = new();

    /// <summary>POST a form (the default, no URL length limit) or GET with the query in the URL.</summary>
    public bool UseGet { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("BearerToken = ").Append(BearerToken is null ? "null" : "***");
        builder.Append(", Username = ").Append(Username is null ? "null" : "***");
        builder.Append(", Password = ").Append(Password is null ? "null" : "***");
        builder.Append(", Headers = [").Append(string.Join(", ", Headers.Keys.Order(StringComparer.Ordinal))).Append(']');
        builder.Append(", QueryTimeout = ").Append(QueryTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        builder.Append(", Retry = ").Append(Retry);
        builder.Append(", UseGet = ").Append(UseGet);
        return true;
    }
}
