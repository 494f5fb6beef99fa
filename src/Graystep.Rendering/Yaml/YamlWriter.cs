using System.Globalization;
using System.Text;

namespace Graystep.Rendering.Yaml;

/// <summary>
/// Writes a node tree as block-style YAML: 2-space indent, sequences indented under their key, keys in the
/// tree's order, strings double-quoted only when a plain scalar would be misread, multi-line strings as
/// literal blocks, LF endings and a trailing newline. The same tree always gives the same bytes.
/// </summary>
public static class YamlWriter
{
    private const int Indent = 2;

    public static string Write(YamlNode root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var sb = new StringBuilder();
        switch (root)
        {
            case YamlMap { Count: > 0 } map:
                WriteMap(sb, map, 0);
                break;
            case YamlSeq { Count: > 0 } seq:
                WriteSeq(sb, seq, 0);
                break;
            default:
                WriteInlineValue(sb, root);
                sb.Append('\n');
                break;
        }

        return sb.ToString();
    }

    private static void WriteMap(StringBuilder sb, YamlMap map, int indent)
    {
        foreach (var (key, value) in map)
        {
            sb.Append(' ', indent).Append(Key(key)).Append(':');
            WriteValueAfterIndicator(sb, value, indent);
        }
    }

    private static void WriteSeq(StringBuilder sb, YamlSeq seq, int indent)
    {
        foreach (var item in seq)
        {
            if (item is YamlMap { Count: > 0 } or YamlSeq { Count: > 0 })
            {
                // Write the nested block one level deeper, then fold its first line onto the dash.
                var nested = new StringBuilder();
                if (item is YamlMap map)
                {
                    WriteMap(nested, map, indent + Indent);
                }
                else
                {
                    WriteSeq(nested, (YamlSeq)item, indent + Indent);
                }

                sb.Append(' ', indent).Append("- ").Append(nested, indent + Indent, nested.Length - indent - Indent);
            }
            else
            {
                sb.Append(' ', indent).Append('-');
                WriteValueAfterIndicator(sb, item, indent);
            }
        }
    }

    /// <summary>Writes what follows <c>key:</c> or <c>-</c>, ending with a newline.</summary>
    private static void WriteValueAfterIndicator(StringBuilder sb, YamlNode value, int indent)
    {
        switch (value)
        {
            case YamlMap { Count: > 0 } map:
                sb.Append('\n');
                WriteMap(sb, map, indent + Indent);
                break;
            case YamlSeq { Count: > 0 } seq:
                sb.Append('\n');
                WriteSeq(sb, seq, indent + Indent);
                break;
            case YamlScalar { Type: YamlScalarType.String } s when IsLiteralCandidate(s.Value):
                WriteLiteral(sb, s.Value, indent + Indent);
                break;
            default:
                sb.Append(' ');
                WriteInlineValue(sb, value);
                sb.Append('\n');
                break;
        }
    }

    private static void WriteInlineValue(StringBuilder sb, YamlNode value)
    {
        switch (value)
        {
            case YamlMap:
                sb.Append("{}");
                break;
            case YamlSeq:
                sb.Append("[]");
                break;
            case YamlScalar s:
                sb.Append(Scalar(s));
                break;
            default:
                throw new InvalidOperationException($"unknown YAML node {value.GetType().Name}");
        }
    }

    internal static string Scalar(YamlScalar scalar) =>
        scalar.Type == YamlScalarType.String ? StringScalar(scalar.Value) : scalar.Value;

    private static string Key(string key) => StringScalar(key);

    internal static string StringScalar(string value) => NeedsQuotes(value) ? DoubleQuoted(value) : value;

    /// <summary>Multi-line text reads best as a literal block; control characters still need escapes.</summary>
    private static bool IsLiteralCandidate(string value) =>
        value.Contains('\n', StringComparison.Ordinal) && !value.Any(c => c != '\n' && IsSpecialCharacter(c));

    private static void WriteLiteral(StringBuilder sb, string value, int indent)
    {
        var chomp = !value.EndsWith('\n') ? "-" : value.EndsWith("\n\n", StringComparison.Ordinal) ? "+" : string.Empty;
        var body = value.EndsWith('\n') ? value[..^1] : value;
        var lines = body.Split('\n');

        // An explicit indentation indicator keeps leading spaces of the content from being taken as indentation.
        var indicator = lines.Any(l => l.StartsWith(' ')) ? Indent.ToString(CultureInfo.InvariantCulture) : string.Empty;
        sb.Append(" |").Append(indicator).Append(chomp).Append('\n');
        foreach (var line in lines)
        {
            if (line.Length > 0)
            {
                sb.Append(' ', indent).Append(line);
            }

            sb.Append('\n');
        }
    }

    internal static bool NeedsQuotes(string s)
    {
        if (s.Length == 0 || s.Any(IsSpecialCharacter) || s.Contains('\n', StringComparison.Ordinal))
        {
            return true;
        }

        if (char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[^1]))
        {
            return true;
        }

        var first = s[0];
        if (",[]{}#&*!|>'\"%@`".Contains(first, StringComparison.Ordinal))
        {
            return true;
        }

        if ((first is '-' or '?' or ':') && (s.Length == 1 || s[1] == ' '))
        {
            return true;
        }

        if (s.StartsWith("---", StringComparison.Ordinal) || s.StartsWith("...", StringComparison.Ordinal) ||
            s is "<<" or "=")
        {
            return true;
        }

        if (s.Contains(": ", StringComparison.Ordinal) || s.Contains(" #", StringComparison.Ordinal) || s.EndsWith(':'))
        {
            return true;
        }

        return ScalarResolver.ResolvePlain(s) != YamlScalarType.String;
    }

    private static bool IsSpecialCharacter(char c) =>
        (c < 0x20 && c != '\n') || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c is '\u2028' or '\u2029' or '\uFEFF';

    private static string DoubleQuoted(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\':
                    sb.Append(@"\\");
                    break;
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\n':
                    sb.Append(@"\n");
                    break;
                case '\t':
                    sb.Append(@"\t");
                    break;
                case '\r':
                    sb.Append(@"\r");
                    break;
                case '\0':
                    sb.Append(@"\0");
                    break;
                default:
                    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F))
                    {
                        sb.Append(@"\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    }
                    else if (c is '\u2028' or '\u2029' or '\uFEFF')
                    {
                        sb.Append(@"\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
