using Graystep.Core.Analysis;
using Graystep.Core.Providers;
using Graystep.Core.Reports;

namespace Graystep.Metrics.Prometheus;

/// <summary>
/// Prometheus as a metric provider (<c>provider.type: prometheus</c>, Flagger's default): instant queries through
/// <see cref="PrometheusClient"/>, one client per address for the provider's life. The bearer token comes from
/// <c>--prometheus-token</c> (<c>GRAYSTEP_PROMETHEUS_TOKEN</c>) and is never printed.
/// </summary>
public sealed class PrometheusProvider : IMetricProvider, IMetricRangeQuery, IReadsSecrets, IDisposable
{
    public const string Type = "prometheus";

    private readonly Func<HttpMessageHandler> _handler;
    private readonly PrometheusClientOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<TimeSpan, CancellationToken, Task>? _delay;
    private readonly Dictionary<(Uri, string), PrometheusClient> _clients = [];
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ClusterSecret?> _secrets = new(StringComparer.Ordinal);

    /// <summary>The keys Flagger reads from a provider's Secret.</summary>
    private static readonly string[] FlaggerKeys = ["address", "username", "password", "token", "bearerToken"];
    private HttpMessageHandler? _shared;
    private HttpMessageHandler? _insecure;

    /// <param name="handler">Makes the HTTP stack on first use; the provider disposes it.</param>
    /// <param name="delay">Waits between retries; tests pass one that returns at once.</param>
    public PrometheusProvider(Func<HttpMessageHandler> handler, PrometheusClientOptions? options = null, TimeProvider? time = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
        _options = options ?? new PrometheusClientOptions();
        _time = time ?? TimeProvider.System;
        _delay = delay;
    }

    /// <summary>
    /// Reads a MetricTemplate's <c>secretRef</c> keys (<see cref="MetricConnection.SecretVariable"/>); null: no
    /// template may name a Secret. The runner cannot read cluster Secrets, so the pipeline passes them this way.
    /// </summary>
    public Func<string, string?>? SecretVariables { get; init; }

    /// <summary>
    /// Reads a Secret's data (namespace, name) from the cluster, for a template whose secretRef has no
    /// <c>GRAYSTEP_SECRET_*</c> variable set; answers null when the runner has no cluster access. Null: never.
    /// The reader masks every value it returns (<c>KubeSecrets</c> does, before anything else sees it).
    /// </summary>
    public Func<string, string, CancellationToken, Task<IReadOnlyDictionary<string, string>?>>? ClusterSecrets { get; init; }

    /// <summary>Told every credential read from <see cref="SecretVariables"/> or the cluster, so that it is masked in all output.</summary>
    public Action<string>? Reveal { get; init; }

    /// <summary>Makes the HTTP stack for a template with <c>insecureSkipVerify: true</c>; null: such templates fail.</summary>
    public Func<HttpMessageHandler>? InsecureHandler { get; init; }

    /// <summary><c>--prometheus-token</c>: sent as <c>Authorization: Bearer</c> to every Prometheus the spec names.</summary>
    public static SecretSetting Token { get; } = new("--prometheus-token", ["GRAYSTEP_PROMETHEUS_TOKEN"], "Bearer token for Prometheus; never printed");

    public string Id => Type;

    public string Name => "Prometheus";

    public IReadOnlyList<SecretSetting> Secrets => [Token];

    public bool IsSupported(string input) => string.Equals(input, Type, StringComparison.Ordinal);

    public bool IsValidAddress(Uri address) => PrometheusClient.IsValidAddress(address);

    public async Task<MetricReading> QueryAsync(Uri address, string query, CancellationToken cancellationToken, MetricConnection? connection = null)
    {
        connection ??= MetricConnection.Default;
        var answer = await Client(address, connection, await ClusterSecretAsync(connection, cancellationToken).ConfigureAwait(false)).QueryAsync(query, cancellationToken).ConfigureAwait(false);
        return answer.Value is double value ? MetricReading.Of(value) : MetricReading.NoData(answer.NoDataReason ?? "no data");
    }

    public async Task<IReadOnlyList<SeriesPoint>> QueryRangeAsync(Uri address, string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken, MetricConnection? connection = null)
    {
        // A PrometheusException is a MetricQueryException: the caller shows its message.
        connection ??= MetricConnection.Default;
        var points = await Client(address, connection, await ClusterSecretAsync(connection, cancellationToken).ConfigureAwait(false)).QueryRangeAsync(query, start, end, step, cancellationToken).ConfigureAwait(false);
        return [.. points.Select(p => new SeriesPoint(p.Time, p.Value))];
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var client in _clients.Values)
            {
                client.Dispose();
            }

