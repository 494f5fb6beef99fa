using System.Net;
using System.Text.Json;
using Graystep.TestKit.Http;
using Microsoft.AspNetCore.Http;

namespace Graystep.EndToEnd.Tests.Harness;

/// <summary>One webhook call as received: the hook (the URL's last segment), Flagger's payload phase, and when.</summary>
internal sealed record WebhookCall(string Hook, string Name, string Namespace, string Phase, DateTimeOffset At);

/// <summary>
/// Stands in for Flagger's load tester on 127.0.0.1: remembers every webhook call and answers 200. Each hook's URL
/// ends with its name (<c>/acceptance-test</c>, <c>/load-test</c>), so the calls say which hook ran. With a load
/// tester to forward to (the sandbox's <c>/loadtester/</c>), the <c>load-test</c> hook is passed on as it came, so its
/// <c>hey ... http://podinfo-canary.test:9898/</c> really sends requests, and the sandbox's answer is returned.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly List<WebhookCall> _calls = [];
    private readonly Lock _gate = new();
    private static readonly HttpClient Forwarder = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Uri? _loadTester;
    private LocalServer? _server;

    private WebhookReceiver(Uri? loadTester) => _loadTester = loadTester;

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

    public static async Task<WebhookReceiver> StartAsync(Uri? loadTester = null)
    {
        var receiver = new WebhookReceiver(loadTester);
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

    private async Task AnswerAsync(Microsoft.AspNetCore.Http.HttpContext context, RecordedRequest request)
    {
        var hook = request.PathAndQuery.Split('?')[0].Trim('/');
        if (request.Method != "POST" || hook.Length == 0 || hook.Contains('/', StringComparison.Ordinal))
        {
            context.Response.StatusCode = (int)HttpStatusCode.NotFound;
            return;
        }

        using var payload = JsonDocument.Parse(request.Body);
        string Text(string name) => payload.RootElement.TryGetProperty(name, out var v) ? v.GetString() ?? string.Empty : string.Empty;
        lock (_gate)
        {
            _calls.Add(new WebhookCall(hook, Text("name"), Text("namespace"), Text("phase"), TimeProvider.System.GetUtcNow()));
        }

        if (hook == "load-test" && _loadTester is not null)
        {
            using var content = new StringContent(request.Body, System.Text.Encoding.UTF8, "application/json");
            using var answer = await Forwarder.PostAsync(_loadTester, content).ConfigureAwait(false);
            context.Response.StatusCode = (int)answer.StatusCode;
            await context.Response.WriteAsync(await answer.Content.ReadAsStringAsync().ConfigureAwait(false)).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = (int)HttpStatusCode.OK;
    }
}
