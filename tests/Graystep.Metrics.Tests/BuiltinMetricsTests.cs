using Graystep.Core.Analysis;
using Graystep.Core.Spec;
using Graystep.TestKit;

namespace Graystep.Metrics.Tests;

public sealed class BuiltinMetricsTests
{
    private static readonly MetricQueryModel Model = new()
    {
        Namespace = "test",
        Target = "podinfo-v2",
        Stable = "podinfo-v1",
        Interval = "1m",
        Service = "podinfo",
        Ingress = "podinfo",
    };

    // The istio and nginx success-rate strings are Flagger's own test expectations (observers/*_test.go), trimmed,
    // with our canary workload as the target.
    [Theory]
    [InlineData(Provider.Istio, "request-success-rate",
        "sum( rate( istio_requests_total{ reporter=\"destination\", destination_workload_namespace=\"test\", destination_workload=~\"podinfo-v2\", response_code!~\"5.*\" }[1m] ) ) / sum( rate( istio_requests_total{ reporter=\"destination\", destination_workload_namespace=\"test\", destination_workload=~\"podinfo-v2\" }[1m] ) ) * 100")]
    [InlineData(Provider.Istio, "request-duration",
        "histogram_quantile( 0.99, sum( rate( istio_request_duration_milliseconds_bucket{ reporter=\"destination\", destination_workload_namespace=\"test\", destination_workload=~\"podinfo-v2\" }[1m] ) ) by (le) )")]
    [InlineData(Provider.Nginx, "request-success-rate",
        "sum( rate( nginx_ingress_controller_requests{ namespace=\"test\", ingress=\"podinfo\", canary!=\"\", status!~\"5.*\" }[1m] ) ) / sum( rate( nginx_ingress_controller_requests{ namespace=\"test\", ingress=\"podinfo\", canary!=\"\" }[1m] ) ) * 100")]
    [InlineData(Provider.Nginx, "request-duration",
        "histogram_quantile( 0.99, sum( rate( nginx_ingress_controller_request_duration_seconds_bucket{ namespace=\"test\", ingress=\"podinfo\", canary!=\"\" }[1m] ) ) by (le) ) * 1000")]
    [InlineData(Provider.GatewayApi, "request-success-rate",
        "sum( rate( http_requests_total{ namespace=\"test\", pod=~\"podinfo-v2-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)\", status!~\"5.*\" }[1m] ) ) / sum( rate( http_requests_total{ namespace=\"test\", pod=~\"podinfo-v2-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)\" }[1m] ) ) * 100")]
    [InlineData(Provider.Kubernetes, "request-duration",
        "histogram_quantile( 0.99, sum( rate( http_request_duration_seconds_bucket{ namespace=\"test\", pod=~\"podinfo-v2-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)\" }[1m] ) ) by (le) ) * 1000")]
    public void Built_in_queries_render_to_Flaggers_shapes(Provider provider, string metric, string expected)
    {
        Assert.Equal(expected, MetricQueryBuilder.Build(BuiltinMetrics.QueryTemplate(provider, metric), Model));
    }

    [Fact]
    public void Gateway_api_and_kubernetes_share_the_app_metric_queries()
    {
        foreach (var name in BuiltinMetrics.Names)
        {
            Assert.Equal(BuiltinMetrics.QueryTemplate(Provider.GatewayApi, name), BuiltinMetrics.QueryTemplate(Provider.Kubernetes, name));
        }
    }

    [Fact]
    public void Every_built_in_query_is_documented_verbatim_in_docs_metrics_md()
    {
        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "metrics.md")).ReplaceLineEndings("\n");
        foreach (var provider in Enum.GetValues<Provider>())
        {
            foreach (var name in BuiltinMetrics.Names)
            {
                var query = BuiltinMetrics.QueryTemplate(provider, name).ReplaceLineEndings("\n");
                Assert.True(docs.Contains("```promql\n" + query + "\n```", StringComparison.Ordinal), $"docs/metrics.md lacks the {provider} {name} query");
            }
        }
    }

    [Fact]
    public void Only_the_two_Flagger_names_are_built_in()
    {
        Assert.Throws<ArgumentException>(() => BuiltinMetrics.QueryTemplate(Provider.Istio, "error-rate"));
        Assert.True(BuiltinMetrics.IsBuiltin("request-duration"));
        Assert.False(BuiltinMetrics.IsBuiltin("Request-Duration"));
    }
}
