using Graystep.GitHubStandIn;
using Graystep.PullRequests.Tests.Infrastructure;

namespace Graystep.PullRequests.Tests;

/// <summary>
/// Issue 13, probe 2: no secret leaves the process. A GitHub API whose error body echoes the request (the token)
/// is masked on every sink under every CI system; a credential in the remote URL reaches git per command and is
/// never written to the workspace's <c>.git/config</c>.
/// </summary>
public sealed class SecretTests
{
    private const string UrlToken = "ghs_url_credential_0123456789abcdef";

    public static TheoryData<string, string> CiAndMode() => new()
    {
        { "github", "text" }, { "github", "json" }, { "github", "verbose" },
        { "azure", "text" }, { "azure", "json" }, { "azure", "verbose" },
        { "jenkins", "text" }, { "jenkins", "json" }, { "jenkins", "verbose" },
    };

    [Theory]
    [MemberData(nameof(CiAndMode))]
    public async Task A_token_echoed_back_in_an_API_error_is_masked_in_every_output_and_the_failure_is_still_reported(string ci, string mode)
    {
        await using var scenario = await GitOpsScenario.StartAsync(new RolloutOptions());
        var echo = new System.Text.Json.Nodes.JsonObject { ["message"] = $"Bad credentials; you sent {{\"Authorization\": \"Bearer {GitOpsScenario.Token}\"}}" };
        scenario.Server.InjectFault(new StandInFault(401, echo.ToJsonString()) { Times = 100 });
        var files = scenario.Scratch("ci");
        var environment = scenario.Environment();
        switch (ci)
        {
            case "github":
                environment["GITHUB_ACTIONS"] = "true";
                environment["GITHUB_OUTPUT"] = Path.Combine(files, "output");
                environment["GITHUB_STEP_SUMMARY"] = Path.Combine(files, "summary");
                break;
            case "azure":
                environment["TF_BUILD"] = "True";
                break;
            default:
                environment["JENKINS_URL"] = "http://jenkins.example/";
                environment["WORKSPACE"] = files;
                break;
        }

        string[] extra = mode switch { "json" => ["-o", "json"], "verbose" => ["--verbose"], _ => [] };
        var run = await scenario.GraystepAsync(
            ["run", GitOpsScenario.SpecPath, "--repo", scenario.RemoteUrl, "--version", "v2", "--image", GitOpsScenario.Image, .. extra],
            environment);

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("GitHub rejected the token (401 Bad credentials; you sent {\"Authorization\": \"Bearer ***\"})", run.Error, StringComparison.Ordinal);
        var written = Directory.EnumerateFiles(files).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

        // The one place the token may be written is the CI system's own masking command.
        var lines = (run.All + string.Concat(written.Values)).Split('\n');
        Assert.All(
            lines.Where(l => l.Contains(GitOpsScenario.Token, StringComparison.Ordinal)),
            l => Assert.True(l == $"::add-mask::{GitOpsScenario.Token}" || l == $"##vso[task.setsecret]{GitOpsScenario.Token}", l));

        // And the failure is reported where the pipeline reads results (probe 7).
        switch (ci)
        {
            case "github":
                Assert.StartsWith("result=failed\nreason=GitHub rejected the token", written["output"], StringComparison.Ordinal);
                Assert.Contains("### Graystep: failed", written["summary"], StringComparison.Ordinal);
                break;
            case "azure":
                Assert.Contains("##vso[task.setvariable variable=result;isOutput=true;issecret=false;]failed\n", run.All, StringComparison.Ordinal);
                Assert.Contains("##vso[task.complete result=Failed;]graystep failed: GitHub rejected the token", run.All, StringComparison.Ordinal);
                break;
            default:
                Assert.Contains("\"result\": \"failed\"", written["graystep-report.json"], StringComparison.Ordinal);
                Assert.Contains("Bearer ***", written["graystep-report.json"], StringComparison.Ordinal);
                break;
        }
    }

    [Fact]
    public async Task A_credential_in_the_remote_URL_is_sent_per_command_and_never_written_to_the_workspace_git_config()
    {
        await using var scenario = await GitOpsScenario.StartAsync(new RolloutOptions { PullRequests = false }, $"x-access-token:{UrlToken}");
        var withCredential = scenario.RemoteUrl.Replace("http://", $"http://x-access-token:{UrlToken}@", StringComparison.Ordinal);

        // The remote really requires it: without the credential nothing is cloned.
        var refused = await scenario.GraystepAsync(["status", GitOpsScenario.SpecPath, "--repo", scenario.RemoteUrl]);
        Assert.True(refused.ExitCode != 0, refused.ToString());
        Assert.True(scenario.Server.GitAuthFailures > 0);

        var run = await scenario.GraystepAsync(["run", GitOpsScenario.SpecPath, "--repo", withCredential, "--version", "v2", "--image", GitOpsScenario.Image]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("phase: Succeeded", await scenario.StatusFileAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(UrlToken, run.All, StringComparison.Ordinal);

        // A second run reuses the workspace (fetch and push again) with the same per-command credential.
        var again = await scenario.GraystepAsync(["status", GitOpsScenario.SpecPath, "--repo", withCredential]);
        Assert.True(again.ExitCode == 0, again.ToString());

        var gitFiles = Directory.EnumerateDirectories(scenario.WorkspaceRoot, ".git", SearchOption.AllDirectories)
            .SelectMany(git => Directory.EnumerateFiles(git, "*", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}objects{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(gitFiles, f => Path.GetFileName(f) == "config");
        Assert.All(gitFiles, f => Assert.DoesNotContain(UrlToken, File.ReadAllText(f), StringComparison.Ordinal));
        Assert.All(gitFiles.Where(f => Path.GetFileName(f) == "config"), f => Assert.Contains($"url = {scenario.RemoteUrl}\n", File.ReadAllText(f), StringComparison.Ordinal));
    }
}
