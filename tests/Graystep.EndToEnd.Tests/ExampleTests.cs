using System.Globalization;
using System.Text.Json;
using Graystep.EndToEnd.Tests.Harness;
using Graystep.Sandbox;
using Xunit.Abstractions;

namespace Graystep.EndToEnd.Tests;

/// <summary>
/// Every example, end to end: the published CLI as a process, a bare git remote, the sandbox and a real Prometheus.
/// A healthy version goes through every step to promotion; a faulty one (10% errors) is rolled back by the analysis.
/// The facts read the git history, the rendered files and the sandbox's own request counters.
/// </summary>
public abstract class ExampleTests<TFixture>(TFixture fixture, ITestOutputHelper output) : IClassFixture<TFixture>
    where TFixture : ExampleFixture
{
    private const string StatusFile = "graystep-status.yaml";

    private ScenarioResult Run => fixture.Result;

    private ExampleCase Example => Run.Example;

    [Fact]
    public void The_healthy_version_is_promoted_through_every_step_one_commit_each()
    {
        output.WriteLine(Invariant($"{Example.Name}: promoted {Example.HealthyVersion} in {Run.Healthy.Elapsed.TotalSeconds:0.0}s, rolled back {Example.FaultyVersion} in {Run.Faulty.Elapsed.TotalSeconds:0.0}s; {Run.FaultyRequestsBeforeRollback} user requests reached {Example.FaultyVersion} before its rollback was applied"));
        output.WriteLine(Run.Healthy.Stdout);
        output.WriteLine(Run.Faulty.Stdout);
        Assert.True(Run.Healthy.ExitCode == 0, Run.Healthy.Describe($"graystep run --version {Example.HealthyVersion}"));

        var graystep = Run.Commits.Where(c => c.Action is not null).ToList();
        Assert.All(graystep, c => Assert.Equal(Example.RolloutId, c.Rollout));
        var init = Assert.Single(graystep, c => c.Action == "initialize");
        Assert.Equal((Example.StableVersion, 100), (init.Version, init.Weight));

        // The example's own Deployment is adopted: the commit after the initialize removes it.
        var adopted = graystep[graystep.IndexOf(init) + 1];
        Assert.Equal(("retire", Example.StableVersion, 100), (adopted.Action, adopted.Version, adopted.Weight ?? -1));
        Assert.EndsWith($", adopted as {Example.StableVersion}", adopted.Subject, StringComparison.Ordinal);

        var n = Example.StepWeights.Count;
        var healthy = Run.CommitsOf(Example.HealthyVersion).ToList();
        Assert.Equal(["start", .. Enumerable.Repeat("step", n), "promote"], healthy.Select(c => c.Action));
        Assert.Equal([0, .. Example.StepWeights, 100], healthy.Select(c => c.Weight ?? -1));
        Assert.Equal(
            [.. Enumerable.Range(0, n + 1).Select(i => Invariant($"{i}/{n}")), Invariant($"{n}/{n}")],
            healthy.Select(c => c.Step));
    }

    [Fact]
    public void The_faulty_version_is_rolled_back_when_failed_checks_reach_the_threshold()
    {
        Assert.True(Run.Faulty.ExitCode == 4, Run.Faulty.Describe($"graystep run --version {Example.FaultyVersion}"));

        var faulty = Run.CommitsOf(Example.FaultyVersion).ToList();
        Assert.Equal("start", faulty[0].Action);
        Assert.Equal("rollback", faulty[^1].Action);
        Assert.Equal(0, faulty[^1].Weight);
        var steps = faulty.Skip(1).SkipLast(1).ToList();
        Assert.All(steps, c => Assert.Equal("step", c.Action));
        Assert.NotEmpty(steps);
        Assert.Equal(Example.StepWeights.Take(steps.Count), steps.Select(c => c.Weight ?? -1));

        // The rollback commit says why, with the failing metric, its value and its threshold.
        var rollback = faulty[^1];
        Assert.Contains(Invariant($"analysis failed {Example.Threshold} times (threshold {Example.Threshold})"), rollback.Body, StringComparison.Ordinal);
        Assert.Contains("request-success-rate", rollback.Body, StringComparison.Ordinal);
        Assert.Contains(">= 99", rollback.Body, StringComparison.Ordinal);
        Assert.Contains("rolled back", Run.Faulty.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_rollback_restores_the_promoted_render_byte_for_byte()
    {
        Assert.NotNull(Run.Promote);
        Assert.NotNull(Run.Rollback);
        var promoted = Run.RenderedAtPromote.Where(f => f.Key != StatusFile).ToDictionary();
        var restored = Run.RenderedAtTip.Where(f => f.Key != StatusFile).ToDictionary();
        Assert.Equal(promoted, restored);

        // After promotion only the new version's workload is rendered, with its image.
        var deployment = Assert.Single(promoted.Keys, k => k.StartsWith("deployment-", StringComparison.Ordinal));
        Assert.Equal($"deployment-{Example.Target}-{Example.HealthyVersion}.yaml", deployment);
        Assert.Contains($"image: {Example.ImageOf(Example.HealthyVersion)}", promoted[deployment], StringComparison.Ordinal);
        Assert.Contains("phase: Failed", Run.RenderedAtTip[StatusFile], StringComparison.Ordinal);
    }

    [Fact]
    public void No_user_request_reaches_the_faulty_version_once_the_rollback_is_applied()
    {
        Assert.NotNull(Run.Rollback);
        Assert.Equal(0, Run.FaultyAfterRollback.Requests);

        var app = Run.App;
        Assert.Equal(Example.HealthyVersion, app.Stable);
        Assert.Empty(app.Canaries);
        Assert.True(Run.Final.CountsSince(Example.AppKey, Example.HealthyVersion, Run.Rollback.Sha).Requests >= 400);

        var faulty = Run.Counts(Example.FaultyVersion);
        switch (Example.Strategy)
        {
            case ExampleStrategy.Canary:
                // Users did reach it while it was a canary, and it failed them at the configured rate.
                Assert.True(faulty.Requests >= 100, $"only {faulty.Requests} user requests reached {Example.FaultyVersion}");
                var rate = (double)faulty.Errors / faulty.Requests;
                Assert.InRange(rate, 0.04, 0.18);
                break;
            case ExampleStrategy.ABTesting:
                // Only users matching the A/B rule ever reached it.
                Assert.True(faulty.Requests > 0, "no A/B user reached the faulty version");
                Assert.Equal(faulty.Requests, faulty.AbMatched);
                Assert.Equal(faulty.Requests, faulty.AbUsers);
                break;
            case ExampleStrategy.BlueGreen:
                // Blue/green: users never reached it; Flagger's load tester did, and its errors failed the analysis.
                Assert.Equal(0, faulty.Requests);
                Assert.True(faulty.LoadTest > 0, "the load tester sent nothing to the faulty version");
                Assert.True(faulty.LoadTestErrors > 0, "the faulty version answered every load-test request");
                break;
        }
    }

    [Fact]
    public void Users_reach_the_new_version_only_as_each_commit_routes_them()
    {
        var app = Run.App;
        var healthy = app.Version(Example.HealthyVersion) ?? throw new InvalidOperationException($"no {Example.HealthyVersion} in the sandbox");
        foreach (var commit in Run.CommitsOf(Example.HealthyVersion).Where(c => c.Action is "start" or "step"))
        {
            var toCanary = healthy.ByRevision.GetValueOrDefault(commit.Sha) ?? RequestCounts.Zero;
            var all = app.Versions.Sum(v => v.ByRevision.GetValueOrDefault(commit.Sha)?.Requests ?? 0);
            Assert.True(all > 0, $"no user traffic while {commit} was applied");
            switch (Example.Strategy)
            {
                case ExampleStrategy.Canary when Example.Audience == CanaryAudience.Matching:
                    // Only the users that match take part: the others never reach the canary, the matching ones at the weight.
                    Assert.Equal(toCanary.Requests, toCanary.AbUsers);
                    var insiders = app.Versions.Sum(v => v.ByRevision.GetValueOrDefault(commit.Sha)?.AbUsers ?? 0);
                    Assert.True(insiders > 0, $"no matching user while {commit} was applied");
                    var insiderShare = 100.0 * toCanary.Requests / insiders;
                    Assert.True(Math.Abs(insiderShare - commit.Weight!.Value) <= 12, Invariant($"{commit}: the canary got {insiderShare:0.0}% of {insiders} matching users' requests"));
                    break;
                case ExampleStrategy.Canary when Example.Audience == CanaryAudience.Sticky:
                    // The weight sends new users; those the canary answered keep its cookie, so the share is at least the weight.
                    var stickyShare = 100.0 * toCanary.Requests / all;
                    Assert.True(stickyShare >= commit.Weight!.Value - 8, Invariant($"{commit}: the canary got {stickyShare:0.0}% of {all} user requests"));
                    break;
                case ExampleStrategy.Canary:
                    var share = 100.0 * toCanary.Requests / all;
                    Assert.True(Math.Abs(share - commit.Weight!.Value) <= 8, Invariant($"{commit}: the canary got {share:0.0}% of {all} user requests"));
                    break;
                case ExampleStrategy.ABTesting:
                    Assert.Equal(toCanary.Requests, toCanary.AbMatched);
                    Assert.True(commit.Action == "start" || toCanary.Requests > 0, $"{commit}: no A/B user reached the canary");
                    break;
                case ExampleStrategy.BlueGreen:
                    Assert.Equal(0, toCanary.Requests);
                    break;
            }
        }

        // After the promotion is applied, the old stable version serves no user.
        Assert.Equal(0, Run.Final.CountsSince(Example.AppKey, Example.StableVersion, Run.Promote!.Sha).Requests);
    }

    [Fact]
    public void History_and_status_are_read_back_from_git()
    {
        Assert.True(Run.History.ExitCode == 0, Run.History.Describe("graystep history -o json"));
        using var history = JsonDocument.Parse(Run.History.Stdout);
        var entries = history.RootElement.GetProperty("entries").EnumerateArray()
            .Select(e => (e.GetProperty("action").GetString(), e.GetProperty("version").GetString(), e.GetProperty("weight").GetInt32(), e.GetProperty("commit").GetString()))
            .ToList();
        var commits = Run.Commits.Where(c => c.Action is not null).Select(c => (c.Action, c.Version, c.Weight ?? -1, (string?)c.Sha)).ToList();
        Assert.Equal(commits, entries);

        Assert.True(Run.Status.ExitCode == 0, Run.Status.Describe("graystep status -o json"));
        using var status = JsonDocument.Parse(Run.Status.Stdout);
        Assert.Equal("Failed", status.RootElement.GetProperty("phase").GetString());
        Assert.Equal(Example.HealthyVersion, status.RootElement.GetProperty("stable").GetProperty("version").GetString());
        Assert.Equal(Run.Rollback?.Sha, status.RootElement.GetProperty("commit").GetString());
    }

    private protected static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private protected ScenarioResult Scenario => Run;
}

[Trait("Category", "EndToEnd")]
public sealed class BookinfoTests(BookinfoFixture fixture, ITestOutputHelper output) : ExampleTests<BookinfoFixture>(fixture, output);

[Trait("Category", "EndToEnd")]
public sealed class ABTestingTests(ABTestingFixture fixture, ITestOutputHelper output) : ExampleTests<ABTestingFixture>(fixture, output);

[Trait("Category", "EndToEnd")]
public sealed class K8sDemoNginxTests(K8sDemoNginxFixture fixture, ITestOutputHelper output) : ExampleTests<K8sDemoNginxFixture>(fixture, output);

[Trait("Category", "EndToEnd")]
public sealed class K8sDemoNginxBlueGreenTests(K8sDemoNginxBlueGreenFixture fixture, ITestOutputHelper output) : ExampleTests<K8sDemoNginxBlueGreenFixture>(fixture, output);

[Trait("Category", "EndToEnd")]
public sealed class GatewayApiTests(GatewayApiFixture fixture, ITestOutputHelper output) : ExampleTests<GatewayApiFixture>(fixture, output);

[Trait("Category", "EndToEnd")]
public sealed class PodinfoFlaggerTests(PodinfoFlaggerFixture fixture, ITestOutputHelper output) : ExampleTests<PodinfoFlaggerFixture>(fixture, output)
{
    [Fact]
    public void Flaggers_webhooks_run_as_in_the_tutorial_acceptance_test_before_traffic_load_test_during_analysis()
    {
        var calls = Scenario.WebhookCalls;
        Assert.All(calls, c => Assert.Equal(("podinfo", "test"), (c.Name, c.Namespace)));

        // One acceptance test per rollout, before its first traffic step; load tests at every analysis after it.
        foreach (var version in new[] { Scenario.Example.HealthyVersion, Scenario.Example.FaultyVersion })
        {
            var commits = Scenario.CommitsOf(version).ToList();
            var start = commits.First(c => c.Action == "start").CommittedAt;
            var firstStep = commits.First(c => c.Action == "step").CommittedAt;
            var end = commits[^1].CommittedAt;
            var acceptance = calls.Where(c => c.Hook == "acceptance-test" && c.At >= start && c.At <= end.AddSeconds(1)).ToList();
            Assert.Single(acceptance);
            Assert.True(acceptance[0].At <= firstStep.AddSeconds(1), $"the acceptance test ran at {acceptance[0].At:O}, after the first step {firstStep:O}");
            Assert.Contains(calls, c => c.Hook == "load-test" && c.At >= firstStep && c.At <= end.AddSeconds(1));
        }

        // The load test's hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/ reached each canary through the
        // podinfo-canary Service Graystep renders as Flagger names it; the stable version got none of it.
        Assert.True(Scenario.Counts(Scenario.Example.HealthyVersion).LoadTest > 0, "no load-test request reached the healthy canary");
        Assert.True(Scenario.Counts(Scenario.Example.FaultyVersion).LoadTest > 0, "no load-test request reached the faulty canary");
        Assert.Equal(0, Scenario.Counts(Scenario.Example.StableVersion).LoadTest);
    }
}

[Trait("Category", "EndToEnd")]
public sealed class PodinfoSessionAffinityTests(PodinfoSessionAffinityFixture fixture, ITestOutputHelper output) : ExampleTests<PodinfoSessionAffinityFixture>(fixture, output);

[Trait("Category", "EndToEnd")]
public sealed class PodinfoMatchWeightsTests(PodinfoMatchWeightsFixture fixture, ITestOutputHelper output) : ExampleTests<PodinfoMatchWeightsFixture>(fixture, output)
{
    [Fact]
    public void Users_without_the_header_never_reach_a_canary()
    {
        // The faulty version never left its canary steps: every user that reached it carried the header.
        var faulty = Scenario.Counts(Scenario.Example.FaultyVersion);
        Assert.True(faulty.Requests > 0, "no user reached the faulty version");
        Assert.Equal(faulty.Requests, faulty.AbUsers);

        // The healthy one too, until its promotion sent everyone.
        var healthy = Scenario.App.Version(Scenario.Example.HealthyVersion)!;
        var steps = Scenario.CommitsOf(Scenario.Example.HealthyVersion).Where(c => c.Action is "start" or "step")
            .Select(c => healthy.ByRevision.GetValueOrDefault(c.Sha) ?? RequestCounts.Zero).ToList();
        Assert.True(steps.Sum(c => c.Requests) > 0, "no user reached the healthy canary");
        Assert.Equal(steps.Sum(c => c.Requests), steps.Sum(c => c.AbUsers));
    }
}

[Trait("Category", "EndToEnd")]
public sealed class PodinfoTemplatesTests(PodinfoTemplatesFixture fixture, ITestOutputHelper output) : ExampleTests<PodinfoTemplatesFixture>(fixture, output)
{
    [Fact]
    public void The_teams_own_routes_and_objects_reach_the_cluster_as_written()
    {
        var rendered = Scenario.RenderedAtTip;
        foreach (var file in new[] { "serviceaccount-podinfo.yaml", "configmap-podinfo-config.yaml", "virtualservice-podinfo.yaml", "destinationrule-podinfo.yaml" })
        {
            Assert.True(rendered.ContainsKey(file), $"{file} is missing: {string.Join(", ", rendered.Keys)}");
        }

        Assert.Contains($"poddisruptionbudget-podinfo-{Scenario.Example.HealthyVersion}.yaml", rendered.Keys);
        var vs = rendered["virtualservice-podinfo.yaml"];
        Assert.Contains("name: legacy-api", vs, StringComparison.Ordinal);
        Assert.Contains("name: fault-drill", vs, StringComparison.Ordinal);
        Assert.Contains("simple: LEAST_REQUEST", rendered["destinationrule-podinfo.yaml"], StringComparison.Ordinal);

        // The simulated proxies route the team's routes as written: the redirect, the fault drill, and podinfo itself.
        Assert.Equal(200, Scenario.Probes["/api/v1/info"]["statuses"]!["301"]!.GetValue<int>());
        Assert.Equal(200, Scenario.Probes["/drill"]["statuses"]!["503"]!.GetValue<int>());
        Assert.Equal(200, Scenario.Probes["/"]["versions"]![Scenario.Example.HealthyVersion]!.GetValue<int>());
    }
}
