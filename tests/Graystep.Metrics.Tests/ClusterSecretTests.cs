using System.Text;
using Graystep.Core.Analysis;
using Graystep.Core.Errors;
using Graystep.Gates.Sync;
using Graystep.Metrics.Prometheus;
using Graystep.TestKit;
using Graystep.TestKit.Http;

namespace Graystep.Metrics.Tests;

/// <summary>
/// A MetricTemplate's secretRef read from the cluster, through a kubeconfig and the real Kubernetes client, from a
/// TLS API stand-in: Flagger's keys, base64 data, masked; the GRAYSTEP_SECRET_* variables still win; clear errors.
/// </summary>
public sealed class ClusterSecretTests : IAsyncLifetime, IDisposable
{
    private const string SecretPath = "/api/v1/namespaces/bookinfo/secrets/prom-auth";
    private static readonly Uri Address = new("http://prometheus.test:9090");
    private static readonly MetricConnection Connection = new() { SecretName = "prom-auth", SecretNamespace = "bookinfo" };

    private readonly TempDirectory _folder = new("secretref");
    private readonly List<string> _revealed = [];
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private readonly FakePrometheusHandler _prometheus = new((_, _) => FakePrometheusHandler.Vector("1"));
    private TlsKubeApi _api = null!;

    public async Task InitializeAsync()
    {
        _api = await TlsKubeApi.StartAsync();
        _api.Tokens["ci-token"] = true;
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    public void Dispose()
    {
        _prometheus.Dispose();
        _folder.Dispose();
    }

    private PrometheusProvider Provider(KubeSettings? kube = null)
    {
        var config = _folder.Combine("config");
        File.WriteAllText(config, $$"""
            apiVersion: v1
            kind: Config
            current-context: ci
            clusters:
            - name: prod
              cluster: {server: {{_api.Base}}, certificate-authority-data: {{_api.CaData}}}
            users:
            - name: ci
              user: {token: ci-token}
            contexts:
            - name: ci
              context: {cluster: prod, user: ci}
            """);
        var api = new KubeApiClient(() => throw new InvalidOperationException("the kubeconfig cluster has its own stack"), kube ?? new KubeSettings { Kubeconfig = config }, new Rendering.IO.PhysicalFileSystem());
        var secrets = new KubeSecrets(api, _revealed.Add);
        return new PrometheusProvider(() => new NonDisposing(_prometheus), delay: (_, _) => Task.CompletedTask)
        {
            SecretVariables = name => _environment.GetValueOrDefault(name),
            Reveal = _revealed.Add,
            ClusterSecrets = secrets.ReadAsync,
        };
    }

    private void Secret(params (string Key, string Value)[] data) => _api.Serve(
        SecretPath,
        """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"prom-auth","namespace":"bookinfo"},"type":"Opaque","data":{"""
        + string.Join(',', data.Select(d => $"\"{d.Key}\":\"{Convert.ToBase64String(Encoding.UTF8.GetBytes(d.Value))}\""))
        + "}}");

    [Fact]
    public async Task Reads_the_token_from_the_secret_once_and_masks_every_value()
    {
        Secret(("token", "prom-token-1\n"), ("note", "also-secret"));
        using var provider = Provider();

        await provider.QueryAsync(Address, "up", CancellationToken.None, Connection);
        await provider.QueryAsync(Address, "up", CancellationToken.None, Connection);
        await provider.QueryAsync(Address, "up", CancellationToken.None, Connection);

        Assert.Equal(SecretPath, Assert.Single(_api.Requests).Path);
        Assert.All(_prometheus.Requests, r => Assert.Equal("Bearer prom-token-1", r.Headers["Authorization"]));
        Assert.Contains("prom-token-1", _revealed);
        Assert.Contains("also-secret", _revealed);
    }

    [Fact]
    public async Task Basic_credentials_and_the_address_come_from_flaggers_keys()
    {
        Secret(("username", "graystep"), ("password", "pw-secret-1"), ("address", "https://thanos.example.com"));
        using var provider = Provider();

        await provider.QueryAsync(Address, "up", CancellationToken.None, Connection);

        var request = Assert.Single(_prometheus.Requests);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("graystep:pw-secret-1")), request.Headers["Authorization"]);
        Assert.Equal("thanos.example.com", request.Uri.Host);
    }

    [Fact]
    public async Task The_pipeline_s_variables_win_and_the_cluster_is_not_asked()
    {
        Secret(("token", "from-cluster"));
        _environment["GRAYSTEP_SECRET_PROM_AUTH_TOKEN"] = "from-env";
        using var provider = Provider();

        await provider.QueryAsync(Address, "up", CancellationToken.None, Connection);

        Assert.Equal("Bearer from-env", Assert.Single(_prometheus.Requests).Headers["Authorization"]);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task Without_cluster_access_the_environment_message_is_unchanged()
    {
        using var provider = Provider(new KubeSettings());

        var error = await Assert.ThrowsAsync<MetricQueryException>(() => provider.QueryAsync(Address, "up", CancellationToken.None, Connection));

        Assert.StartsWith("the MetricTemplate's secretRef prom-auth holds nothing here: set GRAYSTEP_SECRET_PROM_AUTH_TOKEN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_without_flaggers_keys_names_the_keys_it_has_but_not_their_values()
    {
        Secret(("apiKey", "not-a-flagger-key"));
        using var provider = Provider();

        var error = await Assert.ThrowsAsync<MetricQueryException>(() => provider.QueryAsync(Address, "up", CancellationToken.None, Connection));

        Assert.Equal("the Secret bookinfo/prom-auth (the MetricTemplate's secretRef) has none of Flagger's keys: token, bearerToken, username and password, or address (it has apiKey)", error.Message);
        Assert.Empty(_prometheus.Requests);
    }

    [Fact]
    public async Task Forbidden_names_the_rbac_rule_to_grant_and_missing_names_the_secret()
    {
        _api.Refuse(SecretPath, 403, "Forbidden", "secrets \\\"prom-auth\\\" is forbidden: User \\\"ci\\\" cannot get resource \\\"secrets\\\" in the namespace \\\"bookinfo\\\"");
        using var forbidden = Provider();
        var denied = await Assert.ThrowsAsync<GraystepException>(() => forbidden.QueryAsync(Address, "up", CancellationToken.None, Connection));

        await _api.DisposeAsync();
        _api = await TlsKubeApi.StartAsync();
        _api.Tokens["ci-token"] = true;
        using var missing = Provider();
        var notFound = await Assert.ThrowsAsync<GraystepException>(() => missing.QueryAsync(Address, "up", CancellationToken.None, Connection));

        Assert.StartsWith("the Kubernetes API at https://127.0.0.1:", denied.Message, StringComparison.Ordinal);
        Assert.Contains("forbids reading Secret bookinfo/prom-auth (403 Forbidden)", denied.Message, StringComparison.Ordinal);
        Assert.Equal("grant the identity behind the token 'get' on secrets in namespace bookinfo (a Role with apiGroups: [\"\"], resources: [secrets], resourceNames: [prom-auth], verbs: [get]); or set its keys as GRAYSTEP_SECRET_* variables in the pipeline's environment", denied.Hint);
        Assert.Equal($"Secret bookinfo/prom-auth not found at {_api.Base}: the MetricTemplate's secretRef names it; create it in namespace bookinfo", notFound.Message);
        Assert.StartsWith("create the Secret, or set its keys in the pipeline's environment instead (e.g. GRAYSTEP_SECRET_PROM_AUTH_TOKEN)", notFound.Hint, StringComparison.Ordinal);
        Assert.Empty(_prometheus.Requests);
    }

    /// <summary>The provider disposes its stack; the test's handler must outlive it.</summary>
    private sealed class NonDisposing(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override void Dispose(bool disposing)
        {
        }
    }
}
