using Graystep.Rendering.Workloads;
using Graystep.Rendering.Yaml;

namespace Graystep.Rendering.Routing.Istio;

/// <summary>The team's own VirtualService and DestinationRule as the base the Istio router edits.</summary>
public sealed partial class IstioRouter
{
    private const string DestinationRuleEdit = "Graystep sets the subsets of the live versions; its other subsets and fields are kept";

    private const string VirtualServiceEdit = "Graystep sets the destinations and weights of the routes to the service (and adds the canary's match routes before them); every other route and field is kept";

    /// <summary>
    /// The user's VirtualService for the rollout's host, as Argo Rollouts uses one: each http route whose destinations
    /// are the rollout's service gets Graystep's destinations and weights (and the canary's match routes before it,
    /// copies of it), and every other route, host, gateway and field stays as written.
    /// </summary>
    private static YamlMap EditedVirtualService(RoutingContext context, YamlMap userService, HashSet<string> aliases)
    {
        var name = $"VirtualService {KubeObject.Name(userService)}";
        var spec = userService.GetOrAddMap("spec");
        // No gateways means the sidecars only: Istio's "mesh".
        var gateways = (spec.Seq("gateways")?.OfType<YamlScalar>() ?? []).Select(g => g.Value).DefaultIfEmpty("mesh").Order(StringComparer.Ordinal).ToList();
        if (context.Spec.Service.Gateways.Count > 0 && !context.Spec.Service.Gateways.Order(StringComparer.Ordinal).SequenceEqual(gateways, StringComparer.Ordinal))
        {
            throw KubeObject.Invalid(
                $"{context.Spec.File}: service.gateways ({string.Join(", ", context.Spec.Service.Gateways)}) differs from the gateways of {name} ({string.Join(", ", gateways)})",
                "set the gateways in one place: remove service.gateways, or make them equal");
        }

        foreach (var kind in new[] { "tcp", "tls" })
        {
            if ((spec.Seq(kind)?.OfType<YamlMap>() ?? []).Any(r => RoutesTo(r, aliases)))
            {
                throw KubeObject.Invalid(
                    $"{name} has a {kind} route to the rollout's service {context.ServiceName}; Graystep splits http routes only",
                    $"move the {kind} route to another VirtualService, or route the service over http");
            }
        }

        var http = new YamlSeq();
        var managed = 0;
        foreach (var route in spec.Seq("http")?.OfType<YamlMap>() ?? [])
        {
            if (!RoutesTo(route, aliases))
            {
                http.Add(route);
                continue;
            }

            var destinations = route.Seq("route")!.OfType<YamlMap>().Select(d => d.Map("destination")).ToList();
            if (destinations.Any(d => d?.Text("host") is not { } h || !aliases.Contains(h)))
            {
                throw KubeObject.Invalid(
                    $"{name}: a route sends traffic to the rollout's service {context.ServiceName} and to other hosts; Graystep owns the destinations of a route to the service",
                    "give the other hosts a route of their own");
            }

            if (context.Spec.Service.Match is not null && route.ContainsKey("match"))
            {
                throw KubeObject.Invalid(
                    $"{context.Spec.File}: service.match and the match of the route to {context.ServiceName} in {name} both set conditions",
                    "set the conditions in one place: remove service.match, or the route's match");
            }

            var template = (YamlMap)route.DeepClone();
            if (ServiceMatch(context) is { } match)
            {
                template["match"] = match;
            }

            foreach (var (field, value) in context.Spec.Service.RouteFields)
            {
                template[field] = OneValue(template[field], RouteField(field, value), "service." + field, name);
            }

            foreach (var r in Routes(context, template, destinations[0]?.Map("port")))
            {
                http.Add(r);
            }

            managed++;
        }

        if (managed == 0)
        {
            throw KubeObject.Invalid(
                $"{name} routes the rollout's host, but none of its http routes has the service {context.ServiceName} as its destination",
                $"add an http route to destination host {context.ServiceName}; Graystep sets its destinations and weights");
        }

        spec["http"] = http;
        return userService;
    }

    /// <summary>Whether a route's destinations include the rollout's service.</summary>
    private static bool RoutesTo(YamlMap route, HashSet<string> aliases) =>
        (route.Seq("route")?.OfType<YamlMap>() ?? []).Any(d => d.Map("destination")?.Text("host") is { } h && aliases.Contains(h));
}
