using System.Globalization;
using System.Net;

namespace Graystep.Hosts.GitHub.Api;

/// <summary>A rate-limit answer: how long GitHub asks us to wait, and until when.</summary>
internal sealed record RateLimitAnswer(bool Primary, TimeSpan Wait, DateTimeOffset Until);

/// <summary>
/// Reads GitHub's rate-limit answers as its REST documentation describes them: a 403 or 429 with
/// <c>retry-after</c> (wait that long), or with <c>x-ratelimit-remaining: 0</c> (wait for <c>x-ratelimit-reset</c>),
/// or a secondary-limit message without either (wait a minute, doubling on each retry).
/// </summary>
internal static class RateLimits
{
    private static readonly TimeSpan SecondaryBaseWait = TimeSpan.FromMinutes(1);

    // A second past the reset, so that the retry does not land on the boundary.
    private static readonly TimeSpan ResetMargin = TimeSpan.FromSeconds(1);

    public static RateLimitAnswer? Classify(GitHubResponse response, DateTimeOffset now, int attempt)
    {
        if (response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests))
        {
            return null;
        }

        if (TryRetryAfter(response.Header("retry-after"), now, out var retryAfter))
        {
            return new RateLimitAnswer(false, retryAfter, now + retryAfter);
        }

        if (response.Header("x-ratelimit-remaining") == "0"
            && long.TryParse(response.Header("x-ratelimit-reset"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var resetEpoch))
        {
            var reset = DateTimeOffset.FromUnixTimeSeconds(resetEpoch);
            var wait = reset > now ? reset - now + ResetMargin : ResetMargin;
            return new RateLimitAnswer(true, wait, now + wait);
        }

        var message = GitHubErrorBody.Parse(response.Body).Message ?? string.Empty;
        if (response.StatusCode == HttpStatusCode.TooManyRequests || message.Contains("rate limit", StringComparison.OrdinalIgnoreCase))
        {
            var wait = SecondaryBaseWait * Math.Pow(2, Math.Min(attempt, 6));
            return new RateLimitAnswer(false, wait, now + wait);
        }

        return null;
    }

    private static bool TryRetryAfter(string? value, DateTimeOffset now, out TimeSpan wait)
    {
        wait = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        if (long.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            wait = TimeSpan.FromSeconds(seconds);
            return true;
        }

        // RFC 9110 also allows an HTTP date.
        if (DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            wait = date > now ? date - now : TimeSpan.Zero;
            return true;
        }

        return false;
    }

    public static string FormatDuration(TimeSpan duration)
    {
        var seconds = (long)Math.Ceiling(duration.TotalSeconds);
        return seconds switch
        {
            >= 3600 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}h{seconds % 3600 / 60:00}m"),
            >= 60 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}m{seconds % 60:00}s"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{seconds}s"),
        };
    }

    public static string FormatTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
