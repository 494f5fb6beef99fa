using Graystep.Rendering.Routing.GatewayApi;
using Graystep.Rendering.Routing.Istio;
using Graystep.Rendering.Routing.Kubernetes;
using Graystep.Rendering.Routing.Nginx;

namespace Graystep.Rendering.Routing;

/// <summary>The traffic providers Graystep ships: one registration line each. Order is the order every list shows.</summary>
public static class Routers
{
    /// <summary>What a spec without <c>spec.provider</c> gets: Flagger's default mesh.</summary>
    public const string DefaultProvider = "istio";

    public static RouterRegistry Default { get; } = new()
    {
        new IstioRouter(),
        new NginxRouter(),
        new GatewayApiRouter(),
        new KubernetesRouter(),
    };
}
