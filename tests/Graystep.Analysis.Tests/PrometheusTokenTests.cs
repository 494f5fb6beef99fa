using Graystep.Analysis.Tests.Support;
using Graystep.TestKit.Prometheus;

namespace Graystep.Analysis.Tests;

/// <summary>
/// A Prometheus behind an authenticating proxy (as with Thanos, Grafana Cloud or an OpenShift oauth-proxy): the real
/// server, reached only with <c>Authorization: Bearer TOKEN</c>. The token comes from <c>--prometheus-token</c> or
/// <c>GRAYSTEP_PROMETHEUS_TOKEN</c>, is sent on every query, and is never printed, right or wrong.
/// </summary>
[Collection(Lanes.Four)]
public sealed class PrometheusTokenTests
{
    private const string Token = "prom-7c1d5e0a9b3f4e21";

    [PrometheusFact]
    public async Task The_token_is_sent_as_a_bearer_token_from_the_option_or_the_variable_and_never_printed()
    {
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.Healthy(100)), (Bookinfo.CanaryWorkload, Traffic.Healthy(100)));
        using var forward = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        await using var proxy = await AuthenticatingProxy.StartAsync(forward, rig.Address, r => r.Header("Authorization") == "Bearer " + Token);
        using var repo = Bookinfo.Repo("""
            interval: 1m
            threshold: 5
            stepWeights: [10, 50]
            metrics:
              - name: request-success-rate
                interval: 5s
                thresholdRange: {min: 99}
            """);
        var started = await repo.GraystepAsync(Bookinfo.RunV2(repo, proxy.Base, "--once"), Bookinfo.RunBound);
        Assert.True(started.ExitCode == 5, started.ToString());
        await Bookinfo.WaitForAWholeWindowAsync(repo);
        string[] analyze = ["analyze", Bookinfo.Spec, "--repo", repo.Bare, "--prometheus", proxy.Base];

        var byOption = await repo.GraystepAsync([.. analyze, "--prometheus-token", Token], Bookinfo.RunBound);
        var byVariable = await repo.GraystepAsync(analyze, Bookinfo.RunBound, new Dictionary<string, string?> { ["GRAYSTEP_PROMETHEUS_TOKEN"] = Token });
        var queries = proxy.Requests.Count;
        var without = await repo.GraystepAsync(analyze, Bookinfo.RunBound);
        var wrong = await repo.GraystepAsync([.. analyze, "--prometheus-token", "wrong-9f8e7d6c5b4a"], Bookinfo.RunBound);

        Assert.True(byOption.ExitCode == 0, byOption.ToString());
        Assert.True(byVariable.ExitCode == 0, byVariable.ToString());
        Assert.Equal("pass", Bookinfo.Rows(byOption.Stdout).Single().Verdict);
        Assert.Equal("pass", Bookinfo.Rows(byVariable.Stdout).Single().Verdict);
        Assert.True(queries >= 2, $"{queries} queries reached the proxy");
        Assert.All(proxy.Requests.Take(queries), r => Assert.Equal("Bearer " + Token, r.Header("Authorization")));

        // Refused: the check fails with Prometheus' answer and the hint about credentials; nothing reveals a token.
        foreach (var refused in new[] { without, wrong })
        {
            Assert.True(refused.ExitCode == 1, refused.ToString());
            Assert.Contains("401", refused.Stdout + refused.Stderr, StringComparison.Ordinal);
            Assert.Contains("check the Prometheus credentials", refused.Stdout + refused.Stderr, StringComparison.Ordinal);
        }

        Assert.Null(proxy.Requests.Skip(queries).First().Header("Authorization"));
        foreach (var result in new[] { started, byOption, byVariable, without, wrong })
        {
            Assert.DoesNotContain(Token, result.Stdout + result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("wrong-9f8e7d6c5b4a", result.Stdout + result.Stderr, StringComparison.Ordinal);
        }
    }
}
