using System.Globalization;
using System.Text.RegularExpressions;
using Graystep.Core.History;

namespace Graystep.Core.Reports;

/// <summary>A fixed-width table read back from a commit body: the header cells and one list of cells per row.</summary>
public sealed record TextTable(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>
/// One row of the sequential judge's table: the metric, the counts it compared, the canary/stable ratio with its
/// interval, and the outcome. Numbers that are missing or unreadable are null; <see cref="Upper"/> is +∞ for <c>inf</c>.
/// </summary>
public sealed record JudgeRow(string Metric, string Canary, string Stable, double? Ratio, double? Lower, double? Upper, string Outcome);

/// <summary>The judge's block of a decision: its description line (<c>sequential, alpha 0.01, minimum effect 2x</c>), table and rows.</summary>
public sealed record JudgeBlock(string Description, TextTable Table, IReadOnlyList<JudgeRow> Rows)
{
    /// <summary>The minimum effect the description names (<c>minimum effect 2x</c>), or null.</summary>
    public double? MinimumEffect => JudgeFormat.MinimumEffect(Description);
}

/// <summary>One Graystep commit of a rollout with what its body recorded: the reason, the analysis table and the judge's table.</summary>
public sealed record DecisionRecord(
    DateTimeOffset Time,
    string Action,
    string Version,
    int Weight,
    string Step,
    string Reason,
    string Sha,
    string Subject,
    TextTable? Analysis,
    JudgeBlock? Judge);

/// <summary>
/// Reads decisions back from commits (pure: the commits come from <c>git log</c>). The trailers say what a commit did,
/// as <c>graystep history</c> reads them; the body's <c>Analysis:</c> and <c>Judge:</c> blocks say why. Both blocks are
/// read leniently: columns are split on two or more spaces, found by their header name, and extra columns are kept.
/// </summary>
public static partial class DecisionRecords
{
    /// <summary>Oldest first. Commits without this rollout's trailer (hand edits, other rollouts) are skipped.</summary>
    public static IReadOnlyList<DecisionRecord> From(IEnumerable<CommitRecord> newestFirst, string rolloutId)
    {
        ArgumentNullException.ThrowIfNull(newestFirst);
        var records = new List<DecisionRecord>();
        foreach (var commit in newestFirst.Reverse())
        {
            var trailers = commit.Message.Trailers;
            string? Get(string key) => trailers.LastOrDefault(t => t.Key.Equals(key, StringComparison.OrdinalIgnoreCase)).Value;
            if (Get(Trailers.Rollout) != rolloutId || Get(Trailers.Action) is not { } action)
            {
                continue;
            }

            var lines = commit.Message.Body.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
            var reason = lines.FirstOrDefault(l => l.StartsWith("Reason: ", StringComparison.Ordinal))?["Reason: ".Length..]
                ?? commit.Message.Subject;
            records.Add(new DecisionRecord(
                commit.CommittedAt,
                action,
                Get(Trailers.Version) ?? string.Empty,
                int.TryParse(Get(Trailers.Weight), NumberStyles.Integer, CultureInfo.InvariantCulture, out var w) ? w : 0,
                Get(Trailers.Step) ?? string.Empty,
                reason,
                commit.Sha,
                commit.Message.Subject,
                Block(lines, l => l == "Analysis:", out _),
                ReadJudge(lines)));
        }

        return records;
    }

    /// <summary>
    /// The records of the latest rollout: from its last <c>start</c> on (all records when none started yet), and the
    /// stable version it started from (the version of the last <c>initialize</c> or <c>promote</c> before it).
    /// </summary>
    public static (IReadOnlyList<DecisionRecord> Records, string? Stable, string? Canary) Latest(IReadOnlyList<DecisionRecord> all)
    {
        ArgumentNullException.ThrowIfNull(all);
        var start = -1;
        for (var i = all.Count - 1; i >= 0; i--)
        {
            if (all[i].Action == "start")
            {
                start = i;
                break;
            }
        }

        if (start < 0)
        {
            var last = all.LastOrDefault(r => r.Action is "initialize" or "promote");
            return (all, last?.Version, null);
        }

        var stable = all.Take(start).LastOrDefault(r => r.Action is "initialize" or "promote")?.Version;
        return ([.. all.Skip(start)], stable, all[start].Version);
    }

    /// <summary>The judge's block: the <c>Judge:</c> line, then its table up to the first blank line.</summary>
    public static JudgeBlock? ReadJudge(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var table = Block(lines, l => l.StartsWith("Judge:", StringComparison.Ordinal), out var title);
        if (table is null || title is null)
        {
            return null;
        }

        int Column(string name) => table.Header.ToList().FindIndex(h => h.Equals(name, StringComparison.OrdinalIgnoreCase));
        var (metric, canary, stable, ratio, interval, outcome) =
            (Column("METRIC"), Column("CANARY"), Column("STABLE"), Column("RATIO"), Column("INTERVAL"), Column("OUTCOME"));
        string Cell(IReadOnlyList<string> row, int index) => index >= 0 && index < row.Count ? row[index] : string.Empty;
        var rows = new List<JudgeRow>();
        foreach (var row in table.Rows)
        {
            var (lower, upper) = JudgeFormat.Interval(Cell(row, interval));
            rows.Add(new JudgeRow(
                Cell(row, metric < 0 ? 0 : metric),
                Cell(row, canary),
                Cell(row, stable),
                JudgeFormat.Number(Cell(row, ratio)),
                lower,
                upper,
                Cell(row, outcome)));
        }

        return new JudgeBlock(title["Judge:".Length..].Trim(), table, rows);
    }

    /// <summary>Cells of one table line: split on two or more spaces (a tab counts as a separator too).</summary>
    public static IReadOnlyList<string> Cells(string line) =>
        [.. Separator().Split(line.Trim()).Where(c => c.Length > 0)];

    private static TextTable? Block(IReadOnlyList<string> lines, Func<string, bool> isTitle, out string? title)
    {
        title = null;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            if (!isTitle(line))
            {
                continue;
            }

            title = line;
            if (i + 1 >= lines.Count || lines[i + 1].Trim().Length == 0)
            {
                return null;
            }

            var header = Cells(lines[i + 1]);
            var rows = new List<IReadOnlyList<string>>();
            for (var j = i + 2; j < lines.Count && lines[j].Trim().Length > 0; j++)
            {
                rows.Add(Cells(lines[j]));
            }

            return new TextTable(header, rows);
        }

        return null;
    }

    [GeneratedRegex(@"\s{2,}|\t")]
    private static partial Regex Separator();
}

