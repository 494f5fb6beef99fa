using System.Globalization;

namespace Graystep.Core.Analysis;

/// <summary>The time window a metric check looks at, and its PromQL spelling.</summary>
public static class MetricWindow
{
    /// <summary>
    /// <c>min(interval, now - appliedAt)</c> rounded down to whole seconds: the canary is never judged on traffic
    /// from before the step's commit was applied. Zero when the commit was applied less than a second ago.
    /// </summary>
    public static TimeSpan Compute(TimeSpan interval, DateTimeOffset appliedAt, DateTimeOffset now)
    {
        var sinceApplied = now - appliedAt;
        var window = sinceApplied < interval ? sinceApplied : interval;
        return window <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Floor(window.TotalSeconds));
    }

    /// <summary>A PromQL duration in one unit: <c>1h</c>, <c>5m</c>, <c>90s</c>. Sub-second parts are dropped.</summary>
    public static string Format(TimeSpan window)
    {
        var seconds = (long)Math.Floor(window.TotalSeconds);
        if (seconds <= 0)
        {
            return "0s";
        }

        if (seconds % 3600 == 0)
        {
            return (seconds / 3600).ToString(CultureInfo.InvariantCulture) + "h";
        }

        return seconds % 60 == 0
            ? (seconds / 60).ToString(CultureInfo.InvariantCulture) + "m"
            : seconds.ToString(CultureInfo.InvariantCulture) + "s";
    }
}
