using Graystep.Core.Spec;

namespace Graystep.Rendering.Routing;

/// <summary>The routers, registered explicitly and in a fixed order; one per provider, no reflection.</summary>
internal sealed class RouterRegistry
{
    private readonly IReadOnlyList<IRouter> _routers;

    public RouterRegistry(IEnumerable<IRouter> routers)
    {
        _routers = routers.ToList();
        var duplicate = _routers.GroupBy(r => r.Provider).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"two routers registered for provider {duplicate.Key}", nameof(routers));
        }
    }

    public static RouterRegistry Default { get; } = new(
    [
        new IstioRouter(),
        new NginxRouter(),
        new GatewayApiRouter(),
        new KubernetesRouter(),
    ]);

    public IReadOnlyList<IRouter> Routers => _routers;

    public IRouter For(Provider provider) =>
        _routers.FirstOrDefault(r => r.Provider == provider)
        ?? throw new InvalidOperationException($"no router is registered for provider {provider}");
}
