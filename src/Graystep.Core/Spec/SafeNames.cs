using System.Globalization;
using System.Text;
using Graystep.Core.Errors;

namespace Graystep.Core.Spec;

/// <summary>
/// What names and free text from the repository or the command line may hold. Names reach commit messages, CI logs
/// (where a line starting with <c>::</c> or <c>##vso[</c> is a command) and terminals, so they are refused at
/// validate when they hold anything but a plain, DNS-ish name; escaping at each output is the second line.
/// </summary>
public static class SafeNames
{
    /// <summary>Longest metric or webhook name.</summary>
    public const int MaxCheckNameLength = 63;

    public const string CheckNameRule =
        "use letters, digits, '-', '_', '.' and single spaces, starting and ending with a letter or digit, at most 63 characters (e.g. request-success-rate or \"load test\")";

    /// <summary>A Kubernetes object name (an RFC 1123 DNS subdomain): lower-case letters, digits, '-' and '.', at most 253.</summary>
    public static bool IsDnsSubdomain(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length is 0 or > 253 || !char.IsAsciiLetterOrDigit(value[0]) || !char.IsAsciiLetterOrDigit(value[^1]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A metric or webhook name: DNS-ish, plus '_' and inner single spaces (Flagger's docs name hooks "load test").</summary>
    public static bool IsCheckName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length is 0 or > MaxCheckNameLength || !char.IsAsciiLetterOrDigit(value[0]) || !char.IsAsciiLetterOrDigit(value[^1]))
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' || (c == ' ' && value[i - 1] != ' ')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Refuses a <c>--reason</c> with control characters (newlines included): it becomes one line of a commit body,
    /// where a newline could forge trailers or history rows, and is shown in terminals.
    /// </summary>
    public static void CheckReason(string? reason)
    {
        if (reason is not null && reason.Any(char.IsControl))
        {
            throw new GraystepException(
                "--reason " + Quote(reason) + ": holds a newline or control character",
                ExitCodes.Usage,
                "give the reason as one line of plain text");
        }
    }

    /// <summary>A value in double quotes for a message, cut at 60 characters, with control characters escaped.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        const int max = 60;
        var shown = value.Length > max ? value[..max] + "…" : value;
        var quoted = new StringBuilder(shown.Length + 2).Append('"');
        foreach (var c in shown)
        {
            // Control characters are shown, never sent: a quoted value lands in terminals and CI logs.
            _ = c switch
            {
                '\\' => quoted.Append("\\\\"),
                '"' => quoted.Append("\\\""),
                '\n' => quoted.Append("\\n"),
                '\r' => quoted.Append("\\r"),
                '\t' => quoted.Append("\\t"),
                _ when char.IsControl(c) => quoted.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('"').ToString();
    }

    /// <summary>A cookie name Graystep writes into a regex and a Set-Cookie header: letters, digits, '-', '_', '.'.</summary>
    public static bool IsCookieName(string name) =>
        name.Length is > 0 and <= 128 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>A cookie attribute value: printable ASCII without separators that would start another attribute or header.</summary>
    public static bool IsCookieAttribute(string value) =>
        value.Length is > 0 and <= 256 && value.All(c => c is > ' ' and < (char)127 && c is not (';' or ',' or '"' or '\\'));
}
