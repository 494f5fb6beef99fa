using System.Globalization;
using Graystep.Core.Providers;
using Graystep.Core.Spec;

namespace Graystep.Core.Analysis;

/// <summary>
/// One metric of a round, ready to query (<see cref="Provider"/> and <see cref="Address"/> set) or already decided
/// (<see cref="Decided"/> set: no template, no address, no window yet...).
/// </summary>
public sealed record PlannedCheck(
    MetricSpec Metric,
    string Query,
    TimeSpan Window,
    IMetricProvider? Provider,
    Uri? Address,
    bool IsBuiltin,
    string CanaryWorkload,
    MetricResult? Decided)
{
    /// <summary>The template's headers, credentials and TLS setting; the default for built-ins and inline queries.</summary>
    public MetricConnection Connection { get; init; } = MetricConnection.Default;
}

/// <summary>
/// Plans each metric of a round as Flagger does, for every metric provider alike: which query (a MetricTemplate,
/// then an inline query, then the provider's built-in), its window, which provider and address answer it. Pure:
/// the round runner only executes what is planned here, and <see cref="ThresholdJudge"/> judges the answers.
/// </summary>
public static class MetricPlanner
{
    /// <param name="servers">The <c>--prometheus</c> and <c>--prometheus-map</c> options (<see cref="MetricsServers"/>).</param>
    public static PlannedCheck Plan(AnalysisContext context, MetricSpec metric, DateTimeOffset now, MetricsServers? servers, MetricProviderRegistry providers)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(providers);
        var spec = context.Spec;
        var window = MetricWindow.Compute(metric.Interval, context.AppliedAt, now);
        PlannedCheck Decided(string query, Verdict verdict, string detail) =>
            new(metric, query, window, null, null, false, context.CanaryWorkload, new MetricResult(metric.Name, query, null, metric.ThresholdRange, window, verdict, detail));

        // Which query: a MetricTemplate first, then an inline query, then the built-ins (Flagger's names).
        string template;
        string? templateAddress = null;
        var connection = MetricConnection.Default;
        IMetricProvider? provider = null;
        var builtin = false;
        if (metric.TemplateRef is not null)
        {
            var templateNamespace = metric.TemplateNamespace ?? spec.Namespace;
            var found = context.Templates.FirstOrDefault(t => t.Name == metric.TemplateRef && t.Namespace == templateNamespace);
            if (found is null)
            {
                return Decided(string.Empty, Verdict.Error,
                    $"MetricTemplate {templateNamespace}/{metric.TemplateRef} not found: add its file beside the rollout spec");
            }

            provider = providers.Find(found.ProviderType);
            if (provider is null)
            {
                var known = ProviderCatalogue.Or([.. providers.Providers.Select(p => p.Name)]);
                return Decided(found.Query, Verdict.Error,
                    $"MetricTemplate {templateNamespace}/{found.Name} uses provider type \"{found.ProviderType}\"; Graystep queries {known} only");
            }

            template = found.Query;
            templateAddress = string.IsNullOrWhiteSpace(found.Address) ? null : found.Address;
            connection = found.Connection;
        }
        else if (!string.IsNullOrWhiteSpace(metric.Query))
        {
            template = metric.Query;
        }
        else if (spec.Provider.Queries.For(metric.Name) is { } query)
        {
            template = query;
            builtin = true;
        }
        else
        {
            return Decided(string.Empty, Verdict.Error,
                $"metric \"{metric.Name}\" is not a built-in ({string.Join(", ", BuiltinQueries.Names)}) and has no templateRef or query");
        }

        string text;
        try
        {
            text = MetricQueryBuilder.Build(template, Model(context, metric, window));
        }
        catch (MetricTemplateException ex)
        {
            return Decided(MetricQueryBuilder.CollapseWhitespace(template), Verdict.Error, ex.Message);
        }

        if (window <= TimeSpan.Zero)
        {
            return Decided(text, Verdict.NoData, "the step was applied less than a second ago: there is no window to measure yet");
        }

        // The address: the template's own provider.address, else --prometheus, else spec.metricsServer (each mapped).
        provider ??= providers.Get(MetricTemplate.DefaultProviderType);
        if ((servers ?? MetricsServers.None).Address(templateAddress, spec.MetricsServer, provider, out var error) is not { } address)
        {
            return Decided(text, Verdict.Error, error!);
        }

        return new PlannedCheck(metric, text, window, provider, address, builtin, context.CanaryWorkload, null) { Connection = connection };
    }

    /// <summary>The result of a query the provider answered: no data, or the value against the threshold.</summary>
    public static MetricResult Judge(PlannedCheck check, MetricReading reading)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(reading);
        var metric = check.Metric;
        if (reading.Value is not double value)
        {
            var detail = reading.NoDataReason ?? "no data";
            if (check.IsBuiltin)
            {
                detail += $"; is {check.CanaryWorkload} receiving traffic?";
            }

            return new MetricResult(metric.Name, check.Query, null, metric.ThresholdRange, check.Window, Verdict.NoData, detail);
        }

        // Flagger reads request-duration as a whole number of milliseconds (time.Duration) before comparing.
        if (check.IsBuiltin && metric.Name == BuiltinQueries.DurationName && double.IsFinite(value))
        {
            value = Math.Truncate(value);
        }

        var (verdict, why) = ThresholdJudge.Judge(value, metric.ThresholdRange);
        return new MetricResult(metric.Name, check.Query, value, metric.ThresholdRange, check.Window, verdict, why);
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
}

/// <summary>Flagger's threshold check, the same for every metric provider: below min or above max fails; both bounds are inclusive.</summary>
public static class ThresholdJudge
{
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
