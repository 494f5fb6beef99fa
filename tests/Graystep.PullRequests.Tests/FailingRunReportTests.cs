using Graystep.PullRequests.Tests.Infrastructure;

namespace Graystep.PullRequests.Tests;

/// <summary>
/// Issue 13, probe 7: <c>run</c> on an invalid spec annotates the problems as <c>validate</c> does, and still
/// writes <c>result=failed</c> where the pipeline reads results.
/// </summary>
public sealed class FailingRunReportTests
{
    [Fact]
    public async Task Run_on_an_invalid_spec_annotates_the_problem_and_writes_result_failed_under_GitHub_Actions()
    {
        await using var scenario = await GitOpsScenario.StartAsync(new RolloutOptions { PullRequests = false, Interval = "soon" });
        var files = scenario.Scratch("ci");
        var environment = scenario.Environment();
        environment["GITHUB_ACTIONS"] = "true";
        environment["GITHUB_OUTPUT"] = Path.Combine(files, "output");

        var run = await scenario.GraystepAsync(["run", GitOpsScenario.SpecPath, "--repo", scenario.RemoteUrl, "--version", "v2", "--image", GitOpsScenario.Image], environment);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Matches(@"(?m)^::error file=apps/reviews/rollout\.yaml,line=\d+,col=\d+::spec\.analysis\.interval: ", run.Out);
        Assert.StartsWith("result=failed\nreason=1 problem in the rollout spec\n", File.ReadAllText(Path.Combine(files, "output")), StringComparison.Ordinal);
    }
}
