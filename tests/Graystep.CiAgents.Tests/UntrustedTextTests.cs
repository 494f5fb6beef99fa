using Graystep.CiAgents.Azure;
using Graystep.CiAgents.GitHub;
using Graystep.CiAgents.Jenkins;
using Graystep.CiAgents.Local;

namespace Graystep.CiAgents.Tests;

/// <summary>
/// Text from the repository or a remote is inert in a CI log (issue 13, probe 4): pinned to the byte per protocol.
/// The runner parsers in <see cref="RunnerParsers"/> confirm that what is left is no command.
/// </summary>
public sealed class UntrustedTextTests
{
    private const string Token = "graystep-T0K3N";

    [Theory]
    [InlineData("::error title=INJECTED::pwned")]
    [InlineData("  ::set-output name=result::promoted")]
    [InlineData("\t::add-mask::x")]
    [InlineData("see ##[set-output name=result;]promoted")]
    public void GitHub_wraps_a_line_the_runner_would_run_in_stop_commands(string line)
    {
        Assert.Equal($"::stop-commands::{Token}\n{line}\n::{Token}::", CiLogText.GitHub(line, Token));
    }

    [Theory]
    [InlineData("error-rate: 0.2 > 0.1")]
    [InlineData("a :: in the middle")]
    [InlineData("")]
    public void GitHub_leaves_plain_lines_as_they_are(string line) => Assert.Equal(line, CiLogText.GitHub(line, Token));

    [Fact]
    public void GitHub_masks_the_stop_token_when_the_text_holds_it_so_it_cannot_end_the_block_early()
    {
        Assert.Equal(
            $"::stop-commands::{Token}\n::{"***"}::\n::{Token}::",
            CiLogText.GitHub($"::{Token}::", Token));
    }

    [Theory]
    [InlineData("##vso[task.setvariable variable=result;isOutput=true]promoted", "##vso [task.setvariable variable=result;isOutput=true]promoted")]
    [InlineData("metric x ##VSO[task.complete result=Succeeded;]", "metric x ##VSO [task.complete result=Succeeded;]")]
    [InlineData("##[error]forged", "## [error]forged")]
    [InlineData("###vso[[x", "###vso [[x")]
    [InlineData("plain # text [x]", "plain # text [x]")]
    public void Azure_breaks_up_logging_and_formatting_commands_anywhere_in_a_line(string line, string expected) =>
        Assert.Equal(expected, CiLogText.Azure(line));

    [Fact]
    public void Control_characters_are_stripped_but_tabs_kept()
    {
        Assert.Equal("red[31mtext[0m\tend", CiLogText.StripControls("red\u001b[31mtext\u001b[0m\tend\r\u0007\u009b"));
        Assert.Equal("plain", CiLogText.StripControls("plain"));
    }

    [Fact]
    public void The_agents_that_read_commands_make_lines_inert_and_the_others_leave_them()
    {
        const string Line = "::error::x ##vso[task.complete]";
        Assert.Equal($"::stop-commands::{Token}\n{Line}\n::{Token}::", ((ICiAgent)new GitHubActionsAgent(newStopToken: () => Token)).Inert(Line));
        Assert.Equal("::error::x ##vso [task.complete]", ((ICiAgent)new AzurePipelinesAgent()).Inert(Line));
        Assert.Equal(Line, ((ICiAgent)new JenkinsAgent()).Inert(Line));
        Assert.Equal(Line, ((ICiAgent)new LocalAgent()).Inert(Line));
        Assert.True(((ICiAgent)new GitHubActionsAgent()).HasLogCommands && ((ICiAgent)new AzurePipelinesAgent()).HasLogCommands);
        Assert.False(((ICiAgent)new JenkinsAgent()).HasLogCommands || ((ICiAgent)new LocalAgent()).HasLogCommands);
    }
}

/// <summary>A run Graystep could not finish still reports <c>result=failed</c> and why, in every agent (issue 13, probe 7).</summary>
public sealed class FailureReportTests
{
    private static readonly Problem Bad = new("/ws/apps/rollout.yaml", 3, 5, "analysis.interval: not a duration");

