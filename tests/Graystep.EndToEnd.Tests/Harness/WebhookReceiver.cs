using System.Net;
using System.Text.Json;
using Graystep.TestKit.Http;

namespace Graystep.EndToEnd.Tests.Harness;

/// <summary>One webhook call as received: the hook (the URL's last segment), Flagger's payload phase, and when.</summary>
internal sealed record WebhookCall(string Hook, string Name, string Namespace, string Phase, DateTimeOffset At);

/// <summary>
/// Stands in for Flagger's load tester on 127.0.0.1: answers every webhook with 200 and remembers the call. Each
/// hook's URL ends with its name (<c>/acceptance-test</c>, <c>/load-test</c>), so the calls say which hook ran.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly List<WebhookCall> _calls = [];
    private readonly Lock _gate = new();
    private LocalServer? _server;

    private WebhookReceiver()
    {
    }

    public Uri Address => new(_server!.Base);

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
        var receiver = new WebhookReceiver();
        receiver._server = await LocalServer.StartAsync(receiver.AnswerAsync).ConfigureAwait(false);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Task AnswerAsync(Microsoft.AspNetCore.Http.HttpContext context, RecordedRequest request)
    {
        var hook = request.PathAndQuery.Split('?')[0].Trim('/');
        if (request.Method != "POST" || hook.Length == 0 || hook.Contains('/', StringComparison.Ordinal))
        {
            context.Response.StatusCode = (int)HttpStatusCode.NotFound;
            return Task.CompletedTask;
        }

        using var payload = JsonDocument.Parse(request.Body);
        string Text(string name) => payload.RootElement.TryGetProperty(name, out var v) ? v.GetString() ?? string.Empty : string.Empty;
        lock (_gate)
        {
            _calls.Add(new WebhookCall(hook, Text("name"), Text("namespace"), Text("phase"), TimeProvider.System.GetUtcNow()));
        }

        context.Response.StatusCode = (int)HttpStatusCode.OK;
        return Task.CompletedTask;
    }
}
