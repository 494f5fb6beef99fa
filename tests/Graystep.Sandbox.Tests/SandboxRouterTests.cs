using Graystep.Rendering.Routing;
using Graystep.Sandbox.Routing;

namespace Graystep.Sandbox.Tests;

/// <summary>The simulator stands in for every traffic provider Graystep renders, and for nothing else.</summary>
public sealed class SandboxRouterTests
{
    [Fact]
    public void Every_registered_router_has_a_sandbox_router_of_the_same_provider()
    {
        Assert.Equal(
            Routers.Default.Ids.Order(StringComparer.Ordinal),
            SandboxRouters.Default.Select(r => r.ProviderId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Plain_services_claim_apps_last_and_providers_without_proxies_share_the_apps_metrics()
    {
        Assert.Equal("kubernetes", SandboxRouters.Default[^1].ProviderId);
        Assert.Equal(["istio", "nginx", "app", "app"], SandboxRouters.Default.Select(r => r.MetricsKey));

        // A metric family appears once an app of its provider served a request; before that, /metrics is empty.
        Assert.Equal(string.Empty, new Metrics.MeshMetrics(SandboxRouters.Default).Render());
    }
}
