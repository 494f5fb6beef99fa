using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Graystep.EndToEnd.Tests.Harness;

/// <summary>One webhook call as received: the hook (the URL's last segment), Flagger's payload phase, and when.</summary>
internal sealed record WebhookCall(string Hook, string Name, string Namespace, string Phase, DateTimeOffset At);

/// <summary>
/// Stands in for Flagger's load tester on 127.0.0.1: answers every webhook with 200 and remembers the call. Each
/// hook's URL ends with its name (<c>/acceptance-test</c>, <c>/load-test</c>), so the calls say which hook ran.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<WebhookCall> _calls = [];
    private readonly Lock _gate = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = new("http://127.0.0.1:0");

    public IReadOnlyList<WebhookCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{hook}", async (string hook, HttpContext http) =>
        {
            using var payload = await JsonDocument.ParseAsync(http.Request.Body).ConfigureAwait(false);
            string Text(string name) => payload.RootElement.TryGetProperty(name, out var v) ? v.GetString() ?? string.Empty : string.Empty;
            lock (receiver._gate)
            {
                receiver._calls.Add(new WebhookCall(hook, Text("name"), Text("namespace"), Text("phase"), TimeProvider.System.GetUtcNow()));
            }

            return Results.Ok();
        });
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Address = new Uri(address.TrimEnd('/'));
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
