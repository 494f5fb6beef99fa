using Graystep.Core.Analysis;

namespace Graystep.Metrics.Prometheus;

/// <summary>
/// The answer to an instant query: one sample's value, or no data (an empty result or NaN) with the reason.
/// Failures (unreachable, bad query, several series) are <see cref="PrometheusException"/>s instead.
/// </summary>
public sealed record PrometheusQueryResult
{
    private PrometheusQueryResult(double? value, string? noDataReason)
    {
        Value = value;
        NoDataReason = noDataReason;
    }

    public double? Value { get; }

    public string? NoDataReason { get; }

    public bool HasValue => Value is not null;

    public static PrometheusQueryResult Of(double value) => new(value, null);

    public static PrometheusQueryResult NoData(string reason) => new(null, reason);
}

/// <summary>A query that could not give a value. The message names the cause and never holds a secret.</summary>
public sealed class PrometheusException : MetricQueryException
{
    public PrometheusException(string message, int? statusCode = null, int attempts = 1, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
        Attempts = attempts;
    }

    public PrometheusException()
        : this("Prometheus query failed")
    {
    }

    public PrometheusException(string message)
        : this(message, null, 1, null)
    {
    }

    public PrometheusException(string message, Exception? inner)
        : this(message, null, 1, inner)
    {
    }

    /// <summary>The HTTP status of the last answer, if any.</summary>
    public int? StatusCode { get; }

    public int Attempts { get; }
}
