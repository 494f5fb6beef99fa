using Graystep.Hosts.GitHub;
using System.Text.Json;
using Graystep.TestKit;

namespace Graystep.Hosts.Tests.GitHub.Infrastructure;

/// <summary>One recorded exchange from npm @octokit/fixtures (scenarios/api.github.com/NAME/normalized-fixture.json).</summary>
public sealed record RecordedExchange(string Method, string Path, string? RequestBody, int Status, string ResponseBody, IReadOnlyDictionary<string, string> Headers);

internal static class OctokitFixtures
{
    public static IReadOnlyList<RecordedExchange> Scenario(string name)
    {
        var file = Path.Combine(RepoPaths.Root, "tests", "js", "node_modules", "@octokit", "fixtures", "scenarios", "api.github.com", name, "normalized-fixture.json");
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        return document.RootElement.EnumerateArray().Select(e => new RecordedExchange(
            e.GetProperty("method").GetString()!.ToUpperInvariant(),
            e.GetProperty("path").GetString()!,
            e.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.Object ? body.GetRawText() : null,
            e.GetProperty("status").GetInt32(),
            e.TryGetProperty("response", out var response) && response.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? response.GetRawText() : string.Empty,
            e.TryGetProperty("headers", out var headers)
                ? headers.EnumerateObject().ToDictionary(h => h.Name, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)
                : new Dictionary<string, string>())).ToList();
    }

    /// <summary>The recorded answer, with the headers the host reads (Link, rate limits) and no transport ones.</summary>
    public static HttpResponseMessage Replay(RecordedExchange exchange)
    {
        var keep = exchange.Headers
            .Where(h => h.Key is "link" or "retry-after" or "x-accepted-github-permissions" || h.Key.StartsWith("x-ratelimit", StringComparison.Ordinal))
            .ToDictionary(h => h.Key, h => h.Value);
        return RecordingHandler.Response(exchange.Status, exchange.ResponseBody, keep);
    }
}
