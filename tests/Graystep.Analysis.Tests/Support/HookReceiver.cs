using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Graystep.TestKit.Http;
using Microsoft.AspNetCore.Http;

namespace Graystep.Analysis.Tests.Support;

/// <summary>One webhook call as the receiver saw it.</summary>
public sealed record HookCall(string Hook, string Phase, string Body, TimeSpan At);

/// <summary>
/// A webhook receiver on 127.0.0.1 (what Flagger's load tester or an approval service would be): each hook has its
/// own path, <c>/hooks/NAME</c>, answers with the status the test sets (200 unless told), and every call is recorded.
/// </summary>
public sealed class HookReceiver : IAsyncDisposable
{
    private const string Prefix = "/hooks/";

    private readonly ConcurrentDictionary<string, int> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<HookCall> _calls = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private LocalServer? _server;

    private HookReceiver()
    {
    }

    public string Base => _server!.Base;

    public static async Task<HookReceiver> StartAsync()
    {
        var receiver = new HookReceiver();
        receiver._server = await LocalServer.StartAsync(receiver.HandleAsync);
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
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context, RecordedRequest request)
    {
        var path = request.PathAndQuery.Split('?')[0];
        if (request.Method != "POST" || !path.StartsWith(Prefix, StringComparison.Ordinal) || path.Length == Prefix.Length)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var hook = path[Prefix.Length..];
        var body = request.Body;
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
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(status < 300 ? string.Empty : $"{hook} says no ({status.ToString(CultureInfo.InvariantCulture)})", Encoding.UTF8);
    }
}
