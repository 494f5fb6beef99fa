using Graystep.Core.Providers;
using Graystep.Core.Spec;

namespace Graystep.Core.Analysis;

/// <summary>
/// Plans a metric's own <c>counters</c> for the sequential judge: its events and total MetricTemplates, each rendered
/// once with <c>{{ target }}</c> the canary's workload and once the stable's, over the judged window. The address is
/// found as for any template: its <c>provider.address</c>, else <c>--prometheus</c>, else <c>spec.metricsServer</c>.
/// </summary>
internal static class TemplateCounters
{
    public static (CounterPlan? Plan, MetricResult? Decided) Plan(
        AnalysisContext context, MetricSpec metric, MetricCounters counters, TimeSpan window, MetricsServers servers, MetricProviderRegistry providers)
    {
        var spec = context.Spec;
        MetricResult Decided(string query, string detail) => new(metric.Name, query, null, metric.ThresholdRange, window, Verdict.Error, detail);

        var events = Find(context, counters.Events);
        var total = Find(context, counters.Total);
        if (events is null || total is null)
        {
            var missing = events is null ? counters.Events : counters.Total;
            return (null, Decided(string.Empty, $"MetricTemplate {missing.Namespace ?? spec.Namespace}/{missing.Name} (counters) not found: add its file beside the rollout spec"));
        }

        if (!string.Equals(events.ProviderType, total.ProviderType, StringComparison.Ordinal) ||
            !string.Equals(events.Address ?? string.Empty, total.Address ?? string.Empty, StringComparison.Ordinal))
        {
            // Counts from two servers are not counts of the same requests.
            return (null, Decided(string.Empty, $"the counters' MetricTemplates {events.Name} and {total.Name} name different providers or addresses: point both at the same Prometheus"));
        }

        var provider = providers.Find(events.ProviderType);
        if (provider is null)
        {
            var known = ProviderCatalogue.Or([.. providers.Providers.Select(p => p.Name)]);
            return (null, Decided(string.Empty, $"MetricTemplate {events.Namespace}/{events.Name} uses provider type \"{events.ProviderType}\"; Graystep queries {known} only"));
        }

        var templateAddress = string.IsNullOrWhiteSpace(events.Address) ? null : events.Address;
        if (servers.Address(templateAddress, spec.MetricsServer, provider, out var error) is not { } address)
        {
            return (null, Decided(string.Empty, error!));
        }

        string Render(MetricTemplate template, string target) => MetricQueryBuilder.Build(template.Query, new MetricQueryModel
        {
            Namespace = spec.Namespace,
            Target = target,
            Stable = context.StableWorkload,
            Interval = MetricWindow.Format(window),
            Service = spec.Service.Name ?? spec.TargetRef.Name,
            Ingress = spec.IngressRef?.Name ?? spec.TargetRef.Name,
            Variables = metric.TemplateVariables,
        });

        try
        {
            return (new CounterPlan(
                metric,
                "events",
                provider,
                address,
                window,
                Render(events, context.CanaryWorkload),
                Render(total, context.CanaryWorkload),
                Render(events, context.StableWorkload),
                Render(total, context.StableWorkload)) { Connection = events.Connection }, null);
        }
        catch (MetricTemplateException ex)
        {
            return (null, Decided(MetricQueryBuilder.CollapseWhitespace(events.Query), ex.Message));
        }
    }

    /// <summary>The template validation resolved, else the one the run read with the same name and namespace.</summary>
    private static MetricTemplate? Find(AnalysisContext context, MetricTemplateRef reference) =>
        reference.Template ?? context.Templates.FirstOrDefault(t =>
            t.Name == reference.Name && t.Namespace == (reference.Namespace ?? context.Spec.Namespace));
}
