using Graystep.Core.Analysis;
using Graystep.Core.Spec;

namespace Graystep.Metrics.Tests;

public sealed class AnalysisRoundTests
{
    private static readonly string Query = "q";

    [Fact]
    public void The_table_is_fixed_width_with_notes_for_checks_that_did_not_pass()
    {
        var round = new AnalysisRound(
        [
            new MetricResult("request-success-rate", Query, 99.5238, new ThresholdRange(99, null), TimeSpan.FromMinutes(1), Verdict.Pass),
            new MetricResult("request-duration", Query, 812, new ThresholdRange(null, 500), TimeSpan.FromSeconds(30), Verdict.Fail, "812 is above the maximum 500"),
            new MetricResult("404s percentage", Query, null, new ThresholdRange(0, 5), TimeSpan.FromSeconds(90), Verdict.NoData, "the query returned no series"),
            new MetricResult("latency-budget", Query, null, new ThresholdRange(null, null), TimeSpan.FromHours(1), Verdict.Error, "Prometheus at http://prom:9090/ could not connect"),
        ]);

        Assert.Equal(
            "METRIC                VALUE  THRESHOLD  WINDOW  VERDICT\n" +
            "request-success-rate  99.52  >= 99      1m      pass\n" +
            "request-duration      812    <= 500     30s     fail\n" +
            "404s percentage       -      0..5       90s     no data\n" +
            "latency-budget        -      -          1h      error\n" +
            "\n" +
            "request-duration: 812 is above the maximum 500\n" +
            "404s percentage: the query returned no series\n" +
            "latency-budget: Prometheus at http://prom:9090/ could not connect\n",
            round.ToTable());
        Assert.Equal(3, round.FailedCount);
        Assert.False(round.Passed);
        Assert.Equal("1 of 4 checks passed", round.Summary);
    }

    [Fact]
    public void A_passing_round_has_no_notes()
    {
        var round = new AnalysisRound([new MetricResult("request-duration", Query, 0.004, new ThresholdRange(null, 500), TimeSpan.FromSeconds(5), Verdict.Pass)]);

        Assert.Equal(
            "METRIC            VALUE  THRESHOLD  WINDOW  VERDICT\n" +
            "request-duration  0.004  <= 500     5s      pass\n",
            round.ToTable());
        Assert.True(round.Passed);
        Assert.Equal("1 of 1 check passed", round.Summary);
    }

    [Theory]
    [InlineData(60, "1m")]
    [InlineData(30, "30s")]
    [InlineData(90, "90s")]
    [InlineData(3600, "1h")]
    [InlineData(7200, "2h")]
    [InlineData(0, "0s")]
    public void Windows_are_spelled_as_PromQL_durations(int seconds, string expected)
    {
        Assert.Equal(expected, MetricWindow.Format(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void The_window_never_reaches_back_before_the_step_was_applied_and_is_whole_seconds()
    {
        var applied = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(42), MetricWindow.Compute(TimeSpan.FromMinutes(1), applied, applied.AddSeconds(42.9)));
        Assert.Equal(TimeSpan.FromMinutes(1), MetricWindow.Compute(TimeSpan.FromMinutes(1), applied, applied.AddMinutes(10)));
        Assert.Equal(TimeSpan.Zero, MetricWindow.Compute(TimeSpan.FromMinutes(1), applied, applied.AddMilliseconds(400)));
        Assert.Equal(TimeSpan.Zero, MetricWindow.Compute(TimeSpan.FromMinutes(1), applied, applied.AddSeconds(-5)));
    }
}
