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
    private readonly Dictionary<Uri, PrometheusClient> _clients = [];
    private readonly Lock _gate = new();
    private HttpMessageHandler? _shared;

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

    /// <summary><c>--prometheus-token</c>: sent as <c>Authorization: Bearer</c> to every Prometheus the spec names.</summary>
    public static SecretSetting Token { get; } = new("--prometheus-token", ["GRAYSTEP_PROMETHEUS_TOKEN"], "Bearer token for Prometheus; never printed");

    public string Id => Type;

    public string Name => "Prometheus";

    public IReadOnlyList<SecretSetting> Secrets => [Token];

    public bool IsSupported(string input) => string.Equals(input, Type, StringComparison.Ordinal);

    public bool IsValidAddress(Uri address) => PrometheusClient.IsValidAddress(address);

    public async Task<MetricReading> QueryAsync(Uri address, string query, CancellationToken cancellationToken)
    {
        var answer = await Client(address).QueryAsync(query, cancellationToken).ConfigureAwait(false);
        return answer.Value is double value ? MetricReading.Of(value) : MetricReading.NoData(answer.NoDataReason ?? "no data");
    }

    public async Task<IReadOnlyList<SeriesPoint>> QueryRangeAsync(Uri address, string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
    {
        // A PrometheusException is a MetricQueryException: the caller shows its message.
        var points = await Client(address).QueryRangeAsync(query, start, end, step, cancellationToken).ConfigureAwait(false);
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
        }
    }

    private PrometheusClient Client(Uri address)
    {
        lock (_gate)
        {
            if (!_clients.TryGetValue(address, out var client))
            {
                _shared ??= _handler();
                client = new PrometheusClient(address, _shared, _options, _time, _delay);
                _clients.Add(address, client);
            }

            return client;
        }
    }
}
