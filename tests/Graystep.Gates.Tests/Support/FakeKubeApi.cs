using Graystep.TestKit.Http;
using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;

namespace Graystep.Gates.Tests.Support;

/// <summary>
/// A stand-in for the Kubernetes API server: answers GETs of the paths a test serves (Application and
/// Kustomization objects from the fixtures, which a test swaps to move an object from pending to synced), and a
/// Kubernetes <c>Status</c> 404 for anything else.
/// </summary>
public sealed class FakeKubeApi : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (int Status, string Body)> _routes = new(StringComparer.Ordinal);
    private LocalServer _server = null!;

    public string Base => _server.Base;

    public Uri BaseUri => _server.BaseUri;

    public IReadOnlyList<RecordedRequest> Requests => _server.Requests;

    public static async Task<FakeKubeApi> StartAsync(X509Certificate2? certificate = null)
    {
        var api = new FakeKubeApi();
        api._server = await LocalServer.StartAsync(api.HandleAsync, certificate);
        return api;
    }

    /// <summary>Serves a fixture file (under Fixtures/) at <paramref name="path"/>.</summary>
    public void Serve(string path, string fixture) => _routes[path] = (200, Fixtures.Read(fixture));

    public void Answer(string path, int status, string body) => _routes[path] = (status, body);

    public static string Status(int code, string reason, string message) =>
        $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"{{message.Replace("\"", "\\\"", StringComparison.Ordinal)}}","reason":"{{reason}}","code":{{code}}}""";

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context, RecordedRequest request)
    {
        var (status, body) = request.Method == "GET" && _routes.TryGetValue(request.PathAndQuery, out var route)
            ? route
            : (404, Status(404, "NotFound", "the server could not find the requested resource"));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }
}

public static class Fixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static string Read(string name) => File.ReadAllText(Path(name));

    public static IReadOnlyList<string> All() =>
        Directory.EnumerateFiles(System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures"), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
}

/// <summary>The commits the fixtures talk about.</summary>
public static class Commits
{
    /// <summary>The commit being rolled out.</summary>
    public const string Sha = "3f2a9c1d5e7b8a0c4d6e2f1a3b5c7d9e0f1a2b3c";

    /// <summary>The commit the cluster ran before.</summary>
    public const string OldSha = "9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c";

    public static readonly DateTimeOffset CommittedAt = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset At(int hour, int minute, int second) => new(2026, 1, 1, hour, minute, second, TimeSpan.Zero);
}
