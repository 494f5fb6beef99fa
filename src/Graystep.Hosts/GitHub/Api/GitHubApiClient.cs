using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Graystep.Hosts.GitHub.Api;

/// <summary>
/// The transport under the typed calls: headers, rate-limit waits through <see cref="TimeProvider"/>, pagination
/// by <c>Link</c> headers, and JSON. It never puts the token anywhere but the Authorization header.
/// </summary>
internal sealed partial class GitHubApiClient : IDisposable
{
    public const string ApiVersion = "2022-11-28";
    private const int MaxPages = 100;
    private const int MaxServerErrorRetries = 2;

    private static readonly string UserAgent =
        "graystep/" + (typeof(GitHubApiClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            .Split('+')[0] ?? "0.0.0");

    private readonly HttpClient _http;
    private readonly Uri _apiBase;
    private readonly string _token;
    private readonly GitHubRepository _repository;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxWait;
    private readonly int _maxRetries;

    public GitHubApiClient(
        Uri apiBase,
        string token,
        GitHubRepository repository,
        HttpMessageHandler handler,
        TimeProvider time,
        TimeSpan maxRateLimitWait,
        int maxRateLimitRetries)
    {
        // Relative paths resolve under the base, including GHES's /api/v3.
        _apiBase = apiBase.AbsoluteUri.EndsWith('/') ? apiBase : new Uri(apiBase.AbsoluteUri + "/");
        _token = token;
        _repository = repository;
        _time = time;
        _maxWait = maxRateLimitWait;
        _maxRetries = maxRateLimitRetries;
        _http = new HttpClient(handler, disposeHandler: false);
    }

    public Uri ApiBase => _apiBase;

    /// <summary><c>repos/{owner}/{repo}/</c>, escaped, relative to the API base.</summary>
    public string RepoPath => $"repos/{Uri.EscapeDataString(_repository.Owner)}/{Uri.EscapeDataString(_repository.Name)}/";

    public async Task<GitHubResponse> SendAsync(GitHubCall call, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await SendOnceAsync(call, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            if (RateLimits.Classify(response, now, attempt) is { } limit)
            {
                if (limit.Wait > _maxWait || attempt >= _maxRetries)
                {
                    throw GitHubErrors.RateLimited(call, limit, now, _maxWait, retriesExhausted: limit.Wait <= _maxWait);
                }

                await Task.Delay(limit.Wait, _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            // Reads are safe to repeat after a gateway hiccup; writes are not retried blindly.
            if (call.Method == HttpMethod.Get && response.Code is 502 or 503 or 504 && attempt < MaxServerErrorRetries)
            {
                await Task.Delay(TimeSpan.FromSeconds(2 << attempt), _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return response;
        }
    }

    public async Task<T> ReadAsync<T>(GitHubCall call, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var response = await SendAsync(call, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw GitHubErrors.From(call, response, _repository);
        }

        return Parse(call, response, type);
    }

    /// <summary>Every page of a list, following <c>rel="next"</c> links on the API's own origin only.</summary>
    public async Task<List<T>> ReadAllPagesAsync<T>(GitHubCall call, JsonTypeInfo<List<T>> type, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        var page = call;
        for (var pages = 0; ; pages++)
        {
            var response = await SendAsync(page, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw GitHubErrors.From(page, response, _repository);
            }

            items.AddRange(Parse(page, response, type));
            var next = NextLink(response.Header("link"));
            if (next is null)
            {
                return items;
            }

            if (pages + 1 >= MaxPages)
            {
                throw new GitHubApiException($"GitHub returned more than {MaxPages} pages to {call.Operation}; Graystep stops there", statusCode: null);
            }

            var nextUri = new Uri(_apiBase, next);
            if (Uri.Compare(nextUri, _apiBase, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
            {
                // Never send the token to a host other than the API's.
                throw new GitHubApiException(
                    $"GitHub's next-page link to {call.Operation} points at {nextUri.GetLeftPart(UriPartial.Authority)}, not the API; Graystep does not follow it",
                    statusCode: null);
            }

            page = call with { AbsoluteUrl = nextUri };
        }
    }

    public static string Serialize<T>(T body, JsonTypeInfo<T> type) => JsonSerializer.Serialize(body, type);

    public T Parse<T>(GitHubCall call, GitHubResponse response, JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(response.Body, type)
                ?? throw new JsonException("empty body");
        }
        catch (JsonException e)
        {
            throw new GitHubApiException(
                $"GitHub's answer to {call.Operation} is not the JSON Graystep expects ({e.Message}); is GITHUB_API_URL pointing at a GitHub API?",
                response.StatusCode,
                null,
                e);
        }
    }

    /// <summary>The <c>rel="next"</c> target of an RFC 8288 <c>Link</c> header, or null.</summary>
    internal static string? NextLink(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        foreach (Match link in LinkValue().Matches(header))
        {
            var rels = link.Groups["rel"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (rels.Contains("next", StringComparer.OrdinalIgnoreCase))
            {
                return link.Groups["url"].Value;
            }
        }

        return null;
    }

    public void Dispose() => _http.Dispose();

    private async Task<GitHubResponse> SendOnceAsync(GitHubCall call, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(call.Method, call.AbsoluteUrl ?? new Uri(_apiBase, call.Path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        request.Headers.Add("X-GitHub-Api-Version", ApiVersion);
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
            throw new GitHubApiException(
                $"cannot reach the GitHub API at {_apiBase.GetLeftPart(UriPartial.Authority)} to {call.Operation}: {e.Message}",
                null,
                "Check the network and GITHUB_API_URL (GitHub Enterprise Server: https://HOST/api/v3).",
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
            return new GitHubResponse(response.StatusCode, response.ReasonPhrase ?? string.Empty, headers, body);
        }
    }

    [GeneratedRegex("""<(?<url>[^>]*)>[^,<]*?;\s*rel="?(?<rel>[^";,]*)"?""")]
    private static partial Regex LinkValue();
}
