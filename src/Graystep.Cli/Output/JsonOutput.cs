using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Graystep.Core.Analysis;
using Graystep.Core.Spec;

namespace Graystep.Cli;

/// <summary>The documented, stable JSON output (docs/cli-json.md): camelCase, indented, no HTML escaping.</summary>
internal static class JsonOutput
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>One metric check, the same shape in <c>run</c> and <c>analyze</c>.</summary>
    public static JsonObject Metric(MetricResult result)
    {
        var json = new JsonObject
        {
            ["name"] = result.Name,
            ["query"] = result.Query,
            ["value"] = result.Value is { } v && double.IsFinite(v) ? v : null,
            ["min"] = result.Threshold.Min,
            ["max"] = result.Threshold.Max,
            ["window"] = MetricWindow.Format(result.Window),
            ["verdict"] = Verdict(result.Verdict),
            ["detail"] = result.Detail,
        };

        // Only with the sequential judge: the threshold judge's output keeps its shape.
        if (result.Judged is { } judged)
        {
            json["judge"] = Judge(judged);
        }

        return json;
    }

    /// <summary>What the sequential judge compared and said for one metric (docs/cli-json.md).</summary>
    public static JsonObject Judge(JudgeEvidence judged) => new()
    {
        ["kind"] = judged.Noun,
        ["canary"] = new JsonObject { ["events"] = judged.Canary.Events, ["total"] = judged.Canary.Total },
        ["stable"] = new JsonObject { ["events"] = judged.Stable.Events, ["total"] = judged.Stable.Total },
        ["ratio"] = Finite(judged.Verdict.Ratio),
        ["lower"] = Finite(judged.Verdict.Lower),
        ["upper"] = Finite(judged.Verdict.Upper),
        ["alpha"] = judged.Alpha,
        ["window"] = MetricWindow.Format(judged.Window),
        ["outcome"] = JudgeVerdict.FormatOutcome(judged.Verdict.Outcome),
    };

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    public static string Verdict(Verdict verdict) => verdict switch
    {
        Core.Analysis.Verdict.Pass => "pass",
        Core.Analysis.Verdict.Fail => "fail",
        Core.Analysis.Verdict.NoData => "no-data",
        _ => "error",
    };

    public static string Strategy(Strategy strategy) => strategy switch
    {
        Core.Spec.Strategy.Canary => "canary",
        Core.Spec.Strategy.ABTesting => "ab-testing",
        Core.Spec.Strategy.BlueGreen => "blue-green",
        _ => "blue-green-mirroring",
    };

    /// <summary>Times as UTC, to the second: <c>2026-03-01T09:00:00Z</c>.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
