using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Graystep.Sandbox.Behaviour;
using Graystep.Sandbox.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Sandbox.Tests;

/// <summary>A real Prometheus (Debian's /usr/bin/prometheus) scrapes the sandbox, and Flagger's built-in Istio query runs unchanged.</summary>
public sealed class RealPrometheusTests
{
    // Flagger's built-in request-success-rate for Istio, with {{ namespace }}, {{ target }} and {{ interval }} filled in.
    private const string SuccessRate = """
        sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="bookinfo",destination_workload=~"reviews-v2",response_code!~"5.*"}[10s]))
        /
        sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="bookinfo",destination_workload=~"reviews-v2"}[10s]))
        * 100
        """;

    [Fact]
    public async Task Prometheus_scrapes_the_sandbox_and_the_istio_success_rate_query_returns_the_simulated_rate()
    {
        var prometheusBinary = File.Exists("/usr/bin/prometheus") ? "/usr/bin/prometheus" : "prometheus";
        using var repo = new GitOpsRepo();
        repo.Commit("reviews: 50% to v2", Rendered.IstioApp("rendered", Rendered.IstioWeighted("reviews", "v1", 50, "v2", 50)));
        var behaviour = BehaviourConfig.Parse("versions: {v2: {errorRate: 0.1}}", "behaviour.yaml");
        await using var host = new SandboxHost(Sandboxes.Options(repo) with { Rps = 100, Behaviour = behaviour, Poll = TimeSpan.FromMilliseconds(200) });
        await host.StartAsync();

        using var dir = new TempDirectory("sandbox-prometheus");
        var port = FreePort.Next();
        File.WriteAllText(dir.Combine("prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: graystep-sandbox
                static_configs:
                  - targets: ["{host.Address.Authority}"]
            """);
        var psi = new ProcessStartInfo(prometheusBinary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "--config.file=" + dir.Combine("prometheus.yml"),
            "--storage.tsdb.path=" + dir.Combine("data"),
            "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
            "--log.level=warn",
        })
        {
            psi.ArgumentList.Add(arg);
        }

        using var prometheus = Process.Start(psi)!;
        var log = new System.Text.StringBuilder();
        prometheus.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        prometheus.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        prometheus.BeginErrorReadLine();
        prometheus.BeginOutputReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            double? value = null;
            await Poll.UntilAsync(
                async () =>
                {
                    Assert.False(prometheus.HasExited, $"prometheus exited: {log}");
                    var response = await http.GetFromJsonAsync<JsonNode>("/api/v1/query?query=" + Uri.EscapeDataString(SuccessRate));
                    var result = response?["data"]?["result"]?.AsArray();
                    if (result is null || result.Count == 0)
                    {
                        return false;
                    }

                    var text = (string?)result[0]!["value"]![1];
                    value = double.Parse(text!, NumberStyles.Float, CultureInfo.InvariantCulture);
                    return !double.IsNaN(value.Value);
                },
                TimeSpan.FromSeconds(90),
                "Prometheus to answer the Istio success-rate query");

            // v2 fails 10% of its requests.
            Assert.InRange(value!.Value, 80, 97);
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            prometheus.WaitForExit(10_000);
        }
    }
}
