using Graystep.Core.Analysis;
using Graystep.Rendering.Routing;
using Graystep.TestKit;
using Graystep.Core.Providers;

namespace Graystep.Rendering.Tests;

/// <summary>Each router's built-in metric queries (its descriptor's): Flagger's shapes, documented verbatim.</summary>
public sealed class BuiltinQueryTests
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
    [InlineData("istio", "request-success-rate",
        "sum( rate( istio_requests_total{ reporter=\"destination\", destination_workload_namespace=\"test\", destination_workload=~\"podinfo-v2\", response_code!~\"5.*\" }[1m] ) ) / sum( rate( istio_requests_total{ reporter=\"destination\", destination_workload_namespace=\"test\", destination_workload=~\"podinfo-v2\" }[1m] ) ) * 100")]
    [InlineData("istio", "request-duration",
        "histogram_quantile( 0.99, sum( rate( istio_request_duration_milliseconds_bucket{ reporter=\"destination\", destination_workload_namespace=\"test\", destination_workload=~\"podinfo-v2\" }[1m] ) ) by (le) )")]
    [InlineData("nginx", "request-success-rate",
        "sum( rate( nginx_ingress_controller_requests{ namespace=\"test\", ingress=\"podinfo\", canary!=\"\", status!~\"5.*\" }[1m] ) ) / sum( rate( nginx_ingress_controller_requests{ namespace=\"test\", ingress=\"podinfo\", canary!=\"\" }[1m] ) ) * 100")]
    [InlineData("nginx", "request-duration",
        "histogram_quantile( 0.99, sum( rate( nginx_ingress_controller_request_duration_seconds_bucket{ namespace=\"test\", ingress=\"podinfo\", canary!=\"\" }[1m] ) ) by (le) ) * 1000")]
    [InlineData("gateway-api", "request-success-rate",
        "sum( rate( http_requests_total{ namespace=\"test\", pod=~\"podinfo-v2-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)\", status!~\"5.*\" }[1m] ) ) / sum( rate( http_requests_total{ namespace=\"test\", pod=~\"podinfo-v2-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)\" }[1m] ) ) * 100")]
    [InlineData("kubernetes", "request-duration",
        "histogram_quantile( 0.99, sum( rate( http_request_duration_seconds_bucket{ namespace=\"test\", pod=~\"podinfo-v2-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)\" }[1m] ) ) by (le) ) * 1000")]
    public void Built_in_queries_render_to_Flaggers_shapes(string provider, string metric, string expected)
    {
        Assert.Equal(expected, MetricQueryBuilder.Build(StandardProviders.Provider(provider).Queries.For(metric)!, Model));
    }

    [Fact]
    public void Gateway_api_and_kubernetes_share_the_app_metric_queries()
    {
        Assert.Equal(StandardProviders.GatewayApi.Queries, StandardProviders.Kubernetes.Queries);
    }

    [Fact]
    public void Every_built_in_query_is_documented_verbatim_in_docs_metrics_md()
    {
        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "metrics.md")).ReplaceLineEndings("\n");
        foreach (var provider in Routers.Default.Descriptors)
        {
            foreach (var name in BuiltinQueries.Names)
            {
                var query = provider.Queries.For(name)!.ReplaceLineEndings("\n");
                Assert.True(docs.Contains("```promql\n" + query + "\n```", StringComparison.Ordinal), $"docs/metrics.md lacks the {provider.Id} {name} query");
            }
        }
    }

    [Fact]
    public void Only_the_two_Flagger_names_are_built_in()
    {
        Assert.Null(StandardProviders.Istio.Queries.For("error-rate"));
        Assert.True(BuiltinQueries.IsBuiltin("request-duration"));
        Assert.False(BuiltinQueries.IsBuiltin("Request-Duration"));
    }
}
