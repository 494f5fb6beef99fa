using Graystep.PullRequests.Tests.Infrastructure;
using Graystep.Sandbox;
using Graystep.Sandbox.Behaviour;
using Graystep.TestKit.Prometheus;
using Xunit.Abstractions;

namespace Graystep.PullRequests.Tests;

/// <summary>
/// The issue's end to end: pull requests on the GitHub stand-in, the sandbox as cluster and Argo CD (following the
/// stand-in's bare repository), and a real Prometheus scraping the sandbox. The sync gate waits for each merged
/// step on the branch, and Flagger's built-in Istio success rate judges the canary.
/// </summary>
public sealed class SandboxPullRequestTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(4);

    [PrometheusFact]
    public async Task A_healthy_canary_is_judged_on_real_metrics_after_each_merge_and_promoted_once_approved()
    {
        await using var world = await World.StartAsync(behaviour: "versions: {}", approvePromotion: true);
        var scenario = world.Scenario;

        var run = scenario.RunAsync("--prometheus", world.Prometheus.Address.ToString());
        var promotion = await scenario.PullRequestAsync(p => p.Title == "reviews: promote v2 to 100%", run, RunLimit);
        await Eventually.TrueAsync(() => scenario.Statuses(promotion).Count > 0, RunLimit, run);
        await scenario.Server.ApproveAsync(scenario.Repository, promotion.Number, "alice");
        var result = await run.WaitAsync(RunLimit);
        output.WriteLine(result.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        var pulls = scenario.PullRequests();
        Assert.All(pulls, p => Assert.True(p.Merged, p.Title));
        var step = Assert.Single(pulls, p => p.Title == "reviews: shift 50% to v2 (step 1/1)");
        Assert.Contains("No traffic reached the canary yet, so no metrics were checked", step.Body, StringComparison.Ordinal);
        Assert.Matches(@"request-success-rate +100(\.0+)? +>= 99 .* pass", promotion.Body);

        // Argo CD (the sandbox) runs the promotion's merge commit: the branch tip.
        var tip = await scenario.Server.BranchShaAsync(scenario.Repository, "main");
        Assert.Equal(promotion.MergeCommitSha, tip);
        await world.Sandbox.WaitForRevisionAsync(tip!, TimeSpan.FromSeconds(30));
        Assert.Contains("phase: Succeeded", await scenario.StatusFileAsync(), StringComparison.Ordinal);
    }

    [PrometheusFact]
    public async Task A_failing_canary_is_rolled_back_through_a_rollback_pull_request_that_shows_the_failing_metric()
    {
        await using var world = await World.StartAsync(behaviour: "versions: {v2: {errorRate: 0.5}}", approvePromotion: true);
        var scenario = world.Scenario;

        var result = await scenario.RunAsync("--prometheus", world.Prometheus.Address.ToString()).WaitAsync(RunLimit);
        output.WriteLine(result.ToString());

        Assert.True(result.ExitCode == 4, result.ToString());
        var pulls = scenario.PullRequests();
        Assert.Equal(
            ["reviews: initialize v1 at 100%", "reviews: retire reviews, adopted as v1", "reviews: start v2 at 0%", "reviews: shift 50% to v2 (step 1/1)", "reviews: roll back v2, all traffic to v1"],
            pulls.Select(p => p.Title));
        var rollback = pulls[^1];
        Assert.True(rollback.Merged);
        Assert.Contains("analysis failed 2 times (threshold 2): request-success-rate", rollback.Body, StringComparison.Ordinal);
        Assert.Matches(@"request-success-rate +[0-9.]+ +>= 99 .* fail", rollback.Body);
        Assert.Contains("phase: Failed", await scenario.StatusFileAsync(), StringComparison.Ordinal);
    }

    /// <summary>The stand-in, the sandbox following its bare repository, and Prometheus scraping the sandbox.</summary>
    private sealed class World : IAsyncDisposable
    {
        private World(GitOpsScenario scenario, SandboxHost sandbox, PrometheusServer prometheus)
        {
            Scenario = scenario;
            Sandbox = sandbox;
            Prometheus = prometheus;
        }

        public GitOpsScenario Scenario { get; }

        public SandboxHost Sandbox { get; }

        public PrometheusServer Prometheus { get; }

        public static async Task<World> StartAsync(string behaviour, bool approvePromotion)
        {
            // The sandbox's Argo CD address goes into the spec, so it starts first, on the repository made for it.
            var scenario = await GitOpsScenario.StartAsync(new RolloutOptions());
            var sandbox = new SandboxHost(new SandboxOptions
            {
                Repo = scenario.Repository.BarePath,
                Branch = "main",
                Path = "apps",
                SyncDelay = TimeSpan.FromSeconds(1),
                Poll = TimeSpan.FromMilliseconds(200),
                Rps = 100,
                Behaviour = BehaviourConfig.Parse(behaviour, "behaviour.yaml"),
                Seed = 7,
            });
            await sandbox.StartAsync();
            var prometheus = await PrometheusServer.StartAsync([sandbox.Address.Authority]);
            var spec = new RolloutOptions
            {
                ApprovePromotion = approvePromotion,
                Interval = "5s",
                ProgressDeadlineSeconds = 120,
                AnalysisExtra = """
                        metrics:
                          - name: request-success-rate
                            interval: 30s
                            thresholdRange: {min: 99}

                    """,
                Sync = $"    kind: argocd\n    application: reviews\n    server: {sandbox.Address.ToString().TrimEnd('/')}\n",
            };
            await scenario.Server.CommitAsync(
                scenario.Repository,
                "main",
                new Dictionary<string, string> { [GitOpsScenario.SpecPath] = spec.Yaml() },
                "reviews: analyse with Prometheus, sync through Argo CD");
            return new World(scenario, sandbox, prometheus);
        }

        public async ValueTask DisposeAsync()
        {
            await Prometheus.DisposeAsync();
            await Sandbox.DisposeAsync();
            await Scenario.DisposeAsync();
        }
    }
}