            _clients.Clear();
            _shared?.Dispose();
            _insecure?.Dispose();
        }
    }

    /// <summary>
    /// The Secret's data from the cluster, read once per process: null when the template names none, when a
    /// <c>GRAYSTEP_SECRET_*</c> variable of it is set (the pipeline's explicit choice wins), or without cluster access.
    /// </summary>
    private async Task<ClusterSecret?> ClusterSecretAsync(MetricConnection connection, CancellationToken cancellationToken)
    {
        if (connection.SecretName is not { } name || ClusterSecrets is null || FlaggerKeys.Any(key => !string.IsNullOrEmpty(SecretVariables?.Invoke(MetricConnection.SecretVariable(name, key)))))
        {
            return null;
        }

        var id = connection.SecretNamespace + "/" + name;
        lock (_gate)
        {
            if (_secrets.TryGetValue(id, out var known))
            {
                return known;
            }
        }

        var data = await ClusterSecrets(connection.SecretNamespace, name, cancellationToken).ConfigureAwait(false);
        var secret = data is null ? null : new ClusterSecret(id, data);
        lock (_gate)
        {
            _secrets[id] = secret;
        }

        return secret;
    }

    private PrometheusClient Client(Uri address, MetricConnection connection, ClusterSecret? cluster)
    {
        lock (_gate)
        {
            if (!_clients.TryGetValue((address, connection.Key), out var client))
            {
                var (options, target) = For(connection, address, cluster);
                HttpMessageHandler handler;
                if (connection.InsecureSkipVerify)
                {
                    handler = _insecure ??= InsecureHandler?.Invoke()
                        ?? throw new MetricQueryException("insecureSkipVerify is not available here; give the CA through SSL_CERT_FILE instead");
                }
                else
                {
                    handler = _shared ??= _handler();
                }

                client = new PrometheusClient(target, handler, options, _time, _delay);
                _clients.Add((address, connection.Key), client);
            }

            return client;
        }
    }

    /// <summary>The options for a template's connection: its headers, and the credentials its Secret holds (Flagger's keys).</summary>
    private (PrometheusClientOptions Options, Uri Address) For(MetricConnection connection, Uri address, ClusterSecret? cluster)
    {
        if (connection.Headers.Count == 0 && connection.SecretName is null)
        {
            return (_options, address);
        }

        var headers = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in _options.Headers.Concat(connection.Headers))
        {
            headers[name] = value;
        }

        var options = _options with { Headers = headers };
        if (connection.SecretName is not { } secret)
        {
            return (options, address);
        }

        string? Read(string key)
        {
            var value = cluster is not null ? cluster.Data.GetValueOrDefault(key) : SecretVariables?.Invoke(MetricConnection.SecretVariable(secret, key));
            if (!string.IsNullOrEmpty(value))
            {
                Reveal?.Invoke(value);
            }

            return string.IsNullOrEmpty(value) ? null : value;
        }

        var token = Read("token") ?? Read("bearerToken");
        var (username, password) = (Read("username"), Read("password"));
        var secretAddress = Read("address");
        if (cluster is not null && token is null && (username is null || password is null) && secretAddress is null)
        {
            throw new MetricQueryException(
                $"the Secret {cluster.Id} (the MetricTemplate's secretRef) has none of Flagger's keys: token, bearerToken, username and password, or address" +
                (cluster.Data.Count == 0 ? " (it is empty)" : $" (it has {string.Join(", ", cluster.Data.Keys.Order(StringComparer.Ordinal))})"));
        }

        if (token is null && (username is null || password is null) && secretAddress is null)
        {
            throw new MetricQueryException(
                $"the MetricTemplate's secretRef {secret} holds nothing here: set {MetricConnection.SecretVariable(secret, "token")}, or " +
                $"{MetricConnection.SecretVariable(secret, "username")} and {MetricConnection.SecretVariable(secret, "password")}, in the pipeline's environment");
        }

        if (secretAddress is not null && !(Uri.TryCreate(secretAddress, UriKind.Absolute, out var fromSecret) && PrometheusClient.IsValidAddress(fromSecret)))
        {
            throw new MetricQueryException(cluster is not null
                ? $"the address in the Secret {cluster.Id} is not an http(s) URL"
                : $"{MetricConnection.SecretVariable(secret, "address")} is not an http(s) URL");
        }

        // The Secret's credentials replace --prometheus-token for this template: a token, or basic authentication.
        var basic = token is null && username is not null && password is not null;
        return (options with { BearerToken = basic ? null : token ?? options.BearerToken, Username = basic ? username : null, Password = basic ? password : null },
            secretAddress is null ? address : new Uri(secretAddress));
    }

    /// <summary>A Secret's data as read from the cluster (values decoded), and its namespace/name for messages.</summary>
    private sealed record ClusterSecret(string Id, IReadOnlyDictionary<string, string> Data);
}
