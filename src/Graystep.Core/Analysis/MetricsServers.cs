namespace Graystep.Core.Analysis;

/// <summary>
/// Where the queries go from a CI runner outside the cluster: <c>--prometheus</c> replaces <c>spec.metricsServer</c>,
/// and <c>--prometheus-map IN_CLUSTER=REACHABLE</c> replaces an address a MetricTemplate or the spec names (a Flagger
/// template's <c>http://prometheus.istio-system:9090</c>) with one the runner can reach.
/// </summary>
public sealed record MetricsServers
{
    public static MetricsServers None { get; } = new();

    /// <summary><c>--prometheus</c>: used in place of <c>spec.metricsServer</c> and for templates without an address.</summary>
    public Uri? Override { get; init; }

    /// <summary><c>--prometheus-map</c>: addresses as written (without a trailing slash) to the ones to query.</summary>
    public IReadOnlyDictionary<string, Uri> Map { get; init; } = new Dictionary<string, Uri>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The address to query, and which setting gave it (for messages).</summary>
    public (string? Text, string Source) Resolve(string? templateAddress, string? specServer)
    {
        if (templateAddress is not null)
        {
            return Map.TryGetValue(Key(templateAddress), out var mapped)
                ? (mapped.OriginalString, "--prometheus-map")
                : (templateAddress, "the MetricTemplate's provider.address");
        }

        if (Override is not null)
        {
            return (Override.OriginalString, "--prometheus");
        }

        return specServer is not null && Map.TryGetValue(Key(specServer), out var server)
            ? (server.OriginalString, "--prometheus-map")
            : (specServer, "spec.metricsServer");
    }

    /// <summary>
    /// The address to query as <paramref name="provider"/> accepts it, or null with why not (none given, or not a URL
    /// the provider queries): one rule for the checks, the template counters and the judge's counters.
    /// </summary>
    public Uri? Address(string? templateAddress, string? specServer, IMetricProvider provider, out string? error)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var (text, source) = Resolve(templateAddress, specServer);
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "no Prometheus address: set spec.metricsServer or pass --prometheus";
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var address) || !provider.IsValidAddress(address))
        {
            error = $"{source} is not an http(s) URL: use http://host:port";
            return null;
        }

        error = null;
        return address;
    }

    /// <summary>Parses <c>FROM=TO</c> pairs; null with the reason when one is not two http(s) URLs.</summary>
    public static IReadOnlyDictionary<string, Uri>? ParseMap(IEnumerable<string> pairs, out string? error)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        error = null;
        var map = new Dictionary<string, Uri>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !IsHttp(pair[..eq], out _) || !IsHttp(pair[(eq + 1)..], out var to))
            {
                error = $"--prometheus-map {pair}: expected IN_CLUSTER_URL=REACHABLE_URL, two http(s) URLs such as http://prometheus.istio-system:9090=http://127.0.0.1:9090";
                return null;
            }

            map[Key(pair[..eq])] = to!;
        }

        return map;
    }

    private static string Key(string url) => url.Trim().TrimEnd('/');

    private static bool IsHttp(string text, out Uri? uri) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out uri) && uri.Scheme is "http" or "https";
}

/// <summary>
/// How to reach one MetricTemplate's provider beyond its address: its extra headers, the Secret its credentials come
/// from (read from the environment, as <c>GRAYSTEP_SECRET_&lt;NAME&gt;_&lt;KEY&gt;</c>, else from the cluster), and whether TLS is verified.
/// </summary>
public sealed record MetricConnection
{
    public static MetricConnection Default { get; } = new();

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary><c>provider.secretRef.name</c>.</summary>
    public string? SecretName { get; init; }

    /// <summary>The namespace of the Secret: the MetricTemplate's, as in Flagger.</summary>
    public string SecretNamespace { get; init; } = "default";

    public bool InsecureSkipVerify { get; init; }

    /// <summary>A key for a client cache: equal connections share one client.</summary>
    public string Key => string.Join('\n', Headers.Select(h => h.Key + ":" + h.Value)) + "\n" + SecretNamespace + "/" + SecretName + "\n" + InsecureSkipVerify;

    /// <summary>The environment variable that holds a key of the Secret (Flagger's keys: address, username, password, token, bearerToken).</summary>
    public static string SecretVariable(string secretName, string key) =>
        "GRAYSTEP_SECRET_" + new string([.. secretName.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_')]) + "_" + key.ToUpperInvariant();
}
