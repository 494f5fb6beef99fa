using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Graystep.TestKit.Http;

/// <summary>What the stand-in saw of one request: the path, the Authorization header, and the client certificate's CN.</summary>
public sealed record KubeApiRequest(string Path, string? Authorization, string? ClientName);

/// <summary>
/// A Kubernetes API server stand-in that speaks TLS only, as a real one does: its own CA (made in-process) signs its
/// certificate for 127.0.0.1 and the client certificates a test issues. A request is let in with a token it accepts
/// or a client certificate its CA signed whose CN it accepts; otherwise it answers 401 as the API server does.
/// </summary>
public sealed class TlsKubeApi : IAsyncDisposable
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (int Status, string Body)> _objects = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<KubeApiRequest> _requests = new();
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _server;

    private TlsKubeApi(WebApplication app, X509Certificate2 ca, X509Certificate2 server)
    {
        _app = app;
        _ca = ca;
        _server = server;
    }

    /// <summary>e.g. <c>https://127.0.0.1:41234</c>.</summary>
    public string Base { get; private set; } = string.Empty;

    /// <summary>The CA as PEM, and base64 as a kubeconfig's certificate-authority-data holds it.</summary>
    public string CaPem => _ca.ExportCertificatePem();

    public string CaData => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(CaPem));

    /// <summary>Bearer tokens let in.</summary>
    public ConcurrentDictionary<string, bool> Tokens { get; } = new(StringComparer.Ordinal);

    /// <summary>Client certificate CNs let in.</summary>
    public ConcurrentDictionary<string, bool> ClientNames { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<KubeApiRequest> Requests => [.. _requests];

    /// <param name="requireClientCertificate">The TLS handshake itself fails without a client certificate.</param>
    public static async Task<TlsKubeApi> StartAsync(bool requireClientCertificate = false)
    {
        var ca = Authority();
        var server = Issue(ca, "kube-apiserver", serverAuth: true);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = server;
            https.ClientCertificateMode = requireClientCertificate ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.AllowCertificate;

            // The chain is checked per request against this CA, so a stranger's certificate gets a 401, not a reset.
            https.ClientCertificateValidation = (_, _, _) => true;
        })));
        var app = builder.Build();
        var api = new TlsKubeApi(app, ca, server);
        app.Run(api.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        api.Base = address.TrimEnd('/');
        return api;
    }

    /// <summary>Answers GET <paramref name="path"/> with <paramref name="json"/>.</summary>
    public void Serve(string path, string json) => _objects[path] = (200, json);

    /// <summary>Answers GET <paramref name="path"/> (once let in) with a Kubernetes Status of <paramref name="code"/>.</summary>
    public void Refuse(string path, int code, string reason, string message) => _objects[path] = (code, Status(code, reason, message));

    /// <summary>A client certificate and key this CA signed, as PEM.</summary>
    public (string Certificate, string Key) IssueClient(string commonName)
    {
        using var client = Issue(_ca, commonName, serverAuth: false);
        using var key = client.GetRSAPrivateKey()!;
        return (client.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>A client certificate from another CA, with the CN the stand-in accepts: it must still be refused.</summary>
    public static (string Certificate, string Key) IssueStranger(string commonName)
    {
        using var other = Authority();
        using var client = Issue(other, commonName, serverAuth: false);
        using var key = client.GetRSAPrivateKey()!;
        return (client.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(StopBound);
        await _app.StopAsync(stop.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _server.Dispose();
        _ca.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString() is { Length: > 0 } header ? header : null;
        var certificate = context.Connection.ClientCertificate;
        var clientName = certificate is not null && SignedByCa(certificate) ? certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) : null;
        var path = context.Request.Path + context.Request.QueryString;
        _requests.Enqueue(new KubeApiRequest(path, authorization, clientName));

        var admitted = (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.Ordinal) && Tokens.ContainsKey(authorization[7..]))
            || (clientName is not null && ClientNames.ContainsKey(clientName));
        var (status, body) = !admitted ? (401, Status(401, "Unauthorized", "Unauthorized"))
            : context.Request.Method == "GET" && _objects.TryGetValue(path, out var answer) ? answer
            : (404, Status(404, "NotFound", "the server could not find the requested resource"));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body).ConfigureAwait(false);
    }

    private bool SignedByCa(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static string Status(int code, string reason, string message) =>
        $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"{{message}}","reason":"{{reason}}","code":{{code}}}""";

    private static X509Certificate2 Authority()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=graystep-test-cluster-ca", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = TimeProvider.System.GetUtcNow();
        using var ca = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(2));
        return X509CertificateLoader.LoadPkcs12(ca.Export(X509ContentType.Pkcs12), null);
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string commonName, bool serverAuth)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("kubernetes.default.svc");
            request.CertificateExtensions.Add(names.Build());
        }

        var now = TimeProvider.System.GetUtcNow();
        var serial = new byte[12];
        RandomNumberGenerator.Fill(serial);
        using var issued = request.Create(ca, now.AddDays(-1), now.AddDays(1), serial);
        using var withKey = issued.CopyWithPrivateKey(key);

        // Kestrel on Linux needs the key in an exportable, persisted form.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
