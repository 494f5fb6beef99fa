using Graystep.Core.Analysis;
using Graystep.Core.Providers;
using Graystep.Core.Spec;

namespace Graystep.TestKit.Prometheus;

/// <summary>Small, valid rollout specs and analysis contexts for metric tests.</summary>
public static class AnalysisSpecs
{
    public static RolloutSpec Rollout(
        TrafficProvider provider,
        string @namespace,
        string target,
        string? metricsServer,
        IReadOnlyList<MetricSpec> metrics,
        string? ingress = null,
        string? serviceName = null) => new()
        {
            File = "rollout.yaml",
            Kind = SpecKind.Rollout,
            Name = target,
            Namespace = @namespace,
            Provider = provider,
            TargetRef = new TargetRef("Deployment", target),
            IngressRef = ingress is null ? null : new TargetRef("Ingress", ingress),
            Service = new ServiceSpec { Port = 9898, Name = serviceName },
            MetricsServer = metricsServer,
            Analysis = new AnalysisSpec { Strategy = Strategy.Canary, StepWeights = [10, 50], Metrics = metrics },
            Output = "rendered/",
            Git = new GitSpec(),
            Approvals = new ApprovalSpec(),
            Sync = new SyncSpec { Kind = "none" },
        };

    public static MetricSpec Metric(string name, TimeSpan interval, double? min = null, double? max = null, string? templateRef = null, string? query = null) => new()
    {
        Name = name,
        Interval = interval,
        ThresholdRange = new ThresholdRange(min, max),
        TemplateRef = templateRef,
        Query = query,
    };

    public static MetricTemplate Template(string name, string @namespace, string query, string? address = null) => new()
    {
        File = $"metrictemplate-{name}.yaml",
        Name = name,
        Namespace = @namespace,
        Address = address,
        Query = query,
    };

    /// <summary>A context for a canary <c>&lt;target&gt;-&lt;canary&gt;</c> against <c>&lt;target&gt;-&lt;stable&gt;</c>.</summary>
    public static AnalysisContext Context(RolloutSpec spec, DateTimeOffset appliedAt, string canary = "v2", string stable = "v1", IReadOnlyList<MetricTemplate>? templates = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new AnalysisContext(spec, templates ?? [], $"{spec.TargetRef.Name}-{canary}", $"{spec.TargetRef.Name}-{stable}", appliedAt);
    }
}
