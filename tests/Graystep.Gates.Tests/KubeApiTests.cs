using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Graystep.Core.Errors;
using Graystep.Core.Gates;
using Graystep.Core.Spec;
using Graystep.Gates.Sync;
using Graystep.Gates.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Gates.Tests;

/// <summary>Where the sync gates find the Kubernetes API and which credentials they send.</summary>
public sealed class KubeApiTests : IAsyncLifetime
{
    private const string AppPath = "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/reviews";
    private const string TokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token";
    private const string CaFile = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";

    private readonly SocketsHttpHandler _handler = new();
    private readonly FakeTimeProvider _time = new(Commits.At(12, 5, 0));
    private FakeKubeApi _api = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeKubeApi.StartAsync();
        _api.Serve(AppPath, "argocd/application-synced.json");
    }

    public async Task DisposeAsync()
    {
        _handler.Dispose();
        await _api.DisposeAsync();
    }

    private Task<SyncObservation> Observe(KubeSettings kube, FakeFileSystem? files = null, string? server = null, HttpMessageHandler? handler = null) =>
        SyncGates.Create(() => handler ?? _handler, _time, kube, files ?? new FakeFileSystem())
            .ObserveAsync(ReviewsSpecs.Reviews(new SyncSpec { Kind = "argocd", Server = server }), Commits.Sha, Commits.CommittedAt, CancellationToken.None);

    [Fact]
    public async Task Sends_the_token_from_the_environment_before_the_service_account_token()
    {
        var files = new FakeFileSystem().Add(TokenFile, "sa-token\n");

        await Observe(new KubeSettings { Token = "env-token" }, files, _api.Base);
        await Observe(new KubeSettings(), files, _api.Base);
        await Observe(new KubeSettings(), new FakeFileSystem(), _api.Base);

        Assert.Equal(["Bearer env-token", "Bearer sa-token", null], _api.Requests.Select(r => r.Header("authorization")));
    }

    [Fact]
    public async Task Reads_the_service_account_token_at_every_call_because_it_rotates()
    {
        var files = new FakeFileSystem().Add(TokenFile, "first");
        await Observe(new KubeSettings(), files, _api.Base);
        files.Add(TokenFile, "rotated");
        await Observe(new KubeSettings(), files, _api.Base);

        Assert.Equal(["Bearer first", "Bearer rotated"], _api.Requests.Select(r => r.Header("authorization")));
    }

    [Fact]
    public async Task The_spec_s_server_wins_over_the_environment()
    {
        var dead = $"http://127.0.0.1:{FreePort.Next()}";

        Assert.IsType<SyncObservation.Synced>(await Observe(new KubeSettings { Server = dead }, server: _api.Base));
        Assert.IsType<SyncObservation.Synced>(await Observe(new KubeSettings { Server = _api.Base }));
    }

    [Theory]
    [InlineData("10.96.0.1", "443", "https://10.96.0.1/")]
    [InlineData("10.96.0.1", "6443", "https://10.96.0.1:6443/")]
    [InlineData("fd00:10:96::1", "443", "https://[fd00:10:96::1]/")]
    public void Finds_the_in_cluster_api_server(string host, string port, string expected)
    {
        var kube = new KubeSettings { ServiceHost = host, ServicePort = port };
        var client = new KubeApiClient(() => _handler, kube, new FakeFileSystem());

        Assert.Equal(new Uri(expected), client.Resolve(new SyncSpec { Kind = "argocd" }).Server);
    }

    [Fact]
    public async Task Without_any_api_server_says_where_to_set_one()
    {
        var error = await Assert.ThrowsAsync<GraystepException>(() => Observe(new KubeSettings()));

        Assert.Equal("sync.kind argocd reads the Kubernetes API, but no API server is configured", error.Message);
        Assert.Equal("use a kubeconfig (--kubeconfig, KUBECONFIG or ~/.kube/config, its context chosen with --context or sync.context), set sync.server or GRAYSTEP_KUBE_API, or run inside the cluster", error.Hint);
        Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
    }

    [Fact]
    public async Task A_server_that_is_not_a_url_is_an_invalid_spec()
    {
        var error = await Assert.ThrowsAsync<GraystepException>(() => Observe(new KubeSettings(), server: "kubernetes.default.svc"));

        Assert.Equal("sync.server 'kubernetes.default.svc' is not an http(s) URL of a Kubernetes API server", error.Message);
        Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
    }

    [Fact]
    public async Task In_the_cluster_trusts_the_service_account_ca_and_sends_its_token()
    {
        using var serverCertificate = SelfSignedCertificate();
        await using var api = await FakeKubeApi.StartAsync(serverCertificate);
        api.Serve(AppPath, "argocd/application-synced.json");
        var environment = new KubeSettings { ServiceHost = "127.0.0.1", ServicePort = api.BaseUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var files = new FakeFileSystem().Add(TokenFile, "sa-token").Add(CaFile, serverCertificate.ExportCertificatePem());
        using var handler = KubeApiHandler.Create(environment, files);

        var observation = await Observe(environment, files, handler: handler);

        Assert.Equal(new SyncObservation.Synced(Commits.At(12, 0, 41)), observation);
        Assert.Equal("Bearer sa-token", Assert.Single(api.Requests).Header("authorization"));
    }

    [Fact]
    public async Task Refuses_an_api_server_whose_certificate_the_cluster_ca_did_not_sign()
    {
        using var serverCertificate = SelfSignedCertificate();
        using var otherCa = SelfSignedCertificate();
        await using var api = await FakeKubeApi.StartAsync(serverCertificate);
        api.Serve(AppPath, "argocd/application-synced.json");
        var environment = new KubeSettings { ServiceHost = "127.0.0.1", ServicePort = api.BaseUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var files = new FakeFileSystem().Add(TokenFile, "sa-token").Add(CaFile, otherCa.ExportCertificatePem());
        using var handler = KubeApiHandler.Create(environment, files);

        var observation = await Observe(environment, files, handler: handler);

        var pending = Assert.IsType<SyncObservation.Pending>(observation);
        Assert.StartsWith($"cannot reach the Kubernetes API at https://127.0.0.1:{api.BaseUri.Port}: TLS handshake failed", pending.Reason, StringComparison.Ordinal);
        Assert.Empty(api.Requests);
    }

    /// <summary>A certificate for 127.0.0.1 that is its own CA, as a cluster CA would sign the API server's.</summary>
    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=kube-apiserver", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("kubernetes.default.svc");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(1));

        // Kestrel on Linux needs the key in an exportable, persisted form.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