/// <summary>Reading the judge's numbers: invariant culture, <c>inf</c> for an open upper bound.</summary>
public static partial class JudgeFormat
{
    public static double? Number(string text)
    {
        var t = (text ?? string.Empty).Trim().TrimEnd('x', 'X');
        if (t.Equals("inf", StringComparison.OrdinalIgnoreCase) || t.Equals("+inf", StringComparison.OrdinalIgnoreCase) || t == "∞")
        {
            return double.PositiveInfinity;
        }

        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && !double.IsNaN(value) ? value : null;
    }

    /// <summary><c>[0.31, 3.84]</c> → (0.31, 3.84); anything unreadable → (null, null).</summary>
    public static (double? Lower, double? Upper) Interval(string text)
    {
        var t = (text ?? string.Empty).Trim().TrimStart('[', '(').TrimEnd(']', ')');
        var parts = t.Split(',', StringSplitOptions.TrimEntries);
        return parts.Length == 2 ? (Number(parts[0]), Number(parts[1])) : (null, null);
    }

    public static double? MinimumEffect(string description)
    {
        var match = Effect().Match(description ?? string.Empty);
        return match.Success ? Number(match.Groups[1].Value) : null;
    }

    [GeneratedRegex(@"minimum effect\s+([0-9.]+)", RegexOptions.IgnoreCase)]
    private static partial Regex Effect();
}
