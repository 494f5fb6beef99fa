using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Graystep.TestKit.Http;

/// <summary>A request as the server saw it.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

/// <summary>
/// The one HTTP server of the tests: Kestrel on 127.0.0.1 and a port the OS picks, so parallel tests never race for
/// one, stopped (bounded) on disposal. Fakes of GitHub, Prometheus exporters, webhook receivers and the Kubernetes API
/// are all a handler on it.
/// </summary>
public sealed class LocalServer : IAsyncDisposable
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private LocalServer(WebApplication app)
    {
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.Single()
            ?? throw new InvalidOperationException("Kestrel reported no address");
        BaseUri = new Uri(address);
    }

    /// <summary>The base URL, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>The base URL without a trailing slash, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Base => BaseUri.ToString().TrimEnd('/');

    public int Port => BaseUri.Port;

    /// <summary>Requests seen so far, oldest first (only for a server started with a recording handler).</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public Uri Url(string path) => new(Base + path);

    /// <summary>A server that records every request (body read whole) before <paramref name="handler"/> answers it.</summary>
    public static async Task<LocalServer> StartAsync(Func<HttpContext, RecordedRequest, Task> handler, X509Certificate2? certificate = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        LocalServer? server = null;
        server = await StartAsync(
            async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
                var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
                var request = new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body);
                server!._requests.Enqueue(request);
                await handler(context, request).ConfigureAwait(false);
            },
            certificate).ConfigureAwait(false);
        return server;
    }

    /// <summary>A server that hands every request to <paramref name="handler"/> as it streams in (git's smart HTTP).</summary>
    public static async Task<LocalServer> StartAsync(RequestDelegate handler, X509Certificate2? certificate = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return new LocalServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(StopBound);
        await _app.StopAsync(stop.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
