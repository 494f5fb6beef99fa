using System.Net;
using System.Text;

namespace Graystep.Cli.Commands.Tests.Golden;

/// <summary>
/// The network as the golden rollouts see it: Prometheus answers every instant query with the value the scenario
/// gives for it, and every other request (a webhook) gets 200. Each request is recorded, in order.
/// </summary>
internal sealed class GoldenHttp(Func<string, string> metricValue)
{
    private readonly List<string> _seen = [];

    public IReadOnlyList<string> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    /// <summary>A fresh handler per call: the clients under test dispose the handlers they are given.</summary>
    public HttpMessageHandler CreateHandler() => new Handler(this);

    private async Task<HttpResponseMessage> AnswerAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var uri = request.RequestUri!;
        if (uri.AbsolutePath.EndsWith("/api/v1/query", StringComparison.Ordinal))
        {
            var query = Form(request.Method == HttpMethod.Get ? uri.Query.TrimStart('?') : body, "query");
            Record($"{request.Method} {uri.GetLeftPart(UriPartial.Path)} {query}");
            var value = metricValue(query);
            return Json($"{{\"status\":\"success\",\"data\":{{\"resultType\":\"vector\",\"result\":[{{\"metric\":{{}},\"value\":[1767268800,\"{value}\"]}}]}}}}");
        }

        Record($"{request.Method} {uri} {body}");
        return Json("{\"ok\":true}");
    }

    private void Record(string line)
    {
        lock (_seen)
        {
            _seen.Add(line);
        }
    }

    private static string Form(string form, string key)
    {
        foreach (var pair in form.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (Uri.UnescapeDataString(parts[0]) == key)
            {
                return Uri.UnescapeDataString(parts[1].Replace('+', ' '));
            }
        }

        return string.Empty;
    }

    private static HttpResponseMessage Json(string json) =>
        new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private sealed class Handler(GoldenHttp owner) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            owner.AnswerAsync(request, cancellationToken);
    }
}
