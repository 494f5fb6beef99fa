using System.Net;
using System.Text;

namespace Graystep.Metrics.Tests;

/// <summary>A request the fake saw: what went over the wire, read before the client disposed it.</summary>
internal sealed record SeenRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string Form(string key)
    {
        var source = Method == HttpMethod.Get ? Uri.Query.TrimStart('?') : Body;
        foreach (var pair in source.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (Uri.UnescapeDataString(parts[0]) == key)
            {
                return Uri.UnescapeDataString(parts[1].Replace('+', ' '));
            }
        }

        throw new KeyNotFoundException(key);
    }
}

/// <summary>A hand-written HTTP stack: answers each request with the responder's reply and records it.</summary>
internal sealed class FakePrometheusHandler : HttpMessageHandler
{
    private readonly List<SeenRequest> _requests = [];
    private readonly Func<SeenRequest, int, Task<HttpResponseMessage>> _responder;

    public FakePrometheusHandler(Func<SeenRequest, int, HttpResponseMessage> responder)
        : this((request, index) => Task.FromResult(responder(request, index)), true)
    {
    }

    private FakePrometheusHandler(Func<SeenRequest, int, Task<HttpResponseMessage>> responder, bool unused)
    {
        _ = unused;
        _responder = responder;
    }

    public static FakePrometheusHandler Async(Func<SeenRequest, int, Task<HttpResponseMessage>> responder) => new(responder, true);

    public IReadOnlyList<SeenRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static HttpResponseMessage Vector(params string[] values) =>
        Json("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" +
             string.Join(",", values.Select((v, i) => $"{{\"metric\":{{\"pod\":\"p{i}\"}},\"value\":[1767268800.5,\"{v}\"]}}")) + "]}}");

    public static HttpResponseMessage Scalar(string value) =>
        Json($"{{\"status\":\"success\",\"data\":{{\"resultType\":\"scalar\",\"result\":[1767268800.5,\"{value}\"]}}}}");

    public static HttpResponseMessage Error(HttpStatusCode status, string errorType, string error) =>
        Json($"{{\"status\":\"error\",\"errorType\":\"{errorType}\",\"error\":\"{error}\"}}", status);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var seen = new SeenRequest(request.Method, request.RequestUri!, headers, body);
        int index;
        lock (_requests)
        {
            index = _requests.Count;
            _requests.Add(seen);
        }

        // A real handler aborts when the request is cancelled (the client's timeout); so does this one.
        return await _responder(seen, index).WaitAsync(cancellationToken);
    }
}
