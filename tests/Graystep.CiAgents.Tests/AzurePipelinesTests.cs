using Graystep.CiAgents.Azure;
using Graystep.Core.Rollouts;

namespace Graystep.CiAgents.Tests;

public sealed class AzurePipelinesTests
{
    private const string Sources = "/agent/_work/1/s";

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("100%", "100%AZP25")]
    [InlineData("a\rb", "a%0Db")]
    [InlineData("a\nb", "a%0Ab")]
    [InlineData("%0A", "%AZP250A")]
    [InlineData("a;b]c:d,e", "a;b]c:d,e")]
    public void Data_escapes_percent_as_AZP25_then_CR_and_LF(string raw, string escaped)
    {
        Assert.Equal(escaped, AzurePipelinesCommands.EscapeData(raw));
    }

    [Theory]
    [InlineData("a;b]c", "a%3Bb%5Dc")]
    [InlineData("5%\r\n;]", "5%AZP25%0D%0A%3B%5D")]
    [InlineData("%3B", "%AZP253B")]
    [InlineData("c:\\x,y", "c:\\x,y")]
    public void Properties_also_escape_semicolon_and_closing_bracket(string raw, string escaped)
    {
        Assert.Equal(escaped, AzurePipelinesCommands.EscapeProperty(raw));
    }

    [Fact]
    public void Outputs_are_output_variables_in_a_fixed_order()
    {
        Assert.Equal(
            "##vso[task.setvariable variable=phase;isOutput=true;issecret=false;]Progressing\n" +
            "##vso[task.setvariable variable=version;isOutput=true;issecret=false;]v2\n" +
            "##vso[task.setvariable variable=weight;isOutput=true;issecret=false;]20\n" +
            "##vso[task.setvariable variable=result;isOutput=true;issecret=false;]in-progress\n" +
            "##vso[task.setvariable variable=stable;isOutput=true;issecret=false;]v1\n" +
            "##vso[task.setvariable variable=canary;isOutput=true;issecret=false;]v2\n" +
            "##vso[task.setvariable variable=reason;isOutput=true;issecret=false;]step 2/3: all checks passed\n",
            AzurePipelinesCommands.Outputs(Samples.Progressing()));
    }

    [Fact]
    public void A_multiline_reason_stays_on_one_line_and_reads_back_whole()
    {
        var reason = "request-duration 612 > 500 (100% of\r\nthe window); rolled back]";
        var line = AzurePipelinesCommands.SetOutputVariable("reason", reason);

        Assert.Equal("##vso[task.setvariable variable=reason;isOutput=true;issecret=false;]request-duration 612 > 500 (100%AZP25 of%0D%0Athe window); rolled back]\n", line);
        var (name, properties, data) = RunnerParsers.ParseAzureCommand(line.TrimEnd('\n'));
        Assert.Equal("task.setvariable", name);
        Assert.Equal("reason", properties["variable"]);
        Assert.Equal("true", properties["isOutput"]);
        Assert.Equal(reason, data);
    }

    [Fact]
    public void A_problem_is_a_logissue_pinned_to_the_source_file()
    {
        var problem = new Problem($"{Sources}/apps/reviews/rollout.yaml", 12, 5, "spec.analysis.threshold: must be at least 1");
        Assert.Equal(
            "##vso[task.logissue type=error;sourcepath=apps/reviews/rollout.yaml;linenumber=12;columnnumber=5;]spec.analysis.threshold: must be at least 1\n",
            AzurePipelinesCommands.LogIssue(problem, Sources));
    }

    [Fact]
    public void A_hostile_path_and_message_survive_the_agent_parse()
    {
        var problem = new Problem("odd;dir]/a%b.yaml", 1, null, "50% bad;\nvalue]", ProblemSeverity.Warning);
        var line = AzurePipelinesCommands.LogIssue(problem, Sources);

        Assert.Equal("##vso[task.logissue type=warning;sourcepath=odd%3Bdir%5D/a%AZP25b.yaml;linenumber=1;]50%AZP25 bad;%0Avalue]\n", line);
        var (_, properties, data) = RunnerParsers.ParseAzureCommand(line.TrimEnd('\n'));
        Assert.Equal("odd;dir]/a%b.yaml", properties["sourcepath"]);
        Assert.Equal("warning", properties["type"]);
        Assert.False(properties.ContainsKey("columnnumber"));
        Assert.Equal("50% bad;\nvalue]", data);
    }

    [Theory]
    [InlineData(StepResult.Promoted, "Succeeded")]
    [InlineData(StepResult.Ok, "Succeeded")]
    [InlineData(StepResult.InProgress, "SucceededWithIssues")]
    [InlineData(StepResult.WaitingApproval, "SucceededWithIssues")]
    [InlineData(StepResult.RolledBack, "Failed")]
    [InlineData(StepResult.Failed, "Failed")]
    public void Task_complete_maps_the_result(StepResult result, string taskResult)
    {
        var report = Samples.Progressing("why") with { Result = result };
        Assert.Equal($"##vso[task.complete result={taskResult};]bookinfo/reviews {result.ToText()}: why\n", AzurePipelinesCommands.Complete(report));
    }

    [Fact]
    public void Groups_and_secrets()
    {
        Assert.Equal("##[group]waiting for approval of PR #7\n", AzurePipelinesCommands.Group("waiting for approval of PR #7"));
        Assert.Equal("##[group]two lines\n", AzurePipelinesCommands.Group("two\nlines"));
        Assert.Equal("##[endgroup]\n", AzurePipelinesCommands.EndGroup());
        Assert.Equal("##vso[task.setsecret]p%AZP25ss\n", AzurePipelinesCommands.SetSecret("p%ss"));
    }

    [Fact]
    public void The_writer_puts_everything_on_the_log_and_writes_no_files()
    {
        var capture = new Capture(FakeEnvironment.Of(("TF_BUILD", "True"), ("BUILD_SOURCESDIRECTORY", Sources)));
        var writer = new AzurePipelinesAgent().CreateWriter(capture.Sinks);

        writer.BeginGroup("waiting for sync");
        writer.EndGroup();
        writer.ReportProblems([new Problem($"{Sources}/rollout.yaml", 2, 1, "bad")]);
        writer.ReportRun(Samples.Progressing() with { Result = StepResult.Promoted, Phase = RolloutPhase.Succeeded });

        Assert.Equal(
            "##[group]waiting for sync\n" +
            "##[endgroup]\n" +
            "##vso[task.logissue type=error;sourcepath=rollout.yaml;linenumber=2;columnnumber=1;]bad\n" +
            AzurePipelinesCommands.Outputs(Samples.Progressing() with { Result = StepResult.Promoted, Phase = RolloutPhase.Succeeded }) +
            "##vso[task.complete result=Succeeded;]bookinfo/reviews promoted: step 2/3: all checks passed\n",
            capture.Log.ToString());
        Assert.Empty(capture.Files.Paths);
    }
}
