using System.Text;

namespace Graystep.Core.History;

/// <summary>
/// Text Graystep did not write (names from the repository, <c>--reason</c>, a remote's error) as it goes into a
/// commit message, a table or a log line: one line, no control characters. A newline in a name can then neither
/// start a look-alike trailer paragraph or history row in a commit body, nor a command line in a CI log.
/// </summary>
public static class UntrustedText
{
    /// <summary>Control characters dropped, every run of whitespace (line breaks included) one space, trimmed.</summary>
    public static string OneLine(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var result = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = result.Length > 0;
            }
            else if (!char.IsControl(c))
            {
                if (space)
                {
                    result.Append(' ');
                    space = false;
                }

                result.Append(c);
            }
        }

        return result.ToString();
    }
}
