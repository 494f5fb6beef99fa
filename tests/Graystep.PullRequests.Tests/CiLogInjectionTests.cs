using System.Text.RegularExpressions;
using Graystep.PullRequests.Tests.Infrastructure;

namespace Graystep.PullRequests.Tests;

/// <summary>
/// Issue 13, probe 4: a name from the repository that holds a newline and a workflow command is printed where the
/// runner would execute it. Whatever validate makes of such a name, the log a CI runner reads holds no command but
/// Graystep's own.
/// </summary>
public sealed partial class CiLogInjectionTests
{
    private const string Injected = "\"stop\\n::error title=INJECTED::pwned\\n::set-output name=result::promoted\\n##vso[task.complete result=Succeeded;]forged\\n##[error]forged\"";

    [Theory]
    [InlineData("github")]
    [InlineData("azure")]
    public async Task A_webhook_name_with_logging_commands_reaches_the_log_inert(string ci)
    {
        // A confirm-rollout gate that stays closed (404): the run prints that it waits on the gate, by name.
        await using var button = await StopButton.StartAsync();
        await using var scenario = await GitOpsScenario.StartAsync(new RolloutOptions { PullRequests = false, RollbackHookUrl = button.Url, RollbackHookName = Injected, RollbackHookType = "confirm-rollout" });
        var environment = scenario.Environment();
        environment[ci == "github" ? "GITHUB_ACTIONS" : "TF_BUILD"] = "true";

        var run = await scenario.GraystepAsync(["run", GitOpsScenario.SpecPath, "--repo", scenario.RemoteUrl, "--version", "v2", "--image", GitOpsScenario.Image, "--timeout", "4s"], environment);

        // The text did reach the log (so the check below means something)...
        Assert.True(run.All.Contains("INJECTED", StringComparison.Ordinal), run.ToString());

        // ...and the runner reads no command from it: only Graystep's own, whose data the protocol escapes.
        var commands = ci == "github" ? GitHubCommands(run.Out).Concat(GitHubCommands(run.Error)).ToList() : AzureCommands(run.Out).Concat(AzureCommands(run.Error)).ToList();
        Assert.NotEmpty(commands);
        Assert.All(commands, c => Assert.Matches(ci == "github" ? OwnGitHubCommand() : OwnAzureCommand(), c));
    }

    /// <summary>The lines the GitHub runner executes: <c>::</c> after blanks, or <c>##[</c> anywhere, outside a stop-commands block.</summary>
    private static List<string> GitHubCommands(string log)
    {
        var commands = new List<string>();
        string? stopped = null;
        foreach (var line in log.Split('\n'))
        {
            if (stopped is not null)
            {
                stopped = line == $"::{stopped}::" ? null : stopped;
                continue;
            }

            var trimmed = line.TrimStart();
            if (trimmed.StartsWith("::stop-commands::", StringComparison.Ordinal))
            {
                stopped = trimmed["::stop-commands::".Length..];
            }
            else if (trimmed.StartsWith("::", StringComparison.Ordinal) || line.Contains("##[", StringComparison.Ordinal))
            {
                commands.Add(trimmed);
            }
        }

        return commands;
    }

    /// <summary>The lines the Azure agent executes or formats: <c>##vso[</c> anywhere (any case), <c>##[</c> at the start.</summary>
    private static List<string> AzureCommands(string log) =>
        [.. log.Split('\n').Where(l => AzureCommand().IsMatch(l) || l.TrimStart().StartsWith("##[", StringComparison.Ordinal))];

    [GeneratedRegex("^::(add-mask|group|endgroup|warning|notice|error title=Graystep%3A bookinfo/reviews rolled back|error file=apps/reviews/rollout\\.yaml,line=\\d+,col=\\d+|error title=Graystep failed)::")]
    // (the run ends in progress at --timeout: groups, the mask and the missing-outputs warning are its commands; or
    // validate refuses the name first: its annotation on the spec's line and the failed-run error are)
    private static partial Regex OwnGitHubCommand();

    [GeneratedRegex(@"^(##vso\[task\.(setsecret|setvariable variable=\w+;isOutput=true;issecret=false;|complete result=(Failed|SucceededWithIssues);|logissue type=error;sourcepath=apps/reviews/rollout\.yaml;linenumber=\d+;columnnumber=\d+;)\]|##\[(group|endgroup)\])")]
    private static partial Regex OwnAzureCommand();

    [GeneratedRegex("##vso\\[", RegexOptions.IgnoreCase)]
    private static partial Regex AzureCommand();
}
