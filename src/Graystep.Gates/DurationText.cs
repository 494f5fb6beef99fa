using System.Globalization;
using System.Text;

namespace Graystep.Gates;

/// <summary>Durations as users write them in specs (Go style: <c>1m30s</c>, <c>500ms</c>).</summary>
internal static class DurationText
{
    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        if (duration < TimeSpan.FromSeconds(1) && duration > TimeSpan.Zero)
        {
            return ((long)Math.Ceiling(duration.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";
        }

        var seconds = (long)Math.Ceiling(duration.TotalSeconds);
        var text = new StringBuilder();
        if (seconds >= 3600)
        {
            text.Append((seconds / 3600).ToString(CultureInfo.InvariantCulture)).Append('h');
            seconds %= 3600;
        }

        if (seconds >= 60 || text.Length > 0 && seconds > 0)
        {
            text.Append((seconds / 60).ToString(CultureInfo.InvariantCulture)).Append('m');
            seconds %= 60;
        }

        if (seconds > 0 || text.Length == 0)
        {
            text.Append(seconds.ToString(CultureInfo.InvariantCulture)).Append('s');
        }

        return text.ToString();
    }

    /// <summary>Whole seconds rounded up, so "applying in 0s" is never printed while still pending.</summary>
    public static string FormatCeilingSeconds(TimeSpan duration) =>
        Format(TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(duration.TotalSeconds))));
}
