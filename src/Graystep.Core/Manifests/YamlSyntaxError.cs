using System.Globalization;
using YamlDotNet.Core;

namespace Graystep.Core.Manifests;

/// <summary>
/// Turns YamlDotNet's parser messages ("While scanning a plain scalar value, found invalid mapping") into what
/// went wrong and how to fix it, in the words of someone editing a manifest.
/// </summary>
internal static class YamlSyntaxError
{
    public static (int Line, int Column, string Message) Describe(YamlException error, string text)
    {
        var raw = error.Message.TrimEnd('.');
        var line = (int)error.Start.Line;
        var column = (int)error.Start.Column;
        string message;
        if (BadIndentation(text, int.MaxValue) is { } bad && (raw.Contains("tab", StringComparison.Ordinal) || bad.Line <= line))
        {
            // YamlDotNet points at the start of the enclosing mapping, or reads a non-breaking space as part of a
            // key ("a 'key:' cannot start here"); the character itself is what to show.
            return bad;
        }

        if (raw.EndsWith("found invalid mapping", StringComparison.Ordinal))
        {
            message = "a 'key:' cannot start here; check this line's indentation against the line above, or quote a value that contains ': '";
        }
        else if (raw.StartsWith("While parsing a block mapping, did not find expected key", StringComparison.Ordinal))
        {
            message = "expected a 'key: value' line here; check this line's indentation, and that list items ('- ') sit under a key";
        }
        else if (raw.StartsWith("While parsing a block collection, did not find expected '-' indicator", StringComparison.Ordinal))
        {
            message = "expected a list item ('- ') here; check this line's indentation against the list above";
        }
        else if (raw.Contains("quoted scalar", StringComparison.Ordinal))
        {
            message = "a quoted string is not closed; add the closing quote";
        }
        else if (raw.Contains("cannot start any token", StringComparison.Ordinal))
        {
            message = "a value cannot start with this character ('@', '`' and '%' are reserved); put the value in quotes";
        }
        else if (raw.StartsWith("Duplicate key ", StringComparison.Ordinal))
        {
            message = "key \"" + raw["Duplicate key ".Length..] + "\" appears twice in the same mapping; keep one";
        }
        else if (error is AnchorNotFoundException)
        {
            message = raw.Replace(" does not exists", " is not defined", StringComparison.Ordinal) + "; define &name before *name, or quote a value that starts with '*'";
        }
        else
        {
            message = raw + "; check the indentation and quoting at this line";
        }

        return (line, column, "invalid YAML: " + message);
    }

    /// <summary>
    /// The first tab or non-space blank (a non-breaking space pasted from a web page, U+00A0) in the indentation of a
    /// line up to <paramref name="upToLine"/>, as a problem naming the character, its line and its column.
    /// </summary>
    public static (int Line, int Column, string Message)? BadIndentation(string text, int upToLine)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length && i < upToLine; i++)
        {
            var line = lines[i];
            for (var j = 0; j < line.Length && char.IsWhiteSpace(line[j]) && line[j] is not ('\r' or '\n'); j++)
            {
                if (line[j] != ' ')
                {
                    var what = line[j] switch
                    {
                        '\t' => "a tab",
                        '\u00A0' => "a non-breaking space (U+00A0)",
                        var c => string.Create(CultureInfo.InvariantCulture, $"a U+{(int)c:X4} space"),
                    };
                    return (i + 1, j + 1, string.Create(CultureInfo.InvariantCulture, $"invalid YAML: line {i + 1}, column {j + 1}: {what} in indentation; YAML indents with spaces only"));
                }
            }
        }

        return null;
    }
}
