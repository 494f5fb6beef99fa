using Graystep.Sandbox.Cluster;
using Graystep.Sandbox.Traffic;

namespace Graystep.Sandbox.Routing;

/// <summary>
/// Where a route sends a request: a Service (or Istio subset) and the workloads that back it. <see cref="Version"/>
/// is the version the selector or subset names; the version that serves a request is the picked pod's.
/// </summary>
internal sealed record Backend(string Namespace, string Service, string? Version, IReadOnlyList<Workload> Endpoints, string Port)
{
    public int PodCount => Endpoints.Sum(e => e.Pods.Count);

    /// <summary>kube-proxy's choice: every pod of every selected workload equally likely.</summary>
    public (Workload Workload, string Pod)? PickPod(Prng rng)
    {
        var total = PodCount;
        if (total == 0)
        {
            return null;
        }

        var n = rng.NextInt(total);
        foreach (var workload in Endpoints)
        {
            if (n < workload.Pods.Count)
            {
                return (workload, workload.Pods[n]);
            }

            n -= workload.Pods.Count;
        }

        return null;
    }
}

/// <summary>
/// The routing decision for one request. No <see cref="Backend"/> means the proxy answered itself with
/// <see cref="Status"/> (404 no route, 500 all weights zero).
/// </summary>
internal sealed record RouteDecision(Backend? Backend, int Status, bool MatchedAb, string NginxCanary, IReadOnlyList<Backend> Mirrors)
{
    /// <summary>A <c>Set-Cookie</c> the proxy adds to the answer (Istio's <c>headers.response.add</c> of the destination).</summary>
    public string? SetCookie { get; init; }

    public static RouteDecision NoRoute { get; } = new(null, 404, false, string.Empty, []);

    public static RouteDecision To(Backend backend, bool matchedAb = false, string nginxCanary = "", IReadOnlyList<Backend>? mirrors = null) =>
        new(backend, 200, matchedAb, nginxCanary, mirrors ?? []);
}

internal interface IAppRouter
{
    RouteDecision Route(SimRequest request, Prng rng);
}

/// <summary>One destination of a rule, for /sandbox/state.</summary>
internal sealed record DestinationView(string Service, string? Version, double Weight);

/// <summary>One rule of an app's routing table, for /sandbox/state.</summary>
internal sealed record RouteView(IReadOnlyList<string> Match, IReadOnlyList<DestinationView> Destinations, DestinationView? Mirror);

/// <summary>An app the simulated cluster routes traffic to: one routing object (or Service) and its backends.</summary>
internal sealed record RoutedApp(
    string Namespace,
    string Name,
    ISandboxRouter Provider,
    string Service,
    string? Ingress,
    string Target,
    IAppRouter Router,
    IReadOnlyList<AbAlternative> AbAlternatives,
    string? Stable,
    IReadOnlyList<string> Canaries,
    IReadOnlyList<RouteDecision> LoadTestDecisions,
    IReadOnlyList<RouteView> Routes,
    string Source)
{
    public string Key => $"{Namespace}/{Name}";

    /// <summary>Percent of plain (non-A/B) traffic per version in the default rule.</summary>
    public IReadOnlyDictionary<string, double> Weights
    {
        get
        {
            var defaultRoute = Routes.LastOrDefault(r => r.Match.Count == 0) ?? Routes.LastOrDefault();
            var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
            if (defaultRoute is null)
            {
                return result;
            }

            var total = defaultRoute.Destinations.Sum(d => d.Weight);
            foreach (var d in defaultRoute.Destinations)
            {
                var key = d.Version ?? d.Service;
                result[key] = (result.TryGetValue(key, out var w) ? w : 0) + (total > 0 ? Math.Round(d.Weight * 100 / total, 2) : 0);
            }

            return result;
        }
    }
}

/// <summary>Picks one of several weighted options; weights need not sum to 100.</summary>
internal static class Weighted
{
    public static T? Pick<T>(IReadOnlyList<(T Item, double Weight)> options, Prng rng)
        where T : class
    {
        var total = options.Sum(o => Math.Max(0, o.Weight));
        if (total <= 0)
        {
            return null;
        }

        var x = rng.NextDouble() * total;
        foreach (var (item, weight) in options)
        {
            if (weight <= 0)
            {
                continue;
            }

            if (x < weight)
            {
                return item;
            }

            x -= weight;
        }

        return options.Last(o => o.Weight > 0).Item;
    }
}
