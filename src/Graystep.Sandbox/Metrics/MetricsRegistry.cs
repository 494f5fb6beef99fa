using System.Globalization;
using System.Text;

namespace Graystep.Sandbox.Metrics;

/// <summary>A counter family: one monotonic value per label set.</summary>
internal sealed class CounterFamily(string name, string help, params string[] labels)
{
    private readonly SortedDictionary<string, (string[] Values, double Value)> _series = new(StringComparer.Ordinal);

    public string Name => name;

    public bool IsEmpty => _series.Count == 0;

    public void Inc(params string[] values)
    {
        var key = string.Join('\u0001', values);
        _series[key] = (values, (_series.TryGetValue(key, out var s) ? s.Value : 0) + 1);
    }

    public double Get(params string[] values) => _series.TryGetValue(string.Join('\u0001', values), out var s) ? s.Value : 0;

    public void Write(StringBuilder sb)
    {
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        sb.Append("# TYPE ").Append(name).Append(" counter\n");
        foreach (var (values, value) in _series.Values)
        {
            sb.Append(name);
            PrometheusText.Labels(sb, labels, values);
            sb.Append(' ').Append(PrometheusText.Number(value)).Append('\n');
        }
    }
}

/// <summary>A histogram family: cumulative buckets, sum and count per label set.</summary>
internal sealed class HistogramFamily(string name, string help, double[] buckets, params string[] labels)
{
    private readonly SortedDictionary<string, Series> _series = new(StringComparer.Ordinal);

    public string Name => name;

    public bool IsEmpty => _series.Count == 0;

    public void Observe(double value, params string[] values)
    {
        var key = string.Join('\u0001', values);
        if (!_series.TryGetValue(key, out var s))
        {
            s = new Series(values, new long[buckets.Length]);
            _series[key] = s;
        }

        for (var i = 0; i < buckets.Length; i++)
        {
            if (value <= buckets[i])
            {
                s.Buckets[i]++;
            }
        }

        s.Sum += value;
        s.Count++;
    }

    public void Write(StringBuilder sb)
    {
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        sb.Append("# TYPE ").Append(name).Append(" histogram\n");
        var withLe = labels.Append("le").ToArray();
        foreach (var s in _series.Values)
        {
            for (var i = 0; i < buckets.Length; i++)
            {
                sb.Append(name).Append("_bucket");
                PrometheusText.Labels(sb, withLe, [.. s.Values, PrometheusText.Number(buckets[i])]);
                sb.Append(' ').Append(s.Buckets[i].ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            sb.Append(name).Append("_bucket");
            PrometheusText.Labels(sb, withLe, [.. s.Values, "+Inf"]);
            sb.Append(' ').Append(s.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            sb.Append(name).Append("_sum");
            PrometheusText.Labels(sb, labels, s.Values);
            sb.Append(' ').Append(PrometheusText.Number(s.Sum)).Append('\n');
            sb.Append(name).Append("_count");
            PrometheusText.Labels(sb, labels, s.Values);
            sb.Append(' ').Append(s.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private sealed class Series(string[] values, long[] buckets)
    {
        public string[] Values => values;

        public long[] Buckets => buckets;

        public double Sum { get; set; }

        public long Count { get; set; }
    }
}

/// <summary>The Prometheus text exposition format (version 0.0.4).</summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static void Labels(StringBuilder sb, IReadOnlyList<string> names, IReadOnlyList<string> values)
    {
        sb.Append('{');
        for (var i = 0; i < names.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(names[i]).Append("=\"");
            foreach (var c in values[i])
            {
                _ = c switch
                {
                    '\\' => sb.Append("\\\\"),
                    '"' => sb.Append("\\\""),
                    '\n' => sb.Append("\\n"),
                    _ => sb.Append(c),
                };
            }

            sb.Append('"');
        }

        sb.Append('}');
    }

    public static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);
}
