using System.Globalization;

namespace Graystep.Sandbox;

/// <summary>Go-style durations as Flagger and Argo CD write them: <c>500ms</c>, <c>2s</c>, <c>1m30s</c>, <c>1h</c>; a bare <c>0</c> is zero.</summary>
internal static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (s == "0")
        {
            return true;
        }

        var total = 0d;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (i == start || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            var factorMs = s[unitStart..i] switch
            {
                "ms" => 1d,
                "s" => 1000d,
                "m" => 60_000d,
                "h" => 3_600_000d,
                _ => double.NaN,
            };
            if (double.IsNaN(factorMs))
            {
                return false;
            }

            total += number * factorMs;
        }

        value = TimeSpan.FromMilliseconds(total);
        return true;
    }

    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        if (value.TotalMilliseconds < 1000 || value.Milliseconds != 0)
        {
            return value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
        }

        return value.TotalSeconds % 60 == 0 && value.TotalSeconds >= 60
            ? (value.TotalSeconds / 60).ToString(CultureInfo.InvariantCulture) + "m"
            : value.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s";
    }
}
