using Graystep.Core.Providers;

namespace Graystep.Rendering.Routing;

/// <summary>Builds a provider's per-version counter queries for the sequential judge from its metric names and selectors.</summary>
internal static class CounterTemplates
{
    /// <param name="requests">The request counter, e.g. <c>istio_requests_total</c>.</param>
    /// <param name="selector">Its label selector without braces, using <c>{{ target }}</c> where the version is chosen.</param>
    /// <param name="statusLabel">The label holding the HTTP status code.</param>
    /// <param name="histogram">The latency histogram's name without <c>_bucket</c>.</param>
    /// <param name="histogramSelector">The histogram's label selector without braces.</param>
    public static VersionCounterQueries Version(string requests, string selector, string statusLabel, string histogram, string histogramSelector)
    {
        string Sum(string metric, string labels) => $"sum(increase({metric}{{{labels}}}[{{{{ interval }}}}]))";
        var observed = Sum(histogram + "_bucket", histogramSelector + ", le=\"+Inf\"");
        var within = Sum(histogram + "_bucket", histogramSelector + ", le=\"{{ variables." + CounterQueries.SlowBucketVariable + " }}\"");
        return new VersionCounterQueries(
            Sum(requests, selector),
            Sum(requests, selector + ", " + statusLabel + "=~\"5.*\""),
            observed,
            observed + " - " + within);
    }

    /// <summary>The Kubernetes app metrics (<c>http_requests_total</c> by pod), for Gateway API and plain Services.</summary>
    public static CounterQueries App { get; } = Same(Version(
        "http_requests_total",
        "namespace=\"{{ namespace }}\", pod=~\"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)\"",
        "status",
        "http_request_duration_seconds",
        "namespace=\"{{ namespace }}\", pod=~\"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)\""), milliseconds: false);

    public static CounterQueries Same(VersionCounterQueries queries, bool milliseconds) => new(queries, queries, milliseconds);
}
