using Graystep.Core.History;
using Graystep.Core.Reports;

namespace Graystep.Core.Tests.Reports;

public sealed class DecisionRecordsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private const string JudgeBody = """
        Analysis:
        METRIC                VALUE  THRESHOLD  WINDOW  VERDICT
        request-success-rate  100    >= 99      1m      pass

        Judge: sequential, alpha 0.01, minimum effect 2x
        METRIC                CANARY            STABLE             RATIO  INTERVAL      OUTCOME  EXTRA COLUMN
        request-success-rate  3/1200 errors     11/4800 errors     1.09   [0.31, 3.84]  inconclusive  yes
        request-duration      40/1200 slow      150/4800 slow      1.07   [0.70, inf]  pass

        Webhooks:
          load-test (rollout): ok
        """;

    [Fact]
    public void The_judge_table_is_read_leniently_with_appended_columns_and_an_open_bound()
    {
        var judge = DecisionRecords.ReadJudge(JudgeBody.Split('\n'))!;

        Assert.Equal("sequential, alpha 0.01, minimum effect 2x", judge.Description);
        Assert.Equal(2, judge.MinimumEffect);
        Assert.Equal(7, judge.Table.Header.Count);
        Assert.Equal(
            [
                new JudgeRow("request-success-rate", "3/1200 errors", "11/4800 errors", 1.09, 0.31, 3.84, "inconclusive"),
                new JudgeRow("request-duration", "40/1200 slow", "150/4800 slow", 1.07, 0.70, double.PositiveInfinity, "pass"),
            ],
            judge.Rows);
    }

    [Fact]
    public void Commits_become_decisions_of_the_latest_rollout_with_their_tables()
    {
        CommitRecord Commit(int minute, string action, string version, int weight, string body) => new(
            $"{minute:D2}aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            T0.AddMinutes(minute),
            "Graystep",
            "g@example.test",
            new CommitMessage($"reviews: {action}", body,
            [
                new(Trailers.Rollout, "bookinfo/reviews"), new(Trailers.Version, version), new(Trailers.Action, action),
                new(Trailers.Weight, weight.ToString(System.Globalization.CultureInfo.InvariantCulture)), new(Trailers.Step, "1/3"),
            ]));
        var other = Commit(3, "step", "v9", 50, string.Empty) with
        {
            Message = new CommitMessage("other", string.Empty, [new(Trailers.Rollout, "bookinfo/ratings"), new(Trailers.Action, "step")]),
        };
        var newestFirst = new[]
        {
            Commit(5, "rollback", "v3", 0, "Reason: request-success-rate 90 outside >= 99\n\n" + JudgeBody),
            Commit(4, "step", "v3", 10, "No traffic reached the canary yet."),
            Commit(3, "start", "v3", 0, string.Empty),
            other,
            Commit(2, "promote", "v2", 100, string.Empty),
            Commit(1, "start", "v2", 0, string.Empty),
            Commit(0, "initialize", "v1", 100, string.Empty),
        };

        var all = DecisionRecords.From(newestFirst, "bookinfo/reviews");
        var (latest, stable, canary) = DecisionRecords.Latest(all);

        Assert.Equal(6, all.Count);
        Assert.Equal(["start", "step", "rollback"], latest.Select(d => d.Action));
        Assert.Equal(("v2", "v3"), (stable, canary));
        Assert.Equal("request-success-rate 90 outside >= 99", latest[2].Reason);
        Assert.Equal(["METRIC", "VALUE", "THRESHOLD", "WINDOW", "VERDICT"], latest[2].Analysis!.Header);
        Assert.Equal(2, latest[2].Judge!.Rows.Count);
        Assert.Null(latest[1].Judge);
        Assert.Null(latest[1].Analysis);
        Assert.False(RolloutReport.IsActive(latest));
        Assert.True(RolloutReport.IsActive(latest.Take(2).ToList()));
    }

    [Fact]
    public void The_judge_chart_has_one_point_per_check_with_its_ratio_and_interval()
    {
        var lines = JudgeBody.Split('\n');
        var judge = DecisionRecords.ReadJudge(lines)!;
        DecisionRecord Check(int minute, JudgeBlock? block) =>
            new(T0.AddMinutes(minute), "step", "v2", minute * 10, "1/3", "r", "sha", "s", null, block);
        var decisions = new[] { Check(0, null), Check(1, judge), Check(2, judge with { Rows = [judge.Rows[0] with { Ratio = 2.5, Lower = 1.2, Upper = 6 }] }) };

        var blocks = MermaidBlock.All(MermaidCharts.JudgeRatios(decisions));

        Assert.Equal(2, blocks.Count);
        var rate = blocks[0];
        Assert.Equal("request-success-rate: canary/stable ratio and interval (judge)", rate.Title);
        Assert.Equal(["09:01:00", "09:02:00"], rate.Labels);
        Assert.Equal([3.84, 6], rate.Lines[0]);
        Assert.Equal([1.09, 2.5], rate.Lines[1]);
        Assert.Equal([0.31, 1.2], rate.Lines[2]);
        Assert.Equal(6.6, rate.YMax);

        // An open upper bound is drawn at the top of the axis; the duration was judged at one check only.
        var duration = blocks[1];
        Assert.Equal(["09:01:00"], duration.Labels);
        Assert.Equal([duration.YMax], duration.Lines[0]);
        Assert.Equal([1.07], duration.Lines[1]);
    }

    [Fact]
    public void Without_a_judge_there_is_no_judge_chart_and_the_weight_chart_is_valid()
    {
        Assert.Equal(string.Empty, MermaidCharts.JudgeRatios([]));

        var weight = MermaidBlock.All(MermaidCharts.Weight("bookinfo/\"reviews\"", [(T0, 0), (T0.AddMinutes(1), 10), (T0.AddMinutes(2), 100)]));

        var block = Assert.Single(weight);
        Assert.Equal("bookinfo/'reviews': canary weight (%)", block.Title);
        Assert.Equal([0, 10, 100], block.Lines[0]);
        Assert.Equal((0, 100), (block.YMin, block.YMax));
    }
}
