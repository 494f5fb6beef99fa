using System.Text;
using System.Text.RegularExpressions;

namespace Graystep.CiAgents;

/// <summary>
/// Text from the repository or a remote (names, reasons, error bodies) made inert for a CI log: no line of it may be
/// read as a logging command, and no control character reaches a terminal. Pure: each function takes one line
/// (without its LF) and returns the bytes to write; tests pin them to the byte.
/// </summary>
public static partial class CiLogText
{
    /// <summary>
    /// Control characters removed (C0 but tab, DEL, C1): terminal escape sequences, carriage returns that overwrite a
    /// line, bells. Line feeds are handled by the caller, which splits lines.
    /// </summary>
    public static string StripControls(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (!line.AsSpan().ContainsAnyInRange('\u0000', '\u001f') && !line.AsSpan().ContainsAnyInRange('\u007f', '\u009f'))
        {
            return line;
        }

        var text = new StringBuilder(line.Length);
        foreach (var c in line)
        {
            if (c == '\t' || !(c < ' ' || (c >= '\u007f' && c <= '\u009f')))
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// GitHub Actions reads a command from a line that starts with <c>::</c> (after blanks) and, in the older form,
    /// from <c>##[</c> anywhere in it. Such a line is written verbatim between <c>::stop-commands::TOKEN</c> and
    /// <c>::TOKEN::</c>, the runner's own way to print text without running it; the token is random per process, so
    /// the text cannot end the block early. Other lines are returned as they are.
    /// </summary>
    public static string GitHub(string line, string stopToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentException.ThrowIfNullOrEmpty(stopToken);
        if (!line.TrimStart().StartsWith("::", StringComparison.Ordinal) && !line.Contains("##[", StringComparison.Ordinal))
        {
            return line;
        }

        // The token is random, so a line holds it only by a guess that came back in a remote's echo: mask it anyway.
        var verbatim = line.Replace(stopToken, "***", StringComparison.Ordinal);
        return $"::stop-commands::{stopToken}\n{verbatim}\n::{stopToken}::";
    }

    /// <summary>
    /// Azure Pipelines reads <c>##vso[</c> anywhere in a line (any case) and formats <c>##[</c>: a blank after the
    /// hashes (<c>##vso [</c>, <c>## [</c>) keeps the text readable and makes it plain.
    /// </summary>
    public static string Azure(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return AzureCommand().Replace(line, m => m.Value[..^1] + " [");
    }

    /// <summary>A new stop-commands token: random, so that no text written before can guess it.</summary>
    public static string NewStopToken() => "graystep-" + Guid.NewGuid().ToString("N");

    [GeneratedRegex(@"##(vso)?\[", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AzureCommand();
}
