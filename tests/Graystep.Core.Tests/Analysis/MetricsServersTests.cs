using Graystep.Core.Analysis;

namespace Graystep.Core.Tests.Analysis;

/// <summary>--prometheus and --prometheus-map: which address a query goes to, and which setting says so.</summary>
public sealed class MetricsServersTests
{
    private static readonly MetricsServers Servers = new()
    {
        Override = new Uri("http://127.0.0.1:9090"),
        Map = MetricsServers.ParseMap(["http://prometheus.istio-system:9090/=http://127.0.0.1:19090", "http://thanos:9090=https://thanos.example.com"], out _)!,
    };

    [Theory]
    [InlineData("http://prometheus.istio-system:9090", null, "http://127.0.0.1:19090", "--prometheus-map")]
    [InlineData("http://prometheus.istio-system:9090/", null, "http://127.0.0.1:19090", "--prometheus-map")]
    [InlineData("http://other:9090", null, "http://other:9090", "the MetricTemplate's provider.address")]
    [InlineData(null, "http://thanos:9090", "http://127.0.0.1:9090", "--prometheus")]
    public void A_template_address_is_mapped_and_the_spec_server_is_overridden(string? template, string? spec, string expected, string source)
    {
        Assert.Equal((expected, source), Servers.Resolve(template, spec));
    }

    [Fact]
    public void Without_override_the_spec_server_is_mapped_too()
    {
        Assert.Equal(("https://thanos.example.com", "--prometheus-map"), (Servers with { Override = null }).Resolve(null, "http://thanos:9090"));
        Assert.Equal(("http://prometheus:9090", "spec.metricsServer"), MetricsServers.None.Resolve(null, "http://prometheus:9090"));
    }

    [Theory]
    [InlineData("prometheus.istio-system:9090")]
    [InlineData("http://a:9090=")]
    [InlineData("=http://b:9090")]
    [InlineData("http://a:9090=ftp://b")]
    public void A_pair_that_is_not_two_http_urls_is_refused_with_an_example(string pair)
    {
        Assert.Null(MetricsServers.ParseMap([pair], out var error));
        Assert.StartsWith($"--prometheus-map {pair}: expected IN_CLUSTER_URL=REACHABLE_URL", error, StringComparison.Ordinal);
    }
}
