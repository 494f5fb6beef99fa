using Graystep.Core.Providers;
using Graystep.Core.Spec;
using Graystep.Rendering.Yaml;

namespace Graystep.Rendering.Routing.Kubernetes;

/// <summary>
/// Plain Kubernetes. Blue/green: <c>Service &lt;svc&gt;</c> selects the version that serves users (weight 0 or 100).
/// Canary: a Service cannot weigh its endpoints, so during the canary <c>&lt;svc&gt;</c> selects both versions and
/// the weight is the canary's share of the pods (the renderer sets each version's replicas, see
/// <see cref="Core.Rollouts.ReplicaSplit"/>). While a canary exists <c>Service &lt;svc&gt;-canary</c> selects it for
/// tests and load.
/// </summary>
public sealed class KubernetesRouter : Router
{
    public static TrafficProvider Provider { get; } = new()
    {
        Id = "kubernetes",
        Strategies = new HashSet<Strategy> { Strategy.BlueGreen, Strategy.Canary },
        Limitation = "only switches Services or shares pods between versions (blue/green, replica-ratio canary)",
        SplitsByReplicas = true,
        Queries = new BuiltinQueries(AppQueries.RequestSuccessRate, AppQueries.RequestDuration) { Counters = CounterTemplates.App },
    };

    public override TrafficProvider Descriptor => Provider;

    internal override IEnumerable<YamlMap> Render(RoutingContext context)
    {
        if (context.Spec.Strategy == Strategy.Canary && context.Canary is not null)
        {
            // Both versions' pods behind the one Service: kube-proxy's share is the replica share.
            yield return context.Services.Render(context.ServiceName, null);
            yield return context.Services.Render($"{context.ServiceName}-canary", context.Canary);
            foreach (var other in context.Services.Others())
            {
                yield return other;
            }

            yield break;
        }

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
