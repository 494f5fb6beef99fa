using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Graystep.Analysis.Tests.Support;

/// <summary>One webhook call as the receiver saw it.</summary>
public sealed record HookCall(string Hook, string Phase, string Body, TimeSpan At);

/// <summary>
/// A webhook receiver on 127.0.0.1 (what Flagger's load tester or an approval service would be): each hook has its
/// own path, <c>/hooks/NAME</c>, answers with the status the test sets (200 unless told), and every call is recorded.
/// </summary>
public sealed class HookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<HookCall> _calls = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private HookReceiver(WebApplication app, int port)
    {
        _app = app;
        Base = "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
    }

    public string Base { get; }

    public static async Task<HookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        HookReceiver? receiver = null;
        app.MapPost("/hooks/{name}", async (HttpContext http, string name) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            return receiver!.Handle(name, body);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new HookReceiver(app, new Uri(address).Port);
        return receiver;
    }

    public string Url(string hook) => $"{Base}/hooks/{hook}";

    /// <summary>From now on <paramref name="hook"/> answers <paramref name="status"/>.</summary>
    public void Answer(string hook, int status) => _answers[hook] = status;

    public IReadOnlyList<HookCall> Calls(string hook) => _calls.Where(c => c.Hook == hook).ToList();

    /// <summary>Waits until <paramref name="hook"/> was called at least <paramref name="count"/> times; bounded.</summary>
    public async Task WaitForCallsAsync(string hook, int count, TimeSpan timeout, Func<bool>? givingUp = null)
    {
        var clock = Stopwatch.StartNew();
        while (Calls(hook).Count < count)
        {
            if (clock.Elapsed > timeout || givingUp?.Invoke() == true)
            {
                throw new TimeoutException($"{hook} was called {Calls(hook).Count} times, not {count}, within {clock.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)}s");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private IResult Handle(string hook, string body)
    {
        var phase = string.Empty;
        try
        {
            using var json = JsonDocument.Parse(body);
            phase = json.RootElement.TryGetProperty("phase", out var p) ? p.GetString() ?? string.Empty : string.Empty;
        }
        catch (JsonException)
        {
            // Recorded as it came; the test asserts on it.
        }

        _calls.Enqueue(new HookCall(hook, phase, body, _clock.Elapsed));
        var status = _answers.GetValueOrDefault(hook, 200);
        return Results.Text(status < 300 ? string.Empty : $"{hook} says no ({status.ToString(CultureInfo.InvariantCulture)})", "text/plain", statusCode: status);
    }
}
