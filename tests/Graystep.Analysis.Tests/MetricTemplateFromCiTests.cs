using System.Text;
using Graystep.Analysis.Tests.Support;
using Graystep.TestKit.Prometheus;

namespace Graystep.Analysis.Tests;

/// <summary>
/// A Flagger MetricTemplate as written for the cluster (an in-cluster address, a secretRef, a tenant header), used
/// from a CI runner outside it: <c>--prometheus-map</c> redirects the address, the Secret's keys come from
/// <c>GRAYSTEP_SECRET_&lt;NAME&gt;_&lt;KEY&gt;</c>, and the real Prometheus behind a basic-auth proxy answers. The
/// password is sent and never printed.
/// </summary>
[Collection(Lanes.Four)]
public sealed class MetricTemplateFromCiTests
{
    private const string InCluster = "http://prometheus.istio-system:9090";
    private const string Password = "pw-5e0a9b3f4e217c1d";

    private static readonly string Basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("graystep:" + Password));

    private const string Template = $$$"""
        apiVersion: flagger.app/v1beta1
        kind: MetricTemplate
        metadata:
          name: error-rate
          namespace: bookinfo
        spec:
          provider:
            type: prometheus
            address: {{{InCluster}}}
            secretRef:
              name: prom-auth
            headers:
              X-Scope-OrgID: team-a
          query: |
            100 - 100 * sum(rate(istio_requests_total{destination_workload_namespace="{{ namespace }}",destination_workload="{{ target }}",response_code!~"5.."}[{{ interval }}]))
            / sum(rate(istio_requests_total{destination_workload_namespace="{{ namespace }}",destination_workload="{{ target }}"}[{{ interval }}]))
        """;

    [PrometheusFact]
    public async Task An_in_cluster_template_is_queried_through_the_map_with_its_secret_and_header()
    {
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.Healthy(100)), (Bookinfo.CanaryWorkload, Traffic.Healthy(100)));
        using var forward = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        await using var proxy = await AuthenticatingProxy.StartAsync(forward, rig.Address, r => r.Header("Authorization") == Basic && r.Header("X-Scope-OrgID") == "team-a");
        using var repo = Bookinfo.Repo(
            """
            interval: 1m
            threshold: 5
            stepWeights: [10, 50]
            metrics:
              - name: error-rate
                templateRef: {name: error-rate}
                interval: 5s
                thresholdRange: {max: 1}
            """,
            metricsServer: rig.Address,
            files: new Dictionary<string, string> { ["error-rate.yaml"] = Template });
        var map = $"{InCluster}={proxy.Base}";
        var secrets = new Dictionary<string, string?>
        {
            ["GRAYSTEP_SECRET_PROM_AUTH_USERNAME"] = "graystep",
            ["GRAYSTEP_SECRET_PROM_AUTH_PASSWORD"] = Password,
        };
        var started = await repo.GraystepAsync([.. Bookinfo.RunV2(repo, null, "--once"), "--prometheus-map", map], Bookinfo.RunBound, secrets);
        Assert.True(started.ExitCode == 5, started.ToString());
        await Bookinfo.WaitForAWholeWindowAsync(repo);
        string[] analyze = ["analyze", Bookinfo.Spec, "--repo", repo.Bare];

        var mapped = await repo.GraystepAsync([.. analyze, "--prometheus-map", map], Bookinfo.RunBound, secrets);
        var byVariable = await repo.GraystepAsync(analyze, Bookinfo.RunBound, new Dictionary<string, string?>(secrets) { ["GRAYSTEP_PROMETHEUS_MAP"] = map });
        var queries = proxy.Requests.Count;
        var noSecret = await repo.GraystepAsync([.. analyze, "--prometheus-map", map], Bookinfo.RunBound);
        var badMap = await repo.GraystepAsync([.. analyze, "--prometheus-map", "prometheus.istio-system"], Bookinfo.RunBound);

        Assert.True(mapped.ExitCode == 0, mapped.ToString());
        Assert.True(byVariable.ExitCode == 0, byVariable.ToString());
        Assert.Equal("pass", Bookinfo.Rows(mapped.Stdout).Single().Verdict);
        Assert.Equal("pass", Bookinfo.Rows(byVariable.Stdout).Single().Verdict);
        Assert.True(queries >= 2, $"{queries} queries reached the proxy");
        Assert.All(proxy.Requests.Take(queries), r => Assert.Equal((Basic, "team-a"), (r.Header("Authorization"), r.Header("X-Scope-OrgID"))));

        // Without the Secret's variables the check errs and names them; a map that is not two URLs is a usage error.
        Assert.True(noSecret.ExitCode == 1, noSecret.ToString());
        Assert.Contains("GRAYSTEP_SECRET_PROM_AUTH_TOKEN", noSecret.Stdout + noSecret.Stderr, StringComparison.Ordinal);
        Assert.Equal(proxy.Requests.Count, queries);
        Assert.True(badMap.ExitCode == 2, badMap.ToString());
        Assert.StartsWith("error: --prometheus-map prometheus.istio-system: expected IN_CLUSTER_URL=REACHABLE_URL", badMap.Stderr, StringComparison.Ordinal);
        foreach (var result in new[] { started, mapped, byVariable, noSecret, badMap })
        {
            Assert.DoesNotContain(Password, result.Stdout + result.Stderr, StringComparison.Ordinal);
        }
    }
}
