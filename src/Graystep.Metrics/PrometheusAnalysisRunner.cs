using System.Globalization;
using Graystep.Core.Analysis;
using Graystep.Core.Spec;

namespace Graystep.Metrics;

/// <summary>Settings of the Prometheus analysis runner.</summary>
public sealed record PrometheusAnalysisOptions
{
    /// <summary>
    /// The <c>--prometheus</c> option: used when a MetricTemplate has no <c>provider.address</c>, in place of
    /// <c>spec.metricsServer</c>.
    /// </summary>
    public Uri? PrometheusOverride { get; init; }

    public PrometheusClientOptions Client { get; init; } = new();

    /// <summary>How many metric queries run at once; results keep the spec's order.</summary>
    public int MaxConcurrentQueries { get; init; } = 4;
}

/// <summary>
/// Checks every metric of the spec once against Prometheus, as Flagger does each interval: built-in
/// request-success-rate and request-duration per provider, MetricTemplates (<c>templateRef</c>) and inline queries.
/// Each metric gets its own result; one failing query never fails the round.
/// </summary>
public sealed class PrometheusAnalysisRunner : IAnalysisRunner
{
    private readonly HttpMessageHandler _handler;
    private readonly PrometheusAnalysisOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<TimeSpan, CancellationToken, Task>? _delay;

    public PrometheusAnalysisRunner(
        HttpMessageHandler handler,
        PrometheusAnalysisOptions? options = null,
        TimeProvider? time = null,
        Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        _options = options ?? new PrometheusAnalysisOptions();
        _time = time ?? TimeProvider.System;
        _delay = delay;
    }

    public async Task<IReadOnlyList<MetricResult>> RunAsync(AnalysisContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = _time.GetUtcNow();
        var clients = new Dictionary<Uri, PrometheusClient>();
        try
        {
            var checks = context.Spec.Analysis.Metrics.Select(metric => Plan(context, metric, now, clients)).ToList();
            using var gate = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentQueries));
            var results = await Task.WhenAll(checks.Select(check => RunAsync(check, gate, cancellationToken))).ConfigureAwait(false);
            return results;
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>A metric ready to query, or already decided (no address, unknown template, zero window...).</summary>
    private sealed record Check(MetricSpec Metric, string Query, TimeSpan Window, PrometheusClient? Client, bool IsDuration, string TargetHint, MetricResult? Decided);

    private Check Plan(AnalysisContext context, MetricSpec metric, DateTimeOffset now, Dictionary<Uri, PrometheusClient> clients)
    {
        var spec = context.Spec;
        var window = MetricWindow.Compute(metric.Interval, context.AppliedAt, now);
        Check Decided(string query, Verdict verdict, string detail) =>
            new(metric, query, window, null, false, context.CanaryWorkload, new MetricResult(metric.Name, query, null, metric.ThresholdRange, window, verdict, detail));

        // Which query: a MetricTemplate first, then an inline query, then the built-ins (Flagger's names).
        string template;
        string? templateAddress = null;
        var isDuration = false;
        if (metric.TemplateRef is not null)
        {
            var templateNamespace = metric.TemplateNamespace ?? spec.Namespace;
            var found = context.Templates.FirstOrDefault(t => t.Name == metric.TemplateRef && t.Namespace == templateNamespace);
            if (found is null)
            {
                return Decided(string.Empty, Verdict.Error,
                    $"MetricTemplate {templateNamespace}/{metric.TemplateRef} not found: add its file beside the rollout spec");
            }

            if (!string.Equals(found.ProviderType, "prometheus", StringComparison.OrdinalIgnoreCase))
            {
                return Decided(found.Query, Verdict.Error,
                    $"MetricTemplate {templateNamespace}/{found.Name} uses provider type \"{found.ProviderType}\"; Graystep queries Prometheus only");
            }

            template = found.Query;
            templateAddress = string.IsNullOrWhiteSpace(found.Address) ? null : found.Address;
        }
        else if (!string.IsNullOrWhiteSpace(metric.Query))
        {
            template = metric.Query;
        }
        else if (BuiltinMetrics.IsBuiltin(metric.Name))
        {
            template = BuiltinMetrics.QueryTemplate(spec.Provider, metric.Name);
            isDuration = metric.Name == BuiltinMetrics.RequestDuration;
        }
        else
        {
            return Decided(string.Empty, Verdict.Error,
                $"metric \"{metric.Name}\" is not a built-in ({string.Join(", ", BuiltinMetrics.Names)}) and has no templateRef or query");
        }

        string query;
        try
        {
            query = MetricQueryBuilder.Build(template, Model(context, metric, window));
        }
        catch (MetricTemplateException ex)
        {
            return Decided(MetricQueryBuilder.CollapseWhitespace(template), Verdict.Error, ex.Message);
        }

        if (window <= TimeSpan.Zero)
        {
            return Decided(query, Verdict.NoData, "the step was applied less than a second ago: there is no window to measure yet");
        }

        // The address: the template's own provider.address, else --prometheus, else spec.metricsServer.
        var addressText = templateAddress ?? _options.PrometheusOverride?.OriginalString ?? spec.MetricsServer;
        if (string.IsNullOrWhiteSpace(addressText))
        {
            return Decided(query, Verdict.Error, "no Prometheus address: set spec.metricsServer or pass --prometheus");
        }

        if (!Uri.TryCreate(addressText, UriKind.Absolute, out var address) || !PrometheusClient.IsValidAddress(address))
        {
            var source = templateAddress is not null ? "the MetricTemplate's provider.address" : _options.PrometheusOverride is not null ? "--prometheus" : "spec.metricsServer";
            return Decided(query, Verdict.Error, $"{source} is not an http(s) URL: use http://host:port");
        }

        if (!clients.TryGetValue(address, out var client))
        {
            client = new PrometheusClient(address, _handler, _options.Client, _time, _delay);
            clients.Add(address, client);
        }

        return new Check(metric, query, window, client, isDuration, context.CanaryWorkload, null);
    }

