using System.Text;
using System.Text.Json;
using Graystep.Core.Errors;
using Graystep.TestKit;

namespace Graystep.Cli.Commands.Tests.Report;

/// <summary><c>graystep report</c> on real git repositories: what the page holds, its size, escaping and bad input.</summary>
public sealed class ReportCommandTests
{
    private static readonly DateTimeOffset Seed = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_20_step_rollout_with_the_judge_is_one_small_self_contained_page()
    {
        using var rig = new ReportRig(Seed, metricsServer: "http://127.0.0.1:1");
        rig.Rollout.Steps(Start, steps: 20, TimeSpan.FromMinutes(2), judge: true);
        var file = rig.Combine("out.html");

        var result = rig.Run(TimeProvider.System, "report", CraftedRollout.SpecPath, "--out", file, "-o", "json");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var html = File.ReadAllText(file);
        var bytes = Encoding.UTF8.GetByteCount(html);
        Assert.InRange(bytes, 10_000, 300_000);

        // Self-contained: nothing is fetched.
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);

        // 22 commits of the latest rollout, each with its hash, and the judge's chart for both metrics.
        var rows = html.Split("<tr data-sha=").Length - 1;
        Assert.Equal(22, rows);
        Assert.Equal(2, html.Split("class=\"chart judge\"").Length - 1);
        Assert.Contains("sequential, alpha 0.01, minimum effect 2x", html, StringComparison.Ordinal);
        Assert.Contains("<td>[0.20, inf]</td>", html, StringComparison.Ordinal);

        // Prometheus is unreachable: the page says so, the command warns, and still succeeds.
        Assert.Contains("Metrics could not be read", html, StringComparison.Ordinal);
        Assert.Contains("warning: Metrics could not be read", result.Error, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("bookinfo/reviews", json.RootElement.GetProperty("rollout").GetString());
        Assert.Equal(bytes, json.RootElement.GetProperty("bytes").GetInt32());
        Assert.Equal(22, json.RootElement.GetProperty("commits").GetInt32());
        Assert.Equal(21, json.RootElement.GetProperty("judgedCommits").GetInt32());
        Assert.Equal("v2", json.RootElement.GetProperty("canary").GetString());
        Assert.Equal("v1", json.RootElement.GetProperty("stable").GetString());
    }

    [Fact]
    public void Text_from_the_repository_is_escaped()
    {
        using var rig = new ReportRig(Seed, metricsServer: "http://127.0.0.1:1");
        const string Evil = "<script>window.pwned=1</script>";
        rig.Rollout.Steps(Start, steps: 2, TimeSpan.FromMinutes(1), judge: true, metric: "x<img onerror=alert(1)>");
        rig.Rollout.Commit(Start + TimeSpan.FromMinutes(10), "rollback", "v2", 0, "2/2", "reviews: roll back " + Evil, "Reason: " + Evil + " & \"quotes\"\n\n" + CraftedRollout.AnalysisBody());
        var file = rig.Combine("evil.html");

        var result = rig.Run(TimeProvider.System, "report", CraftedRollout.SpecPath, "--out", file);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var html = File.ReadAllText(file);
        Assert.DoesNotContain(Evil, html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;window.pwned=1&lt;/script&gt; &amp; &quot;quotes&quot;", html, StringComparison.Ordinal);
        Assert.Single(html.Split("<script>").Skip(1));
    }

    [Fact]
    public void A_rollout_without_the_judge_has_no_judge_chart_and_the_default_file_name()
    {
        using var rig = new ReportRig(Seed, metricsServer: "http://127.0.0.1:1");
        rig.Rollout.Steps(Start, steps: 3, TimeSpan.FromMinutes(1), judge: false);

        var result = rig.Run(TimeProvider.System, "report", CraftedRollout.SpecPath);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.StartsWith("bookinfo/reviews: wrote graystep-report.html (", result.Out, StringComparison.Ordinal);
        var html = File.ReadAllText(Path.Combine(rig.Folder, "graystep-report.html"));
        Assert.DoesNotContain("class=\"chart judge\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"chart weight\"", html, StringComparison.Ordinal);
        Assert.Contains("<th>VERDICT</th>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing-folder/report.html", "the folder")]
    [InlineData(".", "is a folder")]
    public void A_bad_out_path_is_one_error_line_and_writes_nothing(string output, string expected)
    {
        using var rig = new ReportRig(Seed);
        rig.Rollout.Steps(Start, steps: 1, TimeSpan.FromMinutes(1), judge: false);
        var before = Directory.GetFileSystemEntries(rig.Folder).Length;

        var result = rig.Run(TimeProvider.System, "report", CraftedRollout.SpecPath, "--out", output);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith("error: --out ", result.Error, StringComparison.Ordinal);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFileSystemEntries(rig.Folder).Length);
    }

    [Fact]
    public void A_bad_prometheus_url_is_a_usage_error()
    {
        using var rig = new ReportRig(Seed);
        rig.Rollout.Steps(Start, steps: 1, TimeSpan.FromMinutes(1), judge: false);

        var result = rig.Run(TimeProvider.System, "report", CraftedRollout.SpecPath, "--prometheus", "not a url");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith("error: --prometheus not a url: not an absolute URL", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(rig.Folder, "graystep-report.html")));
    }
}
