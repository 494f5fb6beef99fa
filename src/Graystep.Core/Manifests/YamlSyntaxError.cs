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
        if (raw.Contains("tab", StringComparison.Ordinal))
        {
            // YamlDotNet points at the start of the enclosing mapping; the tab itself is what to show.
            (line, column) = FirstIndentingTab(text) ?? (line, column);
            message = "a tab is used for indentation; indent with spaces only";
        }
        else if (raw.EndsWith("found invalid mapping", StringComparison.Ordinal))
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

    private static (int Line, int Column)? FirstIndentingTab(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', 0, indent);
            if (tab >= 0)
            {
                return (i + 1, tab + 1);
            }
        }

        return null;
    }
}
