using System.Globalization;
using System.Text.RegularExpressions;

namespace Graystep.Analysis.Tests.Support;

/// <summary>
/// examples/bookinfo (Istio, reviews v1 → v2) copied into a throwaway repository with a fast analysis block, and
/// the command lines that roll it out.
/// </summary>
public static partial class Bookinfo
{
    public const string Namespace = "bookinfo";
    public const string Service = "reviews";
    public const string StableWorkload = "reviews-v1";
    public const string CanaryWorkload = "reviews-v2";
    public const string Spec = "rollout.yaml";
    public const string StatusFile = "rendered/graystep-status.yaml";

    /// <summary>Generous bound for one whole rollout on a loaded 2-core machine.</summary>
    public static readonly TimeSpan RunBound = TimeSpan.FromSeconds(120);

    /// <param name="analysis">The <c>analysis</c> block, unindented.</param>
    /// <param name="sync">The <c>sync</c> block, unindented.</param>
    /// <param name="metricsServer">spec.metricsServer; null keeps the example's (unreachable here) address.</param>
    /// <param name="files">More files for the seed, by path relative to it (MetricTemplates).</param>
    public static GitOpsRepo Repo(string analysis, string sync = "kind: none", string? metricsServer = null, int? progressDeadlineSeconds = null,
        IReadOnlyDictionary<string, string>? files = null) =>
        GitOpsRepo.FromExample("bookinfo", Spec, seed =>
        {
            foreach (var (path, content) in files ?? new Dictionary<string, string>())
            {
                File.WriteAllText(Path.Combine(seed, path), content);
            }

            EditSpec(seed, analysis, sync, metricsServer, progressDeadlineSeconds);
        });

    private static void EditSpec(string seed, string analysis, string sync, string? metricsServer, int? progressDeadlineSeconds) =>
        SpecEdits.Edit(Path.Combine(seed, Spec), text =>
        {
            // These tests are about the analysis: the version that lost its traffic leaves in the switch commit.
            text = SpecEdits.SetBlock(text, "analysis", analysis.Contains("scaleDownDelay", StringComparison.Ordinal) ? analysis : analysis.TrimEnd('\n') + "\nscaleDownDelay: 0s");
            text = SpecEdits.SetBlock(text, "sync", sync);
            if (metricsServer is not null)
            {
                text = SpecEdits.SetScalar(text, "metricsServer", metricsServer);
            }

            if (progressDeadlineSeconds is { } deadline)
            {
                text = SpecEdits.SetScalar(text, "progressDeadlineSeconds", deadline.ToString(CultureInfo.InvariantCulture));
            }

            return text;
        });

    /// <summary><c>graystep run rollout.yaml --repo R [--prometheus P] --version v2 --image reviews=...:v2</c>.</summary>
    public static string[] RunV2(GitOpsRepo repo, string? prometheus, params string[] extra)
    {
        ArgumentNullException.ThrowIfNull(repo);
        var args = new List<string> { "run", Spec, "--repo", repo.Bare };
        if (prometheus is not null)
        {
            args.AddRange(["--prometheus", prometheus]);
        }

        args.AddRange(["--version", "v2", "--image", "reviews=docker.io/istio/examples-bookinfo-reviews-v2:1.20.1"]);
        args.AddRange(extra);
        return [.. args];
    }

    /// <summary>
    /// Waits until a whole window of <paramref name="seconds"/> (plus two for the scrape) has passed since the branch's
    /// last commit: analysis only looks at traffic after it.
    /// </summary>
    public static async Task WaitForAWholeWindowAsync(GitOpsRepo repo, int seconds = 5)
    {
        ArgumentNullException.ThrowIfNull(repo);
        var committedAt = DateTimeOffset.Parse(
            GitOpsRepo.Git(repo.Seed, "--git-dir", repo.Bare, "log", "-1", "--format=%cI", "main").Trim(), CultureInfo.InvariantCulture);
        var wait = committedAt + TimeSpan.FromSeconds(seconds + 2) - TimeProvider.System.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    /// <summary>One row of an analysis table in a commit body or the CLI output.</summary>
    public sealed record TableRow(string Metric, string Value, string Threshold, string Window, string Verdict)
    {
        public double NumericValue => double.Parse(Value, NumberStyles.Float, CultureInfo.InvariantCulture);

        public int WindowSeconds => int.Parse(Window.TrimEnd('s'), NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    /// <summary>The rows of the METRIC/VALUE/THRESHOLD/WINDOW/VERDICT table in <paramref name="text"/>.</summary>
    public static IReadOnlyList<TableRow> Rows(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rows = new List<TableRow>();
        var inTable = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("METRIC", StringComparison.Ordinal) && line.Contains("VERDICT", StringComparison.Ordinal))
            {
                inTable = true;
                continue;
            }

            if (!inTable)
            {
                continue;
            }

            var match = RowPattern().Match(line);
            if (!match.Success)
            {
                inTable = false;
                continue;
            }

            rows.Add(new TableRow(match.Groups["m"].Value, match.Groups["v"].Value, match.Groups["t"].Value, match.Groups["w"].Value, match.Groups["verdict"].Value));
        }

        return rows;
    }

    // Thresholds are ">= 99", "<= 500" or "10..1000"; verdicts "pass", "fail", "no data", "error".
    [GeneratedRegex(@"^(?<m>[a-z0-9-]+)\s+(?<v>\S+)\s+(?<t>(>=|<=) \S+|\S+\.\.\S+|-)\s+(?<w>\d+[smh])\s+(?<verdict>pass|fail|no data|error)$")]
    private static partial Regex RowPattern();
}
