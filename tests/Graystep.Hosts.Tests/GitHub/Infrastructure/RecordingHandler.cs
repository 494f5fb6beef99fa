using Graystep.Hosts.GitHub;
using System.Net;
using System.Text;

namespace Graystep.Hosts.Tests.GitHub.Infrastructure;

public sealed record CapturedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body)
{
    /// <summary>Path and query relative to https://api.github.com, as the description names them.</summary>
    public string PathAndQuery => Uri.PathAndQuery;

    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : string.Empty;
}

/// <summary>
/// A hand-written GitHub: it captures every request the client sends and answers from a script, in order. An
/// unscripted request fails the test.
/// </summary>
public sealed class RecordingHandler : HttpMessageHandler
{
    private readonly Queue<Func<CapturedRequest, HttpResponseMessage>> _answers = new();
    private readonly List<CapturedRequest> _requests = [];

    public IReadOnlyList<CapturedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    public RecordingHandler Answer(int status, string body = "", IReadOnlyDictionary<string, string>? headers = null) =>
        Answer(_ => Response(status, body, headers));

    public RecordingHandler Answer(Func<CapturedRequest, HttpResponseMessage> answer)
    {
        lock (_requests)
        {
            _answers.Enqueue(answer);
        }

        return this;
    }

    public static HttpResponseMessage Response(int status, string body = "", IReadOnlyDictionary<string, string>? headers = null)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status);
        if (status != 204)
        {
            response.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(", ", values);
        }

        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        if (request.Content is not null)
        {
            foreach (var (name, values) in request.Content.Headers)
            {
                headers[name] = string.Join(", ", values);
            }
        }

        var captured = new CapturedRequest(request.Method, request.RequestUri!, headers, body);
        Func<CapturedRequest, HttpResponseMessage> answer;
        lock (_requests)
        {
            _requests.Add(captured);
            if (!_answers.TryDequeue(out answer!))
            {
                throw new InvalidOperationException($"unscripted request: {request.Method} {request.RequestUri}");
            }
        }

        return answer(captured);
    }
}
