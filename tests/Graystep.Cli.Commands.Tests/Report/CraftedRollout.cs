using System.Globalization;
using System.Text;
using Graystep.TestKit;

namespace Graystep.Cli.Commands.Tests.Report;

/// <summary>
/// A real git repository holding the bookinfo example and hand-made Graystep commits (trailers and bodies as
/// Graystep writes them, with or without the sequential judge's table) at chosen times: what <c>graystep report</c>
/// reads, without running a rollout.
/// </summary>
internal sealed class CraftedRollout
{
    public const string SpecPath = "apps/bookinfo/rollout.yaml";

    private readonly string _checkout;
    private int _counter;

    private CraftedRollout(string checkout) => _checkout = checkout;

    public string Checkout => _checkout;

    /// <summary>A checkout of a fresh repository with the example (metricsServer replaced when given) committed at <paramref name="at"/>.</summary>
    public static CraftedRollout Create(string root, DateTimeOffset at, string? metricsServer = null)
    {
        var remote = ExampleRemote.Create(
            root,
            "bookinfo",
            "rollout.yaml",
            metricsServer is null ? [] : [("http://prometheus.istio-system:9090", metricsServer)],
            committedAt: at);
        return new CraftedRollout(remote.Seed);
    }

    /// <summary>One Graystep commit touching the output folder.</summary>
    public string Commit(DateTimeOffset at, string action, string version, int weight, string step, string subject, string body)
    {
        _counter++;
        RawGit.Write(_checkout, $"apps/bookinfo/rendered/change-{_counter.ToString(CultureInfo.InvariantCulture)}.txt", subject + "\n");
        RawGit.Run(_checkout, "add", "-A");
        var message = new StringBuilder()
            .Append(subject).Append("\n\n")
            .Append(body.TrimEnd()).Append("\n\n")
            .Append("Graystep-Rollout: bookinfo/reviews\n")
            .Append("Graystep-Version: ").Append(version).Append('\n')
            .Append("Graystep-Action: ").Append(action).Append('\n')
            .Append(CultureInfo.InvariantCulture, $"Graystep-Weight: {weight}\n")
            .Append("Graystep-Step: ").Append(step).Append('\n')
            .ToString();
        return RawGit.CommitAt(_checkout, message, at);
    }

    public static string AnalysisBody(string metric = "request-success-rate", string verdict = "pass") =>
        $"""
        Analysis:
        METRIC                VALUE  THRESHOLD  WINDOW  VERDICT
        {metric,-20}  100    >= 99      1m      {verdict}
        request-duration      123    <= 500     30s     pass
        """;

    /// <summary>The judge's block of the format contract, after the analysis table.</summary>
    public static string JudgeBody(double ratio, double lower, string upper, string outcome, string metric = "request-success-rate") =>
        AnalysisBody(metric) + "\n\n" + string.Create(
            CultureInfo.InvariantCulture,
            $"""
            Judge: sequential, alpha 0.01, minimum effect 2x
            METRIC                CANARY            STABLE             RATIO  INTERVAL      OUTCOME
            {metric,-20}  3/1200 errors     11/4800 errors     {ratio:0.00}   [{lower:0.00}, {upper}]  {outcome}
            request-duration      40/1200 slow      150/4800 slow      1.07   [0.70, 1.62]  pass
            """);

    /// <summary>initialize v1, start v2, then <paramref name="steps"/> steps a minute apart ending in a promotion; returns the last time.</summary>
    public DateTimeOffset Steps(DateTimeOffset start, int steps, TimeSpan every, bool judge, string metric = "request-success-rate")
    {
        Commit(start, "initialize", "v1", 100, "0/0", "reviews: initialize v1 at 100%", "First rollout of bookinfo/reviews.");
        var t = start + TimeSpan.FromSeconds(1);
        Commit(t, "start", "v2", 0, $"0/{steps}", "reviews: start v2 at 0%", "Started by a pipeline run.\nStable: v1.");
        for (var i = 1; i <= steps; i++)
        {
            t += every;
            var weight = (int)Math.Round(i * 100.0 / (steps + 1));
            var body = judge
                ? JudgeBody(1 + (0.05 * i), Math.Max(0.1, 1 - (0.8 / i)), i < 3 ? "inf" : (1 + (3.0 / i)).ToString("0.00", CultureInfo.InvariantCulture), i < 3 ? "inconclusive" : "pass", metric)
                : AnalysisBody(metric);
            Commit(t, "step", "v2", weight, $"{i}/{steps}", $"reviews: shift {weight}% to v2 (step {i}/{steps})", body);
        }

        t += every;
        Commit(t, "promote", "v2", 100, $"{steps}/{steps}", "reviews: promote v2 to 100%", judge ? JudgeBody(1.02, 0.8, "1.3", "pass", metric) : AnalysisBody(metric));
        return t;
    }
}
