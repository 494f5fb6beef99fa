using Graystep.Core.Rollouts;
using System.Globalization;
using Graystep.Core.Providers;
using Graystep.Core.Spec;
using Graystep.Rendering.Workloads;
using Graystep.Rendering.Yaml;

namespace Graystep.Rendering.Routing.Nginx;

/// <summary>
/// NGINX ingress: a Service per version, the primary Ingress pointed at the stable version's Service, and while a
/// canary exists an <c>&lt;ingress&gt;-canary</c> Ingress carrying the <c>nginx.ingress.kubernetes.io/canary*</c>
/// annotations (weight, or header/cookie for A/B).
/// </summary>
public sealed class NginxRouter : Router
{
    private const string AnnotationPrefix = "nginx.ingress.kubernetes.io/";
    private const string Canary = AnnotationPrefix + "canary";

    /// <summary>ingress-nginx has no mirroring that Flagger drives, so blue/green mirroring is not offered.</summary>
    public static TrafficProvider Provider { get; } = new()
    {
        Id = "nginx",
        Strategies = new HashSet<Strategy> { Strategy.Canary, Strategy.ABTesting, Strategy.BlueGreen },
        Match = new MatchSupport
        {
            Headers = new HashSet<StringMatchKind> { StringMatchKind.Exact, StringMatchKind.Regex },
            QueryParams = new HashSet<StringMatchKind>(),
            Cookies = new HashSet<StringMatchKind> { StringMatchKind.Exact },
            CookieRule = "matches a cookie by name (canary-by-cookie)",
            MaxHeaders = 1,
            MaxCookies = 1,
            LimitsText = "one header and one cookie condition (canary-by-header, canary-by-cookie)",
        },
        NeedsIngress = true,
        Queries = new BuiltinQueries(NginxQueries.RequestSuccessRate, NginxQueries.RequestDuration) { Counters = NginxQueries.Counters },
    };

    public override TrafficProvider Descriptor => Provider;

    internal override IEnumerable<YamlMap> Render(RoutingContext context)
    {
        var ingress = context.App.FindIngress(context.Spec);
        if (ingress.Text("apiVersion") != "networking.k8s.io/v1")
        {
            throw KubeObject.Invalid(
                $"Ingress {KubeObject.Name(ingress)} is {ingress.Text("apiVersion")}; Graystep renders networking.k8s.io/v1 Ingresses",
                "convert the Ingress to networking.k8s.io/v1 (spec.rules[].http.paths[].backend.service)");
        }

        // <svc> keeps serving in-cluster clients: it selects the stable version.
        yield return context.Services.Render(context.ServiceName, context.Stable);
        foreach (var version in context.LiveVersions)
        {
            yield return context.Services.Render(VersionName.Named(context.ServiceName, version), version);
        }

        foreach (var other in context.Services.Others())
        {
            yield return other;
        }

        var name = KubeObject.Name(ingress);
        yield return IngressFor(context, ingress, name, context.Stable, new SortedDictionary<string, string>(StringComparer.Ordinal));
        if (context.Canary is not null)
        {
            // The user's own canary Ingress for the service, when they wrote one, keeps its name and other fields.
            var userCanary = context.App.UseAsBase(
                "Ingress",
                i => i.Map("metadata")?.Map("annotations")?.Text(Canary) == "true" && AppManifests.IngressBackends(i).Any(b => b.Text("name") == context.ServiceName),
                "Graystep sets its canary annotations and points its backends at the canary's Service");
            yield return IngressFor(context, userCanary ?? ingress, userCanary is null ? $"{name}-canary" : KubeObject.Name(userCanary), context.Canary, CanaryAnnotations(context));
        }
    }

    private static YamlMap IngressFor(
        RoutingContext context, YamlMap template, string name, string version, IReadOnlyDictionary<string, string> canaryAnnotations)
    {
        var ingress = KubeObject.CopyAs(template, name, context.Namespace);
        var annotations = ingress.GetOrAddMap("metadata").GetOrAddMap("annotations");
        foreach (var key in annotations.Keys.Where(k => k.StartsWith(Canary, StringComparison.Ordinal)).ToList())
        {
            annotations.Remove(key);
        }

        foreach (var (key, value) in canaryAnnotations)
        {
            annotations[key] = value;
        }

        foreach (var backend in AppManifests.IngressBackends(ingress).Where(b => b.Text("name") == context.ServiceName))
        {
            backend["name"] = VersionName.Named(context.ServiceName, version);
        }

        KubeObject.Normalize(ingress);
        return ingress;
    }

    private static SortedDictionary<string, string> CanaryAnnotations(RoutingContext context)
    {
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal) { [Canary] = "true" };
        if (!context.MatchActive)
        {
            annotations[Canary + "-weight"] = context.CanaryWeight.ToString(CultureInfo.InvariantCulture);
            return annotations;
        }

        string? header = null;
        StringMatch? headerMatch = null;
        string? cookie = null;
        foreach (var rule in context.Match)
        {
            if (rule.QueryParams.Count > 0)
            {
                throw KubeObject.Invalid(
                    "NGINX ingress cannot route on query parameters (analysis.match[].queryParams)",
                    "match on one header or one cookie, or use the istio or gateway-api provider");
            }

            foreach (var (name, match) in rule.Headers)
            {
                if (string.Equals(name, "cookie", StringComparison.OrdinalIgnoreCase) && match.Kind == StringMatchKind.Exact)
                {
                    // Flagger's form: a cookie header naming the cookie that must be "always".
                    Set(ref cookie, match.Value, "cookie");
                }
                else
                {
                    Set(ref header, name, "header");
                    headerMatch = match;
                }
            }

            foreach (var (name, match) in rule.Cookies)
            {
                if (match.Kind != StringMatchKind.Exact || match.Value != "always")
                {
                    throw KubeObject.Invalid(
                        $"NGINX ingress routes a cookie to the canary only when its value is \"always\" (cookie {name})",
                        $"match the cookie {name} with exact: always");
                }

                Set(ref cookie, name, "cookie");
            }
        }

        if (header is not null)
        {
            annotations[Canary + "-by-header"] = header;
            if (headerMatch!.Kind == StringMatchKind.Exact)
            {
                annotations[Canary + "-by-header-value"] = headerMatch.Value;
            }
            else
            {
                annotations[Canary + "-by-header-pattern"] = MatchText.AsRegex(headerMatch);
            }
        }

        if (cookie is not null)
        {
            annotations[Canary + "-by-cookie"] = cookie;
        }

        return annotations;
    }

    private static void Set(ref string? slot, string value, string what)
    {
        if (slot is not null && slot != value)
        {
            throw KubeObject.Invalid(
                $"NGINX ingress can route on one {what} only; analysis.match names {slot} and {value}",
                $"keep one {what} condition, or use the istio or gateway-api provider");
        }

        slot = value;
    }
}
