using Graystep.Cli.Commands.Tests.Support;

namespace Graystep.Cli.Commands.Tests.Golden;

/// <summary>
/// Whole rollouts through the real CLI, pinned byte for byte: every command's output (text and <c>-o json</c>), every
/// commit's SHA, message and changed files, and every query and webhook call. A refactoring must leave all of it
/// identical; a change of behaviour shows here as a reviewed snapshot diff (GRAYSTEP_UPDATE_SNAPSHOTS=1).
/// </summary>
public sealed class GoldenRolloutTests
{
    [Fact]
    public void Istio_canary_promoted_then_paused_resumed_rolled_back_and_promoted_by_hand()
    {
        using var rig = new GoldenRig("bookinfo", "rollout.yaml", Healthy);
        var spec = rig.Spec;

        Assert.Equal(5, rig.Run("run", spec, "--version", "v2", "--image", "reviews=docker.io/istio/examples-bookinfo-reviews-v2:1.20.1", "--once", "-o", "json").ExitCode);
        Assert.Equal(5, rig.Run("run", spec, "--once").ExitCode);
        rig.Run("analyze", spec);
        rig.Clock.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(0, rig.Run("analyze", spec, "-o", "json").ExitCode);
        Assert.Equal(0, rig.Run("run", spec, "-o", "json").ExitCode);
        rig.Run("status", spec, "-o", "json");
        rig.Run("status", spec);
        rig.Run("history", spec, "-o", "json");

        rig.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(5, rig.Run("run", spec, "--version", "v3", "--image", "reviews=docker.io/istio/examples-bookinfo-reviews-v3:1.20.1", "--once").ExitCode);
        rig.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(0, rig.Run("pause", spec, "--reason", "hold: release notes").ExitCode);
        Assert.Equal(5, rig.Run("run", spec, "--once", "-o", "json").ExitCode);
        rig.Run("status", spec);
        rig.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(0, rig.Run("resume", spec).ExitCode);
        Assert.Equal(5, rig.Run("run", spec, "--once").ExitCode);
        rig.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(0, rig.Run("rollback", spec, "--reason", "manual: customer report").ExitCode);
        rig.Run("run", spec, "--version", "v3", "--image", "reviews=docker.io/istio/examples-bookinfo-reviews-v3:1.20.1", "--once", "-o", "json");
        rig.Clock.Advance(TimeSpan.FromMinutes(1));
        rig.Run("run", spec, "--version", "v4", "--image", "reviews=docker.io/istio/examples-bookinfo-reviews-v3:1.20.2", "--once");
        rig.Clock.Advance(TimeSpan.FromMinutes(1));
        rig.Run("promote", spec, "--reason", "hotfix");
        rig.Run("run", spec, "-o", "json");
        rig.Run("history", spec);
        rig.Run("status", spec, "-o", "json");

        Snapshot.Match("golden/istio-canary.txt", rig.Transcript());
    }

    [Fact]
    public void Flagger_canary_with_a_metric_template_and_webhooks_is_rolled_back_by_analysis()
    {
        using var rig = new GoldenRig("podinfo-flagger", "podinfo-canary.yaml", query =>
            query.Contains("podinfo-6-1-0", StringComparison.Ordinal) && query.Contains("response_code!~", StringComparison.Ordinal) ? "91.25" : Healthy(query));

        Assert.Equal(4, rig.Run("run", rig.Spec, "--version", "6-1-0", "--image", "podinfod=ghcr.io/stefanprodan/podinfo:6.1.0", "-o", "json").ExitCode);
        rig.Run("status", rig.Spec, "-o", "json");
        rig.Run("history", rig.Spec);
        rig.Clock.Advance(TimeSpan.FromMinutes(5));
        rig.Run("analyze", rig.Spec);

        Snapshot.Match("golden/flagger-rollback.txt", rig.Transcript());
    }

    [Fact]
    public void Istio_ab_test_is_promoted_then_superseded()
    {
        using var rig = new GoldenRig("ab-testing", "rollout.yaml", Healthy, ("iterations: 10", "iterations: 3"));

        Assert.Equal(0, rig.Run("run", rig.Spec, "--version", "v2", "--image", "podinfod=ghcr.io/stefanprodan/podinfo:6.0.1").ExitCode);
        rig.Run("run", rig.Spec, "--version", "v3", "--image", "podinfod=ghcr.io/stefanprodan/podinfo:6.0.2", "--once");
        rig.Run("run", rig.Spec, "--version", "v4", "--once");
        rig.Clock.Advance(TimeSpan.FromMinutes(2));
        rig.Run("run", rig.Spec, "--version", "v4", "--image", "podinfod=ghcr.io/stefanprodan/podinfo:6.0.3", "--supersede", "--once", "-o", "json");
        rig.Run("history", rig.Spec, "-o", "json");

        Snapshot.Match("golden/ab-testing.txt", rig.Transcript());
    }

    [Fact]
    public void Nginx_canary_is_rolled_back_when_latency_stays_too_high()
    {
        using var rig = new GoldenRig("k8sdemo-nginx", "rollout.yaml", query =>
            query.Contains("histogram_quantile", StringComparison.Ordinal) ? "912" : Healthy(query));

        Assert.Equal(4, rig.Run("run", rig.Spec, "--version", "v2", "--image", "hello=registry.example/hello:2.0.0").ExitCode);
        rig.Run("status", rig.Spec);
        rig.Run("history", rig.Spec, "-o", "json");

        Snapshot.Match("golden/nginx-canary-rollback.txt", rig.Transcript());
    }

    [Fact]
    public void Kubernetes_blue_green_and_gateway_api_canary_are_promoted()
    {
        using var blueGreen = new GoldenRig("k8sdemo-nginx-bluegreen", "rollout.yaml", Healthy, ("iterations: 5", "iterations: 2"));
        Assert.Equal(0, blueGreen.Run("run", blueGreen.Spec, "--version", "v2", "--image", "hello=registry.example/hello:2.0.0", "-o", "json").ExitCode);
        Snapshot.Match("golden/kubernetes-blue-green.txt", blueGreen.Transcript());

        using var gateway = new GoldenRig("gateway-api", "rollout.yaml", Healthy, ("stepWeight: 10\n    maxWeight: 50", "stepWeights: [5, 50]"));
        Assert.Equal(0, gateway.Run("run", gateway.Spec, "--version", "v2", "--image", "podinfod=ghcr.io/stefanprodan/podinfo:6.0.1").ExitCode);
        Snapshot.Match("golden/gateway-api-canary.txt", gateway.Transcript());
    }

    /// <summary>Every check passes: full success rate, quick responses, few 404s.</summary>
    private static string Healthy(string query) =>
        query.Contains("histogram_quantile", StringComparison.Ordinal) ? "123.4"
        : query.Contains("!=\"404\"", StringComparison.Ordinal) ? "0.5"
        : "100";
}
