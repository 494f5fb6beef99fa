using System.Text;
using Graystep.Core.Analysis;
using Graystep.Metrics.Prometheus;

namespace Graystep.Metrics.Tests;

/// <summary>
/// A MetricTemplate's connection: its headers and the credentials of its secretRef, read from
/// <c>GRAYSTEP_SECRET_&lt;NAME&gt;_&lt;KEY&gt;</c>, are sent with its queries only; every value read is revealed for masking.
/// </summary>
public sealed class TemplateConnectionTests
{
    private static readonly Uri Address = new("http://prometheus.test:9090");

    [Fact]
    public async Task Basic_credentials_and_headers_go_with_the_templates_queries_only()
    {
        using var handler = new FakePrometheusHandler((_, _) => FakePrometheusHandler.Vector("1"));
        var revealed = new List<string>();
        var env = new Dictionary<string, string>
        {
            ["GRAYSTEP_SECRET_PROM_AUTH_USERNAME"] = "graystep",
            ["GRAYSTEP_SECRET_PROM_AUTH_PASSWORD"] = "pw-secret-1",
        };
        using var provider = new PrometheusProvider(() => new NonDisposing(handler), new PrometheusClientOptions { BearerToken = "global-token" }, delay: (_, _) => Task.CompletedTask)
        {
            SecretVariables = name => env.GetValueOrDefault(name),
            Reveal = revealed.Add,
        };
        var connection = new MetricConnection { SecretName = "prom-auth", Headers = [new("X-Scope-OrgID", "team-a")] };

        await provider.QueryAsync(Address, "up", CancellationToken.None, connection);
        await provider.QueryAsync(Address, "up", CancellationToken.None);

        var (templated, plain) = (handler.Requests[0], handler.Requests[1]);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("graystep:pw-secret-1")), templated.Headers["Authorization"]);
        Assert.Equal("team-a", templated.Headers["X-Scope-OrgID"]);
        Assert.Equal("Bearer global-token", plain.Headers["Authorization"]);
        Assert.False(plain.Headers.ContainsKey("X-Scope-OrgID"));
        Assert.Equal(["graystep", "pw-secret-1"], revealed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_token_wins_over_the_global_one_and_an_address_key_redirects()
    {
        using var handler = new FakePrometheusHandler((_, _) => FakePrometheusHandler.Vector("1"));
        var env = new Dictionary<string, string>
        {
            ["GRAYSTEP_SECRET_THANOS_BEARERTOKEN"] = "thanos-token-1",
            ["GRAYSTEP_SECRET_THANOS_ADDRESS"] = "https://thanos.example.com",
        };
        using var provider = new PrometheusProvider(() => new NonDisposing(handler), new PrometheusClientOptions { BearerToken = "global-token" }, delay: (_, _) => Task.CompletedTask)
        {
            SecretVariables = name => env.GetValueOrDefault(name),
        };

        await provider.QueryAsync(Address, "up", CancellationToken.None, new MetricConnection { SecretName = "thanos" });

        Assert.Equal("Bearer thanos-token-1", handler.Requests[0].Headers["Authorization"]);
        Assert.Equal("thanos.example.com", handler.Requests[0].Uri.Host);
    }

    [Fact]
    public async Task A_secret_with_nothing_in_the_environment_fails_the_query_and_names_the_variables()
    {
        using var handler = new FakePrometheusHandler((_, _) => FakePrometheusHandler.Vector("1"));
        using var provider = new PrometheusProvider(() => new NonDisposing(handler), delay: (_, _) => Task.CompletedTask) { SecretVariables = _ => null };

        var error = await Assert.ThrowsAsync<MetricQueryException>(() =>
            provider.QueryAsync(Address, "up", CancellationToken.None, new MetricConnection { SecretName = "prom-auth" }));

        Assert.Equal(
            "the MetricTemplate's secretRef prom-auth holds nothing here: set GRAYSTEP_SECRET_PROM_AUTH_TOKEN, or GRAYSTEP_SECRET_PROM_AUTH_USERNAME and GRAYSTEP_SECRET_PROM_AUTH_PASSWORD, in the pipeline's environment",
            error.Message);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Insecure_skip_verify_uses_its_own_http_stack_for_that_template_only()
    {
        using var verified = new FakePrometheusHandler((_, _) => FakePrometheusHandler.Vector("1"));
        using var insecure = new FakePrometheusHandler((_, _) => FakePrometheusHandler.Vector("2"));
        using var provider = new PrometheusProvider(() => new NonDisposing(verified), delay: (_, _) => Task.CompletedTask)
        {
            InsecureHandler = () => new NonDisposing(insecure),
        };

        var skipped = await provider.QueryAsync(Address, "up", CancellationToken.None, new MetricConnection { InsecureSkipVerify = true });
        var normal = await provider.QueryAsync(Address, "up", CancellationToken.None);

        Assert.Equal((2.0, 1.0), (skipped.Value, normal.Value));
        Assert.Single(insecure.Requests);
        Assert.Single(verified.Requests);
    }

    /// <summary>The provider disposes its stack; the test keeps the fake to read its requests.</summary>
    private sealed class NonDisposing(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override void Dispose(bool disposing)
        {
        }
    }
}
