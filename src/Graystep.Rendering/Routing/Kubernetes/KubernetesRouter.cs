using Graystep.Core.Providers;
using Graystep.Core.Spec;
using Graystep.Rendering.Yaml;

namespace Graystep.Rendering.Routing.Kubernetes;

/// <summary>
/// Plain Kubernetes, blue/green only: <c>Service &lt;svc&gt;</c> selects the version that serves users, and while a
/// canary exists <c>Service &lt;svc&gt;-canary</c> selects it for tests and load. A Service cannot split traffic,
/// so the canary weight is 0 (stable serves) or 100 (the canary serves).
/// </summary>
public sealed class KubernetesRouter : Router
{
    public static TrafficProvider Provider { get; } = new()
    {
        Id = "kubernetes",
        Strategies = new HashSet<Strategy> { Strategy.BlueGreen },
        Limitation = "only switches Services (blue/green)",
        Queries = new BuiltinQueries(AppQueries.RequestSuccessRate, AppQueries.RequestDuration) { Counters = CounterTemplates.App },
    };

    public override TrafficProvider Descriptor => Provider;

    internal override IEnumerable<YamlMap> Render(RoutingContext context)
    {
        if (context.CanaryWeight is not (0 or 100))
        {
            throw Workloads.KubeObject.Invalid(
                $"the kubernetes provider switches all traffic at once; canary weight {context.CanaryWeight} is not 0 or 100",
                "use weight 0 or 100, or a provider that splits traffic (istio, nginx, gateway-api)");
        }

        var serving = context.CanaryWeight == 100 ? context.Canary! : context.Stable;
        yield return context.Services.Render(context.ServiceName, serving);
        if (context.Canary is not null)
        {
            yield return context.Services.Render($"{context.ServiceName}-canary", context.Canary);
        }

        foreach (var other in context.Services.Others())
        {
            yield return other;
        }
    }
}
