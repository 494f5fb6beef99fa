using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Graystep.Hosts.AzureRepos.Api;

/// <summary>One request, with what an error needs to be specific: what it does in the user's words.</summary>
internal sealed record AzureCall(HttpMethod Method, string Path, string Operation, string? Body = null, string? Subject = null);

/// <summary>An answer read whole.</summary>
internal sealed record AzureResponse(HttpStatusCode StatusCode, string ReasonPhrase, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public int Code => (int)StatusCode;

    public AzureError Error
    {
        get
        {
            try
            {
                return JsonSerializer.Deserialize(Body, AzureJson.Default.AzureError) ?? new AzureError(null, null, null);
            }
            catch (JsonException)
            {
                return new AzureError(null, null, null);
            }
        }
    }
}

/// <summary>
/// The transport under the typed calls: the repository's REST base, <c>api-version=7.1</c> on every call, the
/// token in the Authorization header only, and throttling (429/503 with <c>Retry-After</c> or
/// <c>X-RateLimit-Reset</c>) waited out through <see cref="TimeProvider"/>, within bounds.
/// </summary>
internal sealed class AzureReposApiClient : IDisposable
{
    public const string ApiVersion = "7.1";

    private static readonly string UserAgent =
        "graystep/" + (typeof(AzureReposApiClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            .Split('+')[0] ?? "0.0.0");

    private readonly HttpClient _http;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxWait;
    private readonly int _maxRetries;

    public AzureReposApiClient(AzureReposRepository repository, AuthenticationHeaderValue authorization, HttpMessageHandler handler, TimeProvider time, TimeSpan maxWait, int maxRetries)
    {
        Repository = repository;
        RepoBase = new Uri(repository.CollectionUrl, $"{Uri.EscapeDataString(repository.Project)}/_apis/git/repositories/{Uri.EscapeDataString(repository.Name)}/");
        _authorization = authorization;
        _time = time;
        _maxWait = maxWait;
        _maxRetries = maxRetries;
        _http = new HttpClient(handler, disposeHandler: false);
    }

    public AzureReposRepository Repository { get; }

    /// <summary><c>{collection}/{project}/_apis/git/repositories/{repository}/</c>.</summary>
    public Uri RepoBase { get; }

    public async Task<AzureResponse> SendAsync(AzureCall call, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await SendOnceAsync(call, cancellationToken).ConfigureAwait(false);
            if (response.Code is not (429 or 503))
            {
                return response;
            }

            var now = _time.GetUtcNow();
            var wait = Throttling.Wait(response, now, attempt);
            if (wait > _maxWait || attempt >= _maxRetries)
            {
                throw AzureReposErrors.Throttled(call, response, wait, now, _maxWait, Repository);
            }

            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<T> ReadAsync<T>(AzureCall call, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var response = await SendAsync(call, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw AzureReposErrors.From(call, response, Repository);
        }

        return Parse(call, response, type);
    }

    /// <summary>Every item of a <c>$top</c>/<c>$skip</c> paged list (pull requests), up to a bound.</summary>
    public async Task<List<T>> ReadAllAsync<T>(AzureCall call, JsonTypeInfo<AzureList<T>> type, CancellationToken cancellationToken)
    {
        const int Page = 100;
        const int MaxPages = 50;
        var items = new List<T>();
        for (var page = 0; page < MaxPages; page++)
        {
            var separator = call.Path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var paged = call with { Path = string.Create(CultureInfo.InvariantCulture, $"{call.Path}{separator}$top={Page}&$skip={page * Page}") };
            var list = await ReadAsync(paged, type, cancellationToken).ConfigureAwait(false);
            items.AddRange(list.Value);
            if (list.Value.Count < Page)
            {
                return items;
            }
        }

        throw new AzureReposApiException($"Azure DevOps returned more than {Page * MaxPages} items to {call.Operation}; Graystep stops there", statusCode: null);
    }

    public static string Serialize<T>(T body, JsonTypeInfo<T> type) => JsonSerializer.Serialize(body, type);

    public T Parse<T>(AzureCall call, AzureResponse response, JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(response.Body, type) ?? throw new JsonException("empty body");
        }
        catch (JsonException e)
        {
            throw new AzureReposApiException(
                $"Azure DevOps's answer to {call.Operation} is not the JSON Graystep expects ({e.Message}); does the remote URL (or --azure-url) name an Azure DevOps collection?",
                response.StatusCode,
                null,
                e);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The absolute URL of a call: relative to the repository's base, with <c>api-version</c> added.</summary>
    internal Uri Url(AzureCall call)
    {
        var relative = call.Path;
        var separator = relative.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return new Uri(RepoBase, relative + separator + "api-version=" + ApiVersion);
    }

    private async Task<AzureResponse> SendOnceAsync(AzureCall call, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(call.Method, Url(call));
        request.Headers.Authorization = _authorization;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.ParseAdd(UserAgent);
        if (call.Body is not null)
        {
            request.Content = new StringContent(call.Body, Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new AzureReposApiException(
                $"cannot reach Azure DevOps at {Repository.CollectionUrl.GetLeftPart(UriPartial.Authority)} to {call.Operation}: {e.Message}",
                null,
                "Check the network, the remote URL and --azure-url (Azure DevOps Server: the collection URL, e.g. https://tfs.example.com/tfs/DefaultCollection).",
                e);
        }

        using (response)
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                headers[name] = string.Join(", ", values);
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return new AzureResponse(response.StatusCode, response.ReasonPhrase ?? string.Empty, headers, body);
        }
    }
}

/// <summary>
/// Azure DevOps throttling, as its rate-limit documentation describes it: a 429 (or a 503 from an overloaded
/// service) with <c>Retry-After</c> seconds, or <c>X-RateLimit-Reset</c> (epoch seconds) when the budget is used up;
/// without either, a doubling back-off from 5 s.
/// </summary>
internal static class Throttling
{
    private static readonly TimeSpan BaseWait = TimeSpan.FromSeconds(5);

    public static TimeSpan Wait(AzureResponse response, DateTimeOffset now, int attempt)
    {
        if (response.Header("retry-after") is { } retry)
        {
            if (long.TryParse(retry.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (DateTimeOffset.TryParseExact(retry.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                return date > now ? date - now : TimeSpan.Zero;
            }
        }

        if (long.TryParse(response.Header("x-ratelimit-reset"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var reset))
        {
            var at = DateTimeOffset.FromUnixTimeSeconds(reset);
            return at > now ? at - now + TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(1);
        }

        return BaseWait * Math.Pow(2, Math.Min(attempt, 6));
    }

    public static string Format(TimeSpan duration)
    {
        var seconds = (long)Math.Ceiling(duration.TotalSeconds);
        return seconds >= 60
            ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}m{seconds % 60:00}s")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds}s");
    }
}
