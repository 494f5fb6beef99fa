using System.Globalization;
using System.Text;

namespace Graystep.Core.Spec;

/// <summary>
/// Durations in Go's <c>time.ParseDuration</c> syntax, as Flagger, Argo CD and Flux read them: <c>30s</c>, <c>1m</c>,
/// <c>1m30s</c>, <c>500ms</c>, <c>1.5h</c>. Units: ns, us (µs), ms, s, m, h. The one parser and printer of durations
/// for specs, options, messages and the sandbox.
/// </summary>
public static class GoDuration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var s = text.AsSpan();
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        // Go accepts a bare "0" without a unit.
        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return false;
        }

        decimal ticks = 0;
        while (!s.IsEmpty)
        {
            var digits = 0;
            while (digits < s.Length && (char.IsAsciiDigit(s[digits]) || s[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0 || !decimal.TryParse(s[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            s = s[digits..];
            var unit = 0;
            while (unit < s.Length && !char.IsAsciiDigit(s[unit]) && s[unit] != '.')
            {
                unit++;
            }

            decimal? perUnit = s[..unit] switch
            {
                "ns" => 0.01m,
                "us" or "µs" or "μs" => 10m,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => null,
            };
            if (perUnit is null)
            {
                return false;
            }

            ticks += number * perUnit.Value;
            if (ticks > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }

            s = s[unit..];
        }

        value = TimeSpan.FromTicks((long)decimal.Round(ticks));
        if (negative)
        {
            value = -value;
        }

        return true;
    }

    /// <summary>The short form people write: <c>1m</c>, <c>30s</c>, <c>1m30s</c>, <c>500ms</c>, <c>1h</c>; <c>0s</c> for zero.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        if (value < TimeSpan.Zero)
        {
            sb.Append('-');
            value = value.Duration();
        }

        var hours = (long)value.TotalHours;
        Append(sb, hours, "h");
        Append(sb, value.Minutes, "m");
        Append(sb, value.Seconds, "s");
        Append(sb, value.Milliseconds, "ms");
        var rest = value.Ticks % TimeSpan.TicksPerMillisecond;
        if (rest != 0)
        {
            Append(sb, rest / 10, "us");
        }

        return sb.ToString();
    }

    /// <summary>
    /// Whole seconds rounded up, at least one: for a wait that is still running, so "applying in 0s" is never
    /// printed while something is still pending.
    /// </summary>
    public static string FormatWholeSecondsUp(TimeSpan value) =>
        Format(TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(value.TotalSeconds))));

    private static void Append(StringBuilder sb, long amount, string unit)
    {
        if (amount != 0)
        {
            sb.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }
}
