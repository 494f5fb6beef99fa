using Graystep.Core.Spec;

namespace Graystep.Core.Providers;

/// <summary>
/// What one traffic provider (a mesh, an ingress controller, the Gateway API, plain Services) can do, as data. Each
/// router registers its descriptor with its renderer; the binder's checks, the name tables, JSON output, the metrics
/// and the sandbox all read it, so nothing outside the router's own folder names a provider.
/// </summary>
public sealed record TrafficProvider
{
    /// <summary>What <c>spec.provider</c> says, and what JSON output and history show: <c>istio</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Other spellings Flagger accepts for the same provider: <c>gatewayapi:v1</c>.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The strategies it can run. Flagger derives the strategy from the analysis block.</summary>
    public required IReadOnlySet<Strategy> Strategies { get; init; }

    /// <summary>What it cannot do, said in a few words after "provider X, which ...": shown when a strategy is refused.</summary>
    public string? Limitation { get; init; }

    /// <summary>How A/B <c>analysis.match</c> conditions can be expressed; null when A/B testing is not supported.</summary>
    public MatchSupport? Match { get; init; }

    /// <summary>
    /// True when an <c>analysis.match</c> can carry the canary's weights (Flagger's match with stepWeights): the
    /// requests that match are split by the weight, every other request stays on stable.
    /// </summary>
    public bool WeightedMatch { get; init; }

    /// <summary>True when the provider splits traffic at an Ingress, which the spec must name or the templates must hold.</summary>
    public bool NeedsIngress { get; init; }

    /// <summary>True when the provider's routes attach to Gateways that the spec must name (<c>service.gatewayRefs</c>).</summary>
    public bool NeedsGatewayRefs { get; init; }

    /// <summary>
    /// True when a canary weight is a share of the pods behind one Service rather than a routed percentage: the
    /// weights become replica counts out of the target's replicas (plain Kubernetes).
    /// </summary>
    public bool SplitsByReplicas { get; init; }

    /// <summary>Flagger's built-in checks for this provider, as PromQL templates (Flagger's <c>pkg/metrics/observers</c>).</summary>
    public required BuiltinQueries Queries { get; init; }

    public bool Supports(Strategy strategy) => Strategies.Contains(strategy);

    /// <summary>True when <paramref name="name"/> is the id or one of the aliases.</summary>
    public bool IsNamed(string name) =>
        string.Equals(name, Id, StringComparison.Ordinal) || Aliases.Contains(name, StringComparer.Ordinal);
}

/// <summary>The A/B conditions a provider can route on, and its limits.</summary>
public sealed record MatchSupport
{
    /// <summary>How a header can be compared. Flagger expresses a cookie as the <c>cookie</c> header.</summary>
    public required IReadOnlySet<StringMatchKind> Headers { get; init; }

    /// <summary>How a query parameter can be compared; empty when the provider cannot route on query parameters.</summary>
    public required IReadOnlySet<StringMatchKind> QueryParams { get; init; }

    /// <summary>How the <c>cookie</c> header can be compared, when that differs from other headers; null when it does not.</summary>
    public IReadOnlySet<StringMatchKind>? Cookies { get; init; }

    /// <summary>How the provider reads a cookie condition, shown when one is refused: "matches a cookie by name (canary-by-cookie)".</summary>
    public string? CookieRule { get; init; }

    /// <summary>True when a suffix is best written as a regex for this provider (the refusal then shows the regex).</summary>
    public bool SuffixAsRegex { get; init; }

    /// <summary>The most header and cookie conditions the whole match list may hold; null for no limit.</summary>
    public int? MaxHeaders { get; init; }

    public int? MaxCookies { get; init; }

    /// <summary>The limits in words, shown when they are exceeded: "one header and one cookie condition (canary-by-header, canary-by-cookie)".</summary>
    public string? LimitsText { get; init; }

    public bool HasLimits => MaxHeaders is not null || MaxCookies is not null;
}

/// <summary>
/// The query templates of Flagger's two built-in metrics. <c>request-success-rate</c> is the percentage of non-5xx
/// requests; <c>request-duration</c> is the P99 in milliseconds. They use the MetricTemplate variables.
/// </summary>
public sealed record BuiltinQueries(string RequestSuccessRate, string RequestDuration)
{
    public const string SuccessRateName = "request-success-rate";
    public const string DurationName = "request-duration";

    public static IReadOnlyList<string> Names { get; } = [SuccessRateName, DurationName];

    public static bool IsBuiltin(string name) => name is SuccessRateName or DurationName;

    /// <summary>
    /// Per-version counter queries for the sequential judge; null when the provider has none. Rendered once with
    /// <c>{{ target }}</c> set to the canary's workload and once with the stable's.
    /// </summary>
    public CounterQueries? Counters { get; init; }

    /// <summary>The template of a built-in metric; null for any other name.</summary>
    public string? For(string name) => name switch
    {
        SuccessRateName => RequestSuccessRate,
        DurationName => RequestDuration,
        _ => null,
    };
}

/// <summary>
/// The counters the sequential judge compares, as PromQL templates over <c>[{{ interval }}]</c> (the judged window):
/// one set for the canary and one for the stable version (the same text for providers that tell versions apart by
/// <c>{{ target }}</c>). <c>{{ variables.slow_le }}</c> is the histogram bucket bound of a slow request, in
/// milliseconds when <see cref="BucketsInMilliseconds"/>, else in seconds.
/// </summary>
public sealed record CounterQueries(VersionCounterQueries Canary, VersionCounterQueries Stable, bool BucketsInMilliseconds)
{
    public const string SlowBucketVariable = "slow_le";

    public VersionCounterQueries For(bool canary) => canary ? Canary : Stable;
}

/// <summary>One version's counters: requests and 5xx errors; requests observed by the latency histogram and those slower than the bucket.</summary>
public sealed record VersionCounterQueries(string Requests, string Errors, string Observed, string Slow);