    private static MetricQueryModel Model(AnalysisContext context, MetricSpec metric, TimeSpan window)
    {
        var spec = context.Spec;
        return new MetricQueryModel
        {
            Namespace = spec.Namespace,
            Target = context.CanaryWorkload,
            Stable = context.StableWorkload,
            Interval = MetricWindow.Format(window),
            Service = spec.Service.Name ?? spec.TargetRef.Name,

            // As Flagger's toMetricModel: the ingressRef's name, else the target's name.
            Ingress = spec.IngressRef?.Name ?? spec.TargetRef.Name,
            Variables = metric.TemplateVariables,
        };
    }

    private static async Task<MetricResult> RunAsync(Check check, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        if (check.Decided is not null)
        {
            return check.Decided;
        }

        var metric = check.Metric;
        MetricResult Result(double? value, Verdict verdict, string? detail) =>
            new(metric.Name, check.Query, value, metric.ThresholdRange, check.Window, verdict, detail);

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        PrometheusQueryResult answer;
        try
        {
            answer = await check.Client!.QueryAsync(check.Query, cancellationToken).ConfigureAwait(false);
        }
        catch (PrometheusException ex)
        {
            return Result(null, Verdict.Error, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A round must always produce a result per metric; an unexpected failure is still reported, not thrown.
            return Result(null, Verdict.Error, "unexpected error: " + ex.Message);
        }
        finally
        {
            gate.Release();
        }

        if (answer.Value is not double value)
        {
            var detail = answer.NoDataReason ?? "no data";
            if (BuiltinMetrics.IsBuiltin(metric.Name) && metric.TemplateRef is null && metric.Query is null)
            {
                detail += $"; is {check.TargetHint} receiving traffic?";
            }

            return Result(null, Verdict.NoData, detail);
        }

        // Flagger reads request-duration as a whole number of milliseconds (time.Duration) before comparing.
        if (check.IsDuration && double.IsFinite(value))
        {
            value = Math.Truncate(value);
        }

        var (verdict, why) = Judge(value, metric.ThresholdRange);
        return Result(value, verdict, why);
    }

    /// <summary>Flagger's threshold check: a value below min or above max fails; both bounds are inclusive.</summary>
    public static (Verdict Verdict, string? Detail) Judge(double value, ThresholdRange threshold)
    {
        ArgumentNullException.ThrowIfNull(threshold);
        if (threshold.Min is double min && value < min)
        {
            return (Verdict.Fail, string.Create(CultureInfo.InvariantCulture, $"{Precise(value)} is below the minimum {Precise(min)}"));
        }

        if (threshold.Max is double max && value > max)
        {
            return (Verdict.Fail, string.Create(CultureInfo.InvariantCulture, $"{Precise(value)} is above the maximum {Precise(max)}"));
        }

        return (Verdict.Pass, null);
    }

    // Details keep more digits than the table, so "98.999 is below the minimum 99" never reads as "99 < 99".
    private static string Precise(double value) =>
        double.IsFinite(value) ? value.ToString("0.####", CultureInfo.InvariantCulture) : AnalysisRound.FormatValue(value);
}
