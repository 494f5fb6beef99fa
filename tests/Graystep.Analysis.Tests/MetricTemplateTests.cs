using System.Text.Json;
using Graystep.Analysis.Tests.Support;
using Graystep.TestKit;
using Graystep.TestKit.Prometheus;

namespace Graystep.Analysis.Tests;

/// <summary>
/// examples/podinfo-flagger: Flagger's tutorial Canary with the not-found-percentage MetricTemplate, its
/// pre-rollout and load-test webhooks pointed at a local receiver, rolled out against a real Prometheus.
/// </summary>
[Collection(Lanes.Five)]
public sealed class MetricTemplateTests
{
    private const string Spec = "podinfo-canary.yaml";

    [PrometheusFact]
    public async Task The_not_found_percentage_template_rolls_back_a_canary_that_answers_10_percent_404s()
    {
        await using var hooks = await HookReceiver.StartAsync();
        await using var rig = await MetricsRig.StartAsync("test", "podinfo",
            ("podinfo-6-0-0", Traffic.Healthy(100)), ("podinfo-6-0-1", Traffic.WithNotFound(0.10, 100)));
        using var repo = GitOpsRepo.FromExample("podinfo-flagger", Spec, seed =>
        {
            // The template keeps its own provider.address (now the local Prometheus); the built-ins use metricsServer.
            SpecEdits.Edit(Path.Combine(seed, "not-found-percentage.yaml"), text =>
                text.Replace("http://prometheus.istio-system:9090", rig.Address, StringComparison.Ordinal));
            SpecEdits.Edit(Path.Combine(seed, Spec), text =>
            {
                // A Graystep Rollout accepts every Canary field, plus sync (a Canary gets a 30s delay).
                // As a Canary, the version that lost its traffic leaves in the switch commit (scaleDownDelay: 0s).
                text = RetireDelay.Pinned(text.Replace("apiVersion: flagger.app/v1beta1\nkind: Canary", "apiVersion: graystep.io/v1alpha1\nkind: Rollout", StringComparison.Ordinal));
                text = text.Replace("interval: 1m\n    # max number", "interval: 3s\n    # max number", StringComparison.Ordinal)
                    .Replace("threshold: 5", "threshold: 2", StringComparison.Ordinal)
                    .Replace("stepWeight: 10", "stepWeight: 50", StringComparison.Ordinal)
                    .Replace("interval: 1m\n", "interval: 5s\n", StringComparison.Ordinal)
                    .Replace("interval: 30s\n", "interval: 5s\n", StringComparison.Ordinal)
                    .Replace("url: http://flagger-loadtester.test/\n        timeout: 30s", $"url: {hooks.Url("acceptance-test")}\n        timeout: 5s", StringComparison.Ordinal)
                    .Replace("url: http://flagger-loadtester.test/\n        timeout: 5s", $"url: {hooks.Url("load-test")}\n        timeout: 5s", StringComparison.Ordinal);
                text = SpecEdits.SetScalar(text, "metricsServer", rig.Address);
                return SpecEdits.SetBlock(text, "sync", "kind: none");
            });
        });

        var result = await repo.GraystepAsync(["run", Spec, "--repo", repo.Bare, "--version", "6-0-1", "--image", "podinfod=ghcr.io/stefanprodan/podinfo:6.0.1"],
            Bookinfo.RunBound);

        Assert.True(result.ExitCode == 4, result.ToString());
        var commits = repo.RolloutCommits();
        Assert.Equal(["initialize", "retire", "start", "step", "rollback"], commits.Select(c => c.Action));
        var rollback = commits[^1];
        Expect.Matches(@"^Reason: analysis failed 2 times \(threshold 2\): not-found-percentage (9\.\d+|10(\.\d+)?) outside <= 5$", rollback.Body);
        var rows = Bookinfo.Rows(rollback.Body);
        Assert.Equal(["request-success-rate", "request-duration", "not-found-percentage"], rows.Select(r => r.Metric));
        var notFound = rows[2];
        Assert.Equal("fail", notFound.Verdict);
        Assert.InRange(notFound.NumericValue, 9.5, 10.5);
        Assert.Equal("<= 5", notFound.Threshold);
        Assert.Equal(5, notFound.WindowSeconds);

        // 404s are not 5xx: the built-in success rate passes.
        Assert.Equal("pass", rows[0].Verdict);

        // Flagger's hooks: pre-rollout once before the first step, the load test (type rollout) at every analysis.
        var preRollout = Assert.Single(hooks.Calls("acceptance-test"));
        Assert.Equal("Progressing", preRollout.Phase);
        using var payload = JsonDocument.Parse(preRollout.Body);
        Assert.Equal("podinfo", payload.RootElement.GetProperty("name").GetString());
        Assert.Equal("curl -sd 'test' http://podinfo-canary:9898/token | grep token", payload.RootElement.GetProperty("metadata").GetProperty("cmd").GetString());
        Assert.Equal(2, hooks.Calls("load-test").Count);
    }
}
