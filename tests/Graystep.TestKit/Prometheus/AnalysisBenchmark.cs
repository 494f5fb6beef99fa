using System.Diagnostics;
using System.Globalization;
using Graystep.Core.Analysis;
using Graystep.Core.Spec;

namespace Graystep.TestKit.Prometheus;

/// <summary>What <see cref="AnalysisBenchmark"/> measured: wall time of one analysis round.</summary>
public sealed record AnalysisBenchmarkResult(int Rounds, int Metrics, TimeSpan Median, TimeSpan Min, TimeSpan Max)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"analysis round, {Metrics} metrics, {Rounds} rounds: median {Median.TotalMilliseconds:0.0} ms (min {Min.TotalMilliseconds:0.0}, max {Max.TotalMilliseconds:0.0})");
}

/// <summary>
/// Measures one analysis round against the local Prometheus: the number the lead reports (goal: under 200 ms
/// for 10 metrics).
/// </summary>
public static class AnalysisBenchmark
{
    /// <summary>
    /// Starts a real Prometheus and an exporter with Istio traffic for a canary, builds a spec with
    /// <paramref name="metrics"/> metrics (the two built-ins, then MetricTemplates), waits until the data is
    /// there, runs one warm-up round and then <paramref name="rounds"/> measured rounds.
    /// </summary>
    /// <param name="createRunner">Makes the runner under test, e.g. <c>_ =&gt; PrometheusAnalysis.Create(new HttpClientHandler())</c>;
    /// it gets Prometheus' address, which is also the spec's metricsServer.</param>
    public static async Task<AnalysisBenchmarkResult> MeasureAsync(
        Func<Uri, IAnalysisRunner> createRunner,
        int rounds = 20,
        int metrics = 10,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createRunner);
        ArgumentOutOfRangeException.ThrowIfLessThan(metrics, 2);
        const string ns = "bench";
        await using var exporter = await TestExporter.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        exporter.Serve(MetricShape.Istio(ns, "podinfo-v1", "podinfo"), Traffic.Healthy(200));
        exporter.Serve(MetricShape.Istio(ns, "podinfo-v2", "podinfo"), Traffic.WithNotFound(0.01, 100));
        await using var prometheus = await PrometheusServer.StartAsync([exporter.Target], cancellationToken: cancellationToken).ConfigureAwait(false);
        await prometheus.WaitForSamplesAsync($"istio_requests_total{{destination_workload_namespace=\"{ns}\"}}", 3, "5s", cancellationToken: cancellationToken).ConfigureAwait(false);

        var interval = TimeSpan.FromSeconds(5);
        var specMetrics = new List<MetricSpec>
        {
            AnalysisSpecs.Metric("request-success-rate", interval, min: 99),
            AnalysisSpecs.Metric("request-duration", interval, max: 500),
        };
        var templates = new List<MetricTemplate>();
        for (var i = specMetrics.Count; i < metrics; i++)
        {
            var name = "not-found-percentage-" + i.ToString(CultureInfo.InvariantCulture);
            templates.Add(AnalysisSpecs.Template(name, ns, NotFoundPercentage));
            specMetrics.Add(AnalysisSpecs.Metric(name, interval, max: 5, templateRef: name));
        }

        var spec = AnalysisSpecs.Rollout(StandardProviders.Istio, ns, "podinfo", prometheus.Address.ToString(), specMetrics);
        var context = AnalysisSpecs.Context(spec, DateTimeOffset.MinValue, templates: templates);
        var runner = createRunner(prometheus.Address);
        return await MeasureRoundsAsync(runner, context, rounds, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one warm-up round, then <paramref name="rounds"/> timed rounds; fails if a round did not pass.</summary>
    public static async Task<AnalysisBenchmarkResult> MeasureRoundsAsync(IAnalysisRunner runner, AnalysisContext context, int rounds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        await RoundAsync(runner, context, cancellationToken).ConfigureAwait(false);
        var times = new List<TimeSpan>(rounds);
        for (var i = 0; i < rounds; i++)
        {
            var clock = Stopwatch.StartNew();
            await RoundAsync(runner, context, cancellationToken).ConfigureAwait(false);
            times.Add(clock.Elapsed);
        }

        times.Sort();
        var median = rounds % 2 == 1 ? times[rounds / 2] : (times[(rounds / 2) - 1] + times[rounds / 2]) / 2;
        return new AnalysisBenchmarkResult(rounds, context.Spec.Analysis.Metrics.Count, median, times[0], times[^1]);
    }

    // Flagger's documented not-found-percentage MetricTemplate query (docs: Metrics Analysis, Prometheus).
    public const string NotFoundPercentage = """
        100 - sum(
            rate(
                istio_requests_total{
                  reporter="destination",
                  destination_workload_namespace="{{ namespace }}",
                  destination_workload="{{ target }}",
                  response_code!="404"
                }[{{ interval }}]
            )
        )
        /
        sum(
            rate(
                istio_requests_total{
                  reporter="destination",
                  destination_workload_namespace="{{ namespace }}",
                  destination_workload="{{ target }}"
                }[{{ interval }}]
            )
        ) * 100
        """;

    private static async Task RoundAsync(IAnalysisRunner runner, AnalysisContext context, CancellationToken cancellationToken)
    {
        var results = await runner.RunAsync(context, cancellationToken).ConfigureAwait(false);
        var round = new AnalysisRound(results);
        if (!round.Passed)
        {
            throw new InvalidOperationException("a benchmark round did not pass; it would not measure a normal round:\n" + round.ToTable());
        }
    }
}
