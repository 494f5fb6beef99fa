using Graystep.CiAgents.GitHub;
using Graystep.Core.Rollouts;
using Graystep.TestKit;

namespace Graystep.CiAgents.Tests;

public sealed class GitHubActionsTests
{
    private const string Workspace = "/home/runner/work/gitops/gitops";

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("100%", "100%25")]
    [InlineData("a\rb", "a%0Db")]
    [InlineData("a\nb", "a%0Ab")]
    [InlineData("a\r\nb", "a%0D%0Ab")]
    [InlineData("%0A", "%250A")]
    [InlineData("key: a, b", "key: a, b")]
    public void Data_escapes_percent_CR_and_LF_only(string raw, string escaped)
    {
        Assert.Equal(escaped, GitHubActionsCommands.EscapeData(raw));
    }

    [Theory]
    [InlineData("C:\\specs\\a,b.yaml", "C%3A\\specs\\a%2Cb.yaml")]
    [InlineData("50%\r\n:,", "50%25%0D%0A%3A%2C")]
    [InlineData("%3A", "%253A")]
    [InlineData("a;b]c", "a;b]c")]
    public void Properties_also_escape_colon_and_comma(string raw, string escaped)
    {
        Assert.Equal(escaped, GitHubActionsCommands.EscapeProperty(raw));
    }

    [Fact]
    public void An_error_annotation_points_at_the_file_relative_to_the_workspace()
    {
        var problem = new Problem($"{Workspace}/apps/reviews/rollout.yaml", 12, 5, "spec.analysis.stepWeights[1]: must be 1..100, got 120");
        Assert.Equal(
            "::error file=apps/reviews/rollout.yaml,line=12,col=5::spec.analysis.stepWeights[1]: must be 1..100, got 120\n",
            GitHubActionsCommands.Annotation(problem, Workspace));
    }

    [Fact]
    public void A_warning_with_hostile_text_survives_the_runner_parse()
    {
        var problem = new Problem("dir,with:odd%/roll\nout.yaml", 3, null, "50% of\r\nthe :: lines, broken", ProblemSeverity.Warning);
        var line = GitHubActionsCommands.Annotation(problem, Workspace);

        Assert.Equal("::warning file=dir%2Cwith%3Aodd%25/roll%0Aout.yaml,line=3::50%25 of%0D%0Athe :: lines, broken\n", line);
        var (name, properties, data) = RunnerParsers.ParseGitHubCommand(line.TrimEnd('\n'));
        Assert.Equal("warning", name);
        Assert.Equal("dir,with:odd%/roll\nout.yaml", properties["file"]);
        Assert.Equal("3", properties["line"]);
        Assert.False(properties.ContainsKey("col"));
        Assert.Equal("50% of\r\nthe :: lines, broken", data);
    }

    [Fact]
    public void A_problem_without_a_location_is_a_bare_annotation()
    {
        Assert.Equal("::error::no rollout spec found under .\n", GitHubActionsCommands.Annotation(new Problem(null, null, null, "no rollout spec found under ."), null));
    }

    [Fact]
    public void Groups_and_masks_are_workflow_commands()
    {
        Assert.Equal("::group::waiting for sync of 1a2b3c (30s)\n", GitHubActionsCommands.Group("waiting for sync of 1a2b3c (30s)"));
        Assert.Equal("::group::a%0Ab%25\n", GitHubActionsCommands.Group("a\nb%"));
        Assert.Equal("::endgroup::\n", GitHubActionsCommands.EndGroup());
        Assert.Equal("::add-mask::ghp_abc%25def\n", GitHubActionsCommands.AddMask("ghp_abc%def"));
    }

    [Fact]
    public void Single_line_outputs_are_key_value_lines_in_a_fixed_order()
    {
        var text = GitHubActionsCommands.Outputs(Samples.Progressing(), () => throw new InvalidOperationException("no heredoc needed"));
        Assert.Equal(
            "phase=Progressing\n" +
            "version=v2\n" +
            "weight=20\n" +
            "result=in-progress\n" +
            "stable=v1\n" +
            "canary=v2\n" +
            "reason=step 2/3: all checks passed\n",
            text);
    }

    [Fact]
    public void A_multiline_value_uses_a_heredoc()
    {
        Assert.Equal(
            "reason<<ghadelimiter_X\nrequest-duration 612 > 500\r\nsecond line\nghadelimiter_X\n",
            GitHubActionsCommands.OutputEntry("reason", "request-duration 612 > 500\r\nsecond line", () => "ghadelimiter_X"));
    }

    [Fact]
    public void The_heredoc_delimiter_is_drawn_again_until_it_is_not_in_the_value()
    {
        var value = "EOF\nline with EOF2 inside\nghadelimiter_1";
        var draws = new Queue<string>(["EOF", "EOF2", "ghadelimiter_1", "ghadelimiter_2"]);
        var entry = GitHubActionsCommands.OutputEntry("reason", value, draws.Dequeue);

        Assert.Equal($"reason<<ghadelimiter_2\n{value}\nghadelimiter_2\n", entry);
        Assert.Empty(draws);
        Assert.Equal([new("reason", value)], RunnerParsers.ParseGitHubOutputFile(entry));
    }

    [Fact]
    public void A_delimiter_source_that_always_collides_fails_instead_of_writing_a_broken_file()
    {
        Assert.Throws<InvalidOperationException>(() => GitHubActionsCommands.OutputEntry("reason", "x\nEOF", () => "EOF"));
    }

    [Fact]
    public void Random_delimiters_never_collide_and_every_value_reads_back_exactly()
    {
        string[] values =
        [
            "", "=", "a=b<<c", "<<EOF", "x\n", "\n", "\r", "line\nEOF\nghadelimiter_\n%0A\n", "trailing\r\n", "ünïcödé ✅\nzwei",
        ];
        foreach (var value in values)
        {
            var entry = GitHubActionsCommands.OutputEntry("reason", value, GitHubActionsCommands.NewDelimiter);
            Assert.Equal([new("reason", value)], RunnerParsers.ParseGitHubOutputFile(entry));
        }
    }

    [Fact]
    public void The_default_delimiter_is_random()
    {
        var a = GitHubActionsCommands.NewDelimiter();
        Assert.StartsWith("ghadelimiter_", a, StringComparison.Ordinal);
        Assert.NotEqual(a, GitHubActionsCommands.NewDelimiter());
    }

    [Fact]
    public void The_step_summary_has_the_table_and_a_mermaid_weight_chart()
    {
        var expected =
            "## Graystep: bookinfo/reviews in progress\n" +
            "\n" +
            "| Phase | Stable | Canary | Canary weight | Result |\n" +
            "|---|---|---|---|---|\n" +
            "| Progressing | v1 | v2 | 20% | in-progress |\n" +
            "\n" +
            "**Reason:** step 2/3: all checks passed\n" +
            "\n" +
            "### Analysis\n" +
            "\n" +
            "| Metric | Value | Threshold | Verdict |\n" +
            "|---|---|---|---|\n" +
            "| request-success-rate | 99.9 | >= 99 | ✅ pass |\n" +
            "| request-duration | 612 | <= 500 | ❌ fail |\n" +
            "\n" +
            "### Canary weight\n" +
            "\n" +
            "```mermaid\n" +
            "xychart-beta\n" +
            "    title \"bookinfo/reviews: canary weight (%)\"\n" +
            "    x-axis [\"12:00:00\", \"12:01:00\", \"12:02:00\"]\n" +
            "    y-axis \"weight (%)\" 0 --> 100\n" +
            "    line [0, 10, 20]\n" +
            "```\n" +
            "\n" +
            "| Time (UTC) | Action | Version | Weight |\n" +
            "|---|---|---|---|\n" +
            "| 2026-03-01 12:00:00 | start | v2 | 0% |\n" +
            "| 2026-03-01 12:01:00 | step | v2 | 10% |\n" +
            "| 2026-03-01 12:02:00 | step | v2 | 20% |\n";
        Assert.Equal(expected, GitHubStepSummary.Render(Samples.Progressing()));
    }

    [Fact]
    public void With_the_sequential_judge_the_summary_adds_its_ratio_chart_per_metric()
    {
        const string Body = "Judge: sequential, alpha 0.01, minimum effect 2x\n" +
            "METRIC                CANARY         STABLE          RATIO  INTERVAL      OUTCOME\n" +
            "request-success-rate  3/1200 errors  11/4800 errors  1.09   [0.31, 3.84]  inconclusive\n";
        var judge = Graystep.Core.Reports.DecisionRecords.ReadJudge(Body.Split('\n'));
        var report = Samples.Progressing() with
        {
            Decisions = [new(Samples.T0.AddMinutes(1), "step", "v2", 10, "1/3", "r", "abc", "s", null, judge)],
        };

        var md = GitHubStepSummary.Render(report);

        Assert.Contains(
            "\n### Judge: canary/stable ratio\n\n" +
            "```mermaid\n" +
            "xychart-beta\n" +
            "    title \"request-success-rate: canary/stable ratio and interval (judge)\"\n" +
            "    x-axis [\"12:01:00\"]\n" +
            "    y-axis \"ratio\" 0 --> 4.3\n" +
            "    line [3.84]\n" +
            "    line [1.09]\n" +
            "    line [0.31]\n" +
            "```\n",
            md,
            StringComparison.Ordinal);
        Assert.DoesNotContain("### Judge", GitHubStepSummary.Render(Samples.Progressing()), StringComparison.Ordinal);
    }

    [Fact]
    public void The_summary_escapes_table_breakers_and_labels_days_when_a_rollout_spans_them()
    {
        var report = Samples.Progressing("a | b\nc <script>") with
        {
            Analysis = [],
            Timeline = [new(Samples.T0, "start", "v2", 0), new(Samples.T0.AddDays(1), "promote", "v2", 100)],
            Canary = null,
            Result = StepResult.Promoted,
            Phase = RolloutPhase.Succeeded,
        };
        var md = GitHubStepSummary.Render(report);

        Assert.Contains("| Succeeded | v1 | - | 20% | promoted |\n", md, StringComparison.Ordinal);
        Assert.Contains("**Reason:** a \\| b<br>c &lt;script>\n", md, StringComparison.Ordinal);
        Assert.Contains("No analysis has run yet.\n", md, StringComparison.Ordinal);
        Assert.Contains("    x-axis [\"03-01 12:00\", \"03-02 12:00\"]\n", md, StringComparison.Ordinal);
        Assert.Contains("    line [0, 100]\n", md, StringComparison.Ordinal);
    }

    [Fact]
    public void The_writer_appends_outputs_and_summary_to_the_files_and_never_puts_outputs_in_the_log()
    {
        var env = FakeEnvironment.Of(("GITHUB_ACTIONS", "true"), ("GITHUB_OUTPUT", "/runner/_temp/out"), ("GITHUB_STEP_SUMMARY", "/runner/_temp/summary"));
        var capture = new Capture(env);
        var writer = new GitHubActionsAgent(() => "D").CreateWriter(capture.Sinks);

        writer.ReportRun(Samples.Progressing());

        Assert.Equal(GitHubActionsCommands.Outputs(Samples.Progressing(), () => "D"), capture.Files.Read("/runner/_temp/out"));
        Assert.Equal(GitHubStepSummary.Render(Samples.Progressing()), capture.Files.Read("/runner/_temp/summary"));
        Assert.Equal(string.Empty, capture.Log.ToString());
    }

    [Fact]
    public void Outputs_are_appended_to_a_real_file_after_what_earlier_steps_wrote()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("set_output_1");
        var summary = temp.Combine("step_summary_1");
        File.WriteAllText(output, "earlier=kept\n");
        File.WriteAllText(summary, "# Build\n");
        var env = FakeEnvironment.Of(("GITHUB_ACTIONS", "true"), ("GITHUB_OUTPUT", output), ("GITHUB_STEP_SUMMARY", summary));
        var log = new StringWriter();
        var writer = new GitHubActionsAgent().CreateWriter(new CiSinks(log, env, CiFiles.Physical, temp.Path));

        writer.ReportRun(Samples.Progressing("request-duration 612ms > 500ms\nrolled back at 20%") with { Result = StepResult.RolledBack, Phase = RolloutPhase.Failed });

        var outputs = RunnerParsers.ParseGitHubOutputFile(File.ReadAllText(output)).ToDictionary();
        Assert.Equal("kept", outputs["earlier"]);
        Assert.Equal("Failed", outputs["phase"]);
        Assert.Equal("rolled-back", outputs["result"]);
        Assert.Equal("20", outputs["weight"]);
        Assert.Equal("v2", outputs["version"]);
        Assert.Equal("request-duration 612ms > 500ms\nrolled back at 20%", outputs["reason"]);
        var bytes = File.ReadAllBytes(output);
        Assert.False(bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB, "no BOM in the middle of a runner file");
        Assert.StartsWith("# Build\n## Graystep: bookinfo/reviews rolled back\n", File.ReadAllText(summary), StringComparison.Ordinal);
        Assert.Equal(
            "::error title=Graystep%3A bookinfo/reviews rolled back::request-duration 612ms > 500ms%0Arolled back at 20%25\n",
            log.ToString());
    }

    [Fact]
    public void Without_GITHUB_OUTPUT_the_writer_warns_instead_of_printing_outputs()
    {
        var capture = new Capture(FakeEnvironment.Of(("GITHUB_ACTIONS", "true")));
        new GitHubActionsAgent().CreateWriter(capture.Sinks).ReportRun(Samples.Progressing());

        Assert.Equal("::warning::GITHUB_OUTPUT is not set: the step outputs (phase, version, weight, result) were not written\n", capture.Log.ToString());
        Assert.Empty(capture.Files.Paths);
    }

    [Fact]
    public void Waiting_for_approval_leaves_a_notice()
    {
        var capture = new Capture(FakeEnvironment.Of(("GITHUB_OUTPUT", "/o")));
        var report = Samples.Progressing("pull request #12 needs an approving review") with { Result = StepResult.WaitingApproval, Phase = RolloutPhase.WaitingPromotion };
        new GitHubActionsAgent().CreateWriter(capture.Sinks).ReportRun(report);

        Assert.Equal("::notice title=Graystep%3A bookinfo/reviews waiting for approval::pull request #12 needs an approving review\n", capture.Log.ToString());
    }

    [Fact]
    public void The_writer_reports_problems_and_groups_on_the_log()
    {
        var capture = new Capture(FakeEnvironment.Of(("GITHUB_WORKSPACE", Workspace)));
        var writer = new GitHubActionsAgent().CreateWriter(capture.Sinks);

        writer.BeginGroup("waiting for the cluster to sync");
        writer.EndGroup();
        writer.ReportProblems(
        [
            new Problem($"{Workspace}/rollout.yaml", 4, 3, "spec.provder: unknown field; did you mean 'provider'?"),
            new Problem("templates/latency.yaml", 9, 7, "spec.query: empty", ProblemSeverity.Warning),
        ]);

        Assert.Equal(
            "::group::waiting for the cluster to sync\n" +
            "::endgroup::\n" +
            "::error file=rollout.yaml,line=4,col=3::spec.provder: unknown field; did you mean 'provider'?\n" +
            "::warning file=templates/latency.yaml,line=9,col=7::spec.query: empty\n",
            capture.Log.ToString());
    }
}