    [Fact]
    public void GitHub_writes_result_failed_and_the_reason_to_the_outputs_the_summary_and_an_annotation()
    {
        var env = FakeEnvironment.Of(("GITHUB_ACTIONS", "true"), ("GITHUB_WORKSPACE", "/ws"), ("GITHUB_OUTPUT", "/o"), ("GITHUB_STEP_SUMMARY", "/s"));
        var capture = new Capture(env);

        new GitHubActionsAgent(() => "D").CreateWriter(capture.Sinks).ReportFailure("1 problem in the rollout spec", [Bad]);

        Assert.Equal("result=failed\nreason=1 problem in the rollout spec\n", capture.Files.Read("/o"));
        Assert.Equal("### Graystep: failed\n\n1 problem in the rollout spec\n", capture.Files.Read("/s"));
        Assert.Equal(
            "::error file=apps/rollout.yaml,line=3,col=5::analysis.interval: not a duration\n" +
            "::error title=Graystep failed::1 problem in the rollout spec\n",
            capture.Log.ToString());
    }

    [Fact]
    public void GitHub_uses_the_heredoc_form_for_a_reason_with_line_breaks()
    {
        var capture = new Capture(FakeEnvironment.Of(("GITHUB_ACTIONS", "true"), ("GITHUB_OUTPUT", "/o")));

        new GitHubActionsAgent(() => "D").CreateWriter(capture.Sinks).ReportFailure("a\nresult=promoted", []);

        Assert.Equal("result=failed\nreason<<D\na\nresult=promoted\nD\n", capture.Files.Read("/o"));
    }

    [Fact]
    public void Azure_sets_the_result_and_reason_variables_annotates_and_fails_the_task()
    {
        var capture = new Capture(FakeEnvironment.Of(("TF_BUILD", "True"), ("BUILD_SOURCESDIRECTORY", "/ws")));

        new AzurePipelinesAgent().CreateWriter(capture.Sinks).ReportFailure("GitHub rejected the token (401)", [Bad]);

        Assert.Equal(
            "##vso[task.logissue type=error;sourcepath=apps/rollout.yaml;linenumber=3;columnnumber=5;]analysis.interval: not a duration\n" +
            "##vso[task.setvariable variable=result;isOutput=true;issecret=false;]failed\n" +
            "##vso[task.setvariable variable=reason;isOutput=true;issecret=false;]GitHub rejected the token (401)\n" +
            "##vso[task.complete result=Failed;]graystep failed: GitHub rejected the token (401)\n",
            capture.Log.ToString());
    }

    [Fact]
    public void Azure_lists_a_failure_without_a_place_as_one_error_issue()
    {
        var capture = new Capture(FakeEnvironment.Of(("TF_BUILD", "True")));

        new AzurePipelinesAgent().CreateWriter(capture.Sinks).ReportFailure("remote unreachable;]\n##vso[task.complete result=Succeeded;]", []);

        var lines = capture.Log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("##vso[task.logissue type=error;]remote unreachable;]%0A##vso[task.complete result=Succeeded;]", lines[0]);
        Assert.Single(lines, l => l.StartsWith("##vso[task.logissue", StringComparison.Ordinal));
        Assert.Equal("##vso[task.complete result=Failed;]graystep failed: remote unreachable;]%0A##vso[task.complete result=Succeeded;]", lines[^1]);
    }

    [Fact]
    public void Jenkins_writes_a_failed_report_and_a_failed_junit_case()
    {
        var capture = new Capture(FakeEnvironment.Of(("JENKINS_URL", "http://jenkins/"), ("WORKSPACE", "/ws")));

        new JenkinsAgent().CreateWriter(capture.Sinks).ReportFailure("remote unreachable", [Bad]);

        var report = capture.Files.Read(Path.Combine("/ws", JenkinsReport.ReportFileName));
        Assert.Contains("\"result\": \"failed\"", report, StringComparison.Ordinal);
        Assert.Contains("\"reason\": \"remote unreachable\"", report, StringComparison.Ordinal);
        Assert.Contains("\"message\": \"analysis.interval: not a duration\"", report, StringComparison.Ordinal);
        var junit = capture.Files.Read(Path.Combine("/ws", JenkinsReport.JUnitFileName));
        Assert.Contains("<failure type=\"failed\" message=\"remote unreachable\" />", junit, StringComparison.Ordinal);
        Assert.Contains("failures=\"1\"", junit, StringComparison.Ordinal);
    }
}
