using System.Globalization;
using Graystep.Sandbox.Traffic;
using Microsoft.AspNetCore.Http;

namespace Graystep.Sandbox.Routing;

/// <summary>
/// <c>GET /sandbox/route?app=ns/name&amp;path=/x&amp;header=name:value&amp;count=100</c>: what the simulated proxies do with
/// one kind of request (a path, a method, headers), tallied over <c>count</c> tries without serving or counting it
/// in the metrics. It shows that a user's own routes (a redirect, a fault, a match) route as written.
/// </summary>
internal static class RouteProbe
{
    /// <summary>Bounded: a probe is a question, not a load test.</summary>
    public const int MaxCount = 10_000;

    public static IResult Route(IReadOnlyList<RoutedApp> apps, IQueryCollection query)
    {
        var key = query["app"].ToString();
        if (apps.FirstOrDefault(a => a.Key == key) is not { } app)
        {
            return Results.Text($"no routed app {key}; apps: {string.Join(", ", apps.Select(a => a.Key))}\n", statusCode: 404);
        }

        var count = query["count"].ToString() is { Length: > 0 } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= MaxCount ? n : -1
            : 1;
        if (count < 0)
        {
            return Results.Text($"count must be a number from 1 to {MaxCount}\n", statusCode: 400);
        }

        // One request, read once: the routers only read it, and each try draws its own weights.
        var request = new SimRequest(0, abUser: false)
        {
            Path = query["path"].ToString() is { Length: > 0 } path ? path : "/",
            Method = query["method"].ToString() is { Length: > 0 } method ? method : "GET",
        };
        foreach (var header in query["header"])
        {
            var colon = header?.IndexOf(':', StringComparison.Ordinal) ?? -1;
            if (colon <= 0)
            {
                return Results.Text("a header is name:value\n", statusCode: 400);
            }

            request.Headers[header![..colon].Trim()] = header[(colon + 1)..].Trim();
        }

        var statuses = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var versions = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var rng = new Prng(0x5EED_0F_0B0E);
        for (var i = 0; i < count; i++)
        {
            var decision = app.Router.Route(request, rng);
            var status = decision.Backend is null ? decision.Status : 200;
            Add(statuses, status.ToString(CultureInfo.InvariantCulture));
            if (decision.Backend is { } backend)
            {
                Add(versions, backend.Version ?? backend.Service);
            }
        }

        return Results.Json(new { app = app.Key, count, statuses, versions });
    }

    private static void Add(SortedDictionary<string, int> tally, string key) => tally[key] = tally.GetValueOrDefault(key) + 1;
}
