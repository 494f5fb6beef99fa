using System.Text;

namespace Graystep.Rendering.Tests.Support;

/// <summary>A plain line diff (longest common subsequence), for readable failures and weight-diff checks.</summary>
internal static class LineDiff
{
    public sealed record Change(char Kind, int Line, string Text);

    public static IReadOnlyList<Change> Compare(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var changes = new List<Change>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                x++;
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                changes.Add(new Change('-', x + 1, a[x]));
                x++;
            }
            else
            {
                changes.Add(new Change('+', y + 1, b[y]));
                y++;
            }
        }

        return changes;
    }

    public static string Format(IReadOnlyList<Change> changes, int limit = 80)
    {
        var sb = new StringBuilder();
        foreach (var change in changes.Take(limit))
        {
            sb.Append(change.Kind).Append(' ').Append(change.Line.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(4))
                .Append(" | ").Append(change.Text).Append('\n');
        }

        if (changes.Count > limit)
        {
            sb.Append("... ").Append(changes.Count - limit).Append(" more changed lines\n");
        }

        return sb.ToString();
    }
}
