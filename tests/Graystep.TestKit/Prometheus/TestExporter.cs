using System.Globalization;
using System.Text;
using Graystep.TestKit.Http;
using Microsoft.AspNetCore.Http;

namespace Graystep.TestKit.Prometheus;

/// <summary>
/// A tiny exporter on 127.0.0.1 serving <c>/metrics</c> in the Prometheus text format. A test drives it:
/// <c>exporter.Serve(MetricShape.Istio("ns", "podinfo-v2", "podinfo"), Traffic.WithErrors(0.05))</c>.
/// Counters and histograms grow with the clock (they are brought up to date whenever they are read, which is
/// what a timer would do at every scrape), so <c>rate()</c> over them gives the configured figures.
/// </summary>
public sealed class TestExporter : IAsyncDisposable
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<TrafficSource> _sources = [];
    private LocalServer? _server;

    private TestExporter(TimeProvider time) => _time = time;

    public int Port => _server!.Port;

    /// <summary>The scrape target, <c>127.0.0.1:port</c>.</summary>
    public string Target => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    public Uri MetricsUrl => new($"http://{Target}/metrics");

    public static async Task<TestExporter> StartAsync(TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var exporter = new TestExporter(time ?? TimeProvider.System);
        exporter._server = await LocalServer.StartAsync(exporter.AnswerAsync, cancellationToken: cancellationToken).ConfigureAwait(false);
        return exporter;
    }

    /// <summary>Starts reporting traffic for one workload; its counters start at zero now.</summary>
    public TrafficSource Serve(MetricShape shape, Traffic traffic)
    {
        var source = new TrafficSource(this, shape, traffic, _time.GetUtcNow());
        lock (_gate)
        {
            _sources.Add(source);
        }

        return source;
    }

    /// <summary>The text <c>/metrics</c> serves now, families grouped, series in the order they were added.</summary>
    public string Render()
    {
        var now = _time.GetUtcNow();
        var families = new SortedDictionary<string, (string Type, StringBuilder Lines)>(StringComparer.Ordinal);
        StringBuilder Family(string name, string type)
        {
            if (!families.TryGetValue(name, out var family))
            {
                family = (type, new StringBuilder());
                families.Add(name, family);
            }

            return family.Lines;
        }

        lock (_gate)
        {
            foreach (var source in _sources)
            {
                source.AppendTo(Family, now);
            }
        }

        var text = new StringBuilder();
        foreach (var (name, family) in families)
        {
            text.Append("# TYPE ").Append(name).Append(' ').Append(family.Type).Append('\n').Append(family.Lines);
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal void Remove(TrafficSource source)
    {
        lock (_gate)
        {
            _sources.Remove(source);
        }
    }

    internal Lock Gate => _gate;

    private async Task AnswerAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) || context.Request.Path != "/metrics")
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await context.Response.WriteAsync(Render(), Encoding.UTF8, context.RequestAborted).ConfigureAwait(false);
    }

    internal DateTimeOffset Now => _time.GetUtcNow();

    internal static string FormatNumber(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    internal static void AppendSeries(StringBuilder lines, string name, IEnumerable<KeyValuePair<string, string>> labels, double value)
    {
        lines.Append(name).Append('{');
        var first = true;
        foreach (var (label, labelValue) in labels)
        {
            if (!first)
            {
                lines.Append(',');
            }

            first = false;
            lines.Append(label).Append("=\"")
                .Append(labelValue.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
                .Append('"');
        }

        lines.Append("} ").Append(FormatNumber(value)).Append('\n');
    }
}

/// <summary>One workload's traffic in a <see cref="TestExporter"/>. Change it with <see cref="Update"/>.</summary>
public sealed class TrafficSource
{
    private readonly TestExporter _exporter;
    private readonly SortedDictionary<int, long> _byStatus = [];
    private readonly long[] _bucketCounts;
    private Traffic _traffic;
    private DateTimeOffset _last;
    private double _carry;
    private double _errorCarry;
    private double _notFoundCarry;
    private double _slowCarry;
    private long _count;
    private double _sum;

    internal TrafficSource(TestExporter exporter, MetricShape shape, Traffic traffic, DateTimeOffset now)
    {
        _exporter = exporter;
        Shape = shape;
        _traffic = traffic;
        _last = now;
        _bucketCounts = new long[shape.Buckets.Count];
    }

    public MetricShape Shape { get; }

    public Traffic Traffic
    {
        get
        {
            lock (_exporter.Gate)
            {
                return _traffic;
            }
        }
    }

    /// <summary>Requests counted so far, all statuses.</summary>
    public long Requests
    {
        get
        {
            lock (_exporter.Gate)
            {
                Advance(_exporter.Now);
                return _count;
            }
        }
    }

    /// <summary>From now on the workload behaves as <paramref name="traffic"/>; counters keep their totals.</summary>
    public void Update(Traffic traffic)
    {
        lock (_exporter.Gate)
        {
            Advance(_exporter.Now);
            _traffic = traffic;
        }
    }

    /// <summary>The workload is gone: its series disappear from <c>/metrics</c>.</summary>
    public void Stop() => _exporter.Remove(this);

    internal void AppendTo(Func<string, string, StringBuilder> family, DateTimeOffset now)
    {
        Advance(now);
        var requests = family(Shape.RequestsMetric, "counter");
        foreach (var (status, count) in _byStatus)
        {
            TestExporter.AppendSeries(
                requests,
                Shape.RequestsMetric,
                [.. Shape.RequestLabels, KeyValuePair.Create(Shape.StatusLabel, status.ToString(CultureInfo.InvariantCulture))],
                count);
        }

        var duration = family(Shape.DurationMetric, "histogram");
        long cumulative = 0;
        for (var i = 0; i < _bucketCounts.Length; i++)
        {
            cumulative += _bucketCounts[i];
            TestExporter.AppendSeries(duration, Shape.DurationMetric + "_bucket", [.. Shape.DurationLabels, KeyValuePair.Create("le", TestExporter.FormatNumber(Shape.Buckets[i]))], cumulative);
        }

        TestExporter.AppendSeries(duration, Shape.DurationMetric + "_bucket", [.. Shape.DurationLabels, KeyValuePair.Create("le", "+Inf")], _count);
        TestExporter.AppendSeries(duration, Shape.DurationMetric + "_sum", Shape.DurationLabels, _sum);
        TestExporter.AppendSeries(duration, Shape.DurationMetric + "_count", Shape.DurationLabels, _count);
    }

    // Brings the counters up to `now`: whole requests only, with the shares carried over so they come out exact.
    private void Advance(DateTimeOffset now)
    {
        var seconds = (now - _last).TotalSeconds;
        _last = now;
        if (seconds <= 0 || _traffic.RequestsPerSecond <= 0)
        {
            return;
        }

        var due = (_traffic.RequestsPerSecond * seconds) + _carry;
        var requests = (long)Math.Floor(due);
        _carry = due - requests;
        if (requests == 0)
        {
            return;
        }

        var errors = Take(ref _errorCarry, requests * _traffic.ErrorRatio);
        var notFound = Math.Min(requests - errors, Take(ref _notFoundCarry, requests * _traffic.NotFoundRatio));
        Add(500, errors);
        Add(404, notFound);
        Add(200, requests - errors - notFound);

        var slow = Math.Min(requests, Take(ref _slowCarry, requests * _traffic.SlowRatio));
        Observe(_traffic.SlowLatency, slow);
        Observe(_traffic.Latency, requests - slow);
    }

    private static long Take(ref double carry, double due)
    {
        var total = due + carry;
        var whole = (long)Math.Floor(total + 1e-9);
        carry = total - whole;
        return whole;
    }

    private void Add(int status, long count)
    {
        if (count <= 0)
        {
            return;
        }

        _byStatus[status] = _byStatus.GetValueOrDefault(status) + count;
    }

    private void Observe(TimeSpan latency, long count)
    {
        if (count <= 0)
        {
            return;
        }

        var value = latency.TotalSeconds * Shape.UnitsPerSecond;
        _count += count;
        _sum += value * count;
        for (var i = 0; i < Shape.Buckets.Count; i++)
        {
            if (value <= Shape.Buckets[i])
            {
                _bucketCounts[i] += count;
                break;
            }
        }
    }
}
