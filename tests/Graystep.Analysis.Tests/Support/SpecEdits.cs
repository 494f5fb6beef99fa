using System.Text;

namespace Graystep.Analysis.Tests.Support;

/// <summary>
/// Text edits of an example's spec, as a user tweaks a copied file: replace a top-level block of <c>spec</c>
/// (<c>analysis</c>, <c>sync</c>), set or drop a scalar. Blocks are given without their indentation.
/// </summary>
public static class SpecEdits
{
    /// <summary>Replaces <c>  key:</c> and everything nested under it; adds the block at the end when missing.</summary>
    public static string SetBlock(string yaml, string key, string? body)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var lines = yaml.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        var start = lines.FindIndex(l => l.StartsWith("  " + key + ":", StringComparison.Ordinal));
        var replacement = body is null ? [] : new List<string> { "  " + key + ":" }.Concat(Indent(body, 4)).ToList();
        if (start < 0)
        {
            while (lines.Count > 0 && lines[^1].Length == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }

            lines.AddRange(replacement);
            return string.Join('\n', lines) + "\n";
        }

        var end = start + 1;
        while (end < lines.Count && (lines[end].Length == 0 || lines[end].StartsWith("   ", StringComparison.Ordinal) || lines[end].StartsWith("  -", StringComparison.Ordinal)))
        {
            end++;
        }

        lines.RemoveRange(start, end - start);
        lines.InsertRange(start, replacement);
        return string.Join('\n', lines).TrimEnd('\n') + "\n";
    }

    /// <summary>Sets <c>  key: value</c> under spec (replacing it, or adding it after <c>spec:</c>); null removes it.</summary>
    public static string SetScalar(string yaml, string key, string? value)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var lines = yaml.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        var at = lines.FindIndex(l => l.StartsWith("  " + key + ":", StringComparison.Ordinal));
        if (at >= 0)
        {
            lines.RemoveAt(at);
        }
        else
        {
            at = lines.FindIndex(l => l == "spec:") + 1;
        }

        if (value is not null)
        {
            lines.Insert(at, $"  {key}: {value}");
        }

        return string.Join('\n', lines);
    }

    public static void Edit(string file, Func<string, string> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        File.WriteAllText(file, edit(File.ReadAllText(file)), new UTF8Encoding(false));
    }

    private static IEnumerable<string> Indent(string body, int spaces)
    {
        var lines = body.Replace("\r\n", "\n", StringComparison.Ordinal).Trim('\n').Split('\n');
        var common = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return lines.Select(l => l.Trim().Length == 0 ? string.Empty : new string(' ', spaces) + l[common..]);
    }
}
