using System.Globalization;
using System.Text;

namespace Graystep.CiAgents.Local;

/// <summary>Plain log text for people, shared by the local and Jenkins agents. Pure; every line ends with LF.</summary>
public static class PlainText
{
    /// <summary><c>file:line:col: error: message</c>, the shape compilers use and editors link.</summary>
    public static string Problem(Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var where = new StringBuilder(problem.File ?? "<input>");
        if (problem.Line is > 0)
        {
            where.Append(CultureInfo.InvariantCulture, $":{problem.Line}");
            if (problem.Column is > 0)
            {
                where.Append(CultureInfo.InvariantCulture, $":{problem.Column}");
            }
        }

        var severity = problem.Severity == ProblemSeverity.Warning ? "warning" : "error";
        return $"{where}: {severity}: {OneLine(problem.Message)}\n";
    }

    public static string Report(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        var canary = string.IsNullOrEmpty(report.Canary) ? string.Empty : $", canary {report.Canary} at {report.Weight}%";
        text.Append(CultureInfo.InvariantCulture, $"{report.RolloutId}: {report.Result.ToText()} ({report.Phase}), stable {report.Stable}{canary}\n");
        if (!string.IsNullOrWhiteSpace(report.Reason))
        {
            text.Append(CultureInfo.InvariantCulture, $"reason: {OneLine(report.Reason)}\n");
        }

        if (report.Analysis.Count > 0)
        {
            text.Append(Table(
                ["METRIC", "VALUE", "THRESHOLD", "VERDICT"],
                [.. report.Analysis.Select(r => new[] { r.Metric, r.Value, r.Threshold, r.Verdict })]));
        }

        return text.ToString();
    }

    /// <summary>Columns padded to their widest cell, two spaces apart, no trailing spaces.</summary>
    public static string Table(IReadOnlyList<string> header, IReadOnlyList<string[]> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        IReadOnlyList<string[]> all = [[.. header.Select(OneLine)], .. rows.Select(r => r.Select(OneLine).ToArray())];
        var widths = Enumerable.Range(0, header.Count).Select(i => all.Max(r => i < r.Length ? r[i].Length : 0)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            var line = string.Join("  ", row.Select((cell, i) => i < widths.Length ? cell.PadRight(widths[i]) : cell));
            text.Append(line.TrimEnd()).Append('\n');
        }

        return text.ToString();
    }

    internal static string OneLine(string text) =>
        text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\r', ' ').Replace('\n', ' ');
}
