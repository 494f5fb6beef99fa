using Graystep.Core.Errors;
using Graystep.Core.Providers;

namespace Graystep.Core.Analysis;

/// <summary>The answer to one metric query: a value, or no data (an empty result or NaN) with the reason.</summary>
public sealed record MetricReading
{
    private MetricReading(double? value, string? noDataReason)
    {
        Value = value;
        NoDataReason = noDataReason;
    }

    public double? Value { get; }

    public string? NoDataReason { get; }

    public static MetricReading Of(double value) => new(value, null);

    public static MetricReading NoData(string reason) => new(null, reason);
}

/// <summary>A query that could not give a value (unreachable, refused, ambiguous). The message names the cause and never holds a secret.</summary>
public class MetricQueryException : Exception
{
    public MetricQueryException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    public MetricQueryException()
        : this("metric query failed")
    {
    }

    public MetricQueryException(string message)
        : this(message, null)
    {
    }
}

/// <summary>
/// A metric provider (Flagger's <c>pkg/metrics/providers</c>): answers one query at one address with one number.
/// <see cref="IProvider{TInput}.Id"/> is the <c>MetricTemplate</c>'s <c>spec.provider.type</c>; the analysis round
/// (planning, windows, thresholds) is the same for every provider.
/// </summary>
public interface IMetricProvider : IProvider<string>
{
    /// <summary>What people call it, in messages: "Prometheus".</summary>
    string Name { get; }

    /// <summary>Cheap, no network: whether this provider can query an address of this form.</summary>
    bool IsValidAddress(Uri address);

    /// <summary>Runs one query; throws <see cref="MetricQueryException"/> when it cannot give a value.</summary>
    /// <param name="connection">A MetricTemplate's headers, credentials and TLS setting; null for the defaults.</param>
    Task<MetricReading> QueryAsync(Uri address, string query, CancellationToken cancellationToken, MetricConnection? connection = null);
}

/// <summary>
/// An optional capability of a metric provider: the same query over a time range, for <c>graystep report</c>'s charts.
/// Throws <see cref="MetricQueryException"/> when it cannot answer.
/// </summary>
public interface IMetricRangeQuery
{
    Task<IReadOnlyList<Reports.SeriesPoint>> QueryRangeAsync(Uri address, string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken, MetricConnection? connection = null);
}

/// <summary>The metric providers by <c>provider.type</c>. Validation refuses a type that is not registered.</summary>
public sealed class MetricProviderRegistry() : ProviderRegistry<IMetricProvider, string>("metric provider", auto: null)
{
    /// <summary>The names a spec may use, for the spec loader's catalogue.</summary>
    public IReadOnlyList<MetricProviderName> Names => [.. Providers.Select(p => new MetricProviderName(p.Id, p.Name))];

    protected override GraystepException NoProvider(string input) => new(
        $"no metric provider supports type '{input}'; known: {string.Join(", ", Ids)}",
        ExitCodes.InvalidSpec);
}
