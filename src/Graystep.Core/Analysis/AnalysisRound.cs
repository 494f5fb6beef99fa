using System.Globalization;
using System.Text;
using Graystep.Core.Spec;

namespace Graystep.Core.Analysis;

/// <summary>
/// The results of one analysis round, and their text for people: commit bodies, PR comments and CLI output.
/// </summary>
public sealed record AnalysisRound(IReadOnlyList<MetricResult> Results)
{
    /// <summary>Checks that did not pass: a failed threshold, no data, or an error all count, as in Flagger.</summary>
    public int FailedCount => Results.Count(r => !r.Passed);

    public bool Passed => FailedCount == 0;

    public string Summary => Results.Count == 0
        ? "no metrics to check"
        : string.Create(CultureInfo.InvariantCulture, $"{Results.Count - FailedCount} of {Results.Count} {(Results.Count == 1 ? "check" : "checks")} passed");

    /// <summary>
    /// A fixed-width table (columns padded to their widest cell, two spaces apart, no trailing spaces, LF endings)
    /// followed, when a check did not pass and says why, by one line per such check.
    /// </summary>
    public string ToTable()
    {
        string[] header = ["METRIC", "VALUE", "THRESHOLD", "WINDOW", "VERDICT"];
        var rows = new List<string[]> { header };
        rows.AddRange(Results.Select(r => new[]
        {
            History.UntrustedText.OneLine(r.Name), FormatValue(r.Value), FormatThreshold(r.Threshold), MetricWindow.Format(r.Window), FormatVerdict(r.Verdict),
        }));

        var widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(row => row[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            for (var c = 0; c < row.Length; c++)
            {
                line.Append(c == row.Length - 1 ? row[c] : row[c].PadRight(widths[c] + 2));
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }

        var notes = Results.Where(r => !r.Passed && !string.IsNullOrEmpty(r.Detail)).ToList();
        if (notes.Count > 0)
        {
            text.Append('\n');
            foreach (var result in notes)
            {
                text.Append(History.UntrustedText.OneLine(result.Name)).Append(": ").Append(History.UntrustedText.OneLine(result.Detail)).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>Invariant culture, at most two decimals (three significant digits below 0.01), <c>-</c> for none.</summary>
    public static string FormatValue(double? value) => value switch
    {
        null => "-",
        double v when double.IsNaN(v) => "NaN",
        double v when double.IsPositiveInfinity(v) => "+Inf",
        double v when double.IsNegativeInfinity(v) => "-Inf",
        double v when v != 0 && Math.Abs(v) < 0.01 => v.ToString("G3", CultureInfo.InvariantCulture),
        double v => v.ToString("0.##", CultureInfo.InvariantCulture),
    };

    /// <summary><c>&gt;= 99</c>, <c>&lt;= 500</c>, <c>10..1000</c> (both inclusive), or <c>-</c> for none.</summary>
    public static string FormatThreshold(ThresholdRange threshold)
    {
        ArgumentNullException.ThrowIfNull(threshold);
        return (threshold.Min, threshold.Max) switch
        {
            (double min, double max) => FormatValue(min) + ".." + FormatValue(max),
            (double min, null) => ">= " + FormatValue(min),
            (null, double max) => "<= " + FormatValue(max),
            _ => "-",
        };
    }

    public static string FormatVerdict(Verdict verdict) => verdict switch
    {
        Verdict.Pass => "pass",
        Verdict.Fail => "fail",
        Verdict.NoData => "no data",
        Verdict.Error => "error",
        _ => verdict.ToString().ToLowerInvariant(),
    };
}
