using System.Globalization;
using System.Text;

namespace Graystep.Sandbox.Tests.Support;

/// <summary>
/// Rendered files written by hand, the way CONVENTIONS.md pins them: one object per file named
/// <c>&lt;kind&gt;-&lt;name&gt;.yaml</c>, first line <c># graystep: rendered</c>, versions selected by <c>version: &lt;v&gt;</c>.
/// </summary>
internal static class Rendered
{
    public const string Marker = "# graystep: rendered\n";

    public static (string Path, string? Text) File(string folder, string kind, string name, string body) =>
        ($"{folder}/{kind.ToLowerInvariant()}-{name}.yaml", Marker + body);

    public static (string Path, string? Text) Deployment(string folder, string ns, string target, string version, string image, int replicas = 1) =>
        File(folder, "Deployment", $"{target}-{version}", $"""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {target}-{version}
              namespace: {ns}
              labels:
                app: {target}
                version: {version}
            spec:
              replicas: {replicas.ToString(CultureInfo.InvariantCulture)}
              selector:
                matchLabels:
                  app: {target}
                  version: {version}
              template:
                metadata:
                  labels:
                    app: {target}
                    version: {version}
                spec:
                  containers:
                    - name: {target}
                      image: {image}
                      ports:
                        - containerPort: 9080

            """);

    /// <summary>A Service selecting the app, and a version when given.</summary>
    public static (string Path, string? Text) Service(string folder, string ns, string name, string app, string? version = null, int port = 9080) =>
        File(folder, "Service", name, $"""
            apiVersion: v1
            kind: Service
            metadata:
              name: {name}
              namespace: {ns}
            spec:
              selector:
                app: {app}
            {(version is null ? string.Empty : $"    version: {version}\n")}  ports:
                - name: http
                  port: {port.ToString(CultureInfo.InvariantCulture)}
                  targetPort: 9080

            """);

    public static (string Path, string? Text) DestinationRule(string folder, string ns, string svc, params string[] versions)
    {
        var sb = new StringBuilder($"""
            apiVersion: networking.istio.io/v1beta1
            kind: DestinationRule
            metadata:
              name: {svc}
              namespace: {ns}
            spec:
              host: {svc}
              subsets:

            """);
        foreach (var v in versions)
        {
            sb.Append(CultureInfo.InvariantCulture, $"    - name: {v}\n      labels:\n        version: {v}\n");
        }

        return File(folder, "DestinationRule", svc, sb.ToString());
    }

    /// <summary>A VirtualService; <paramref name="http"/> is the YAML of the http routes, indented by 4.</summary>
    public static (string Path, string? Text) VirtualService(string folder, string ns, string svc, string http) =>
        File(folder, "VirtualService", svc, $"""
            apiVersion: networking.istio.io/v1beta1
            kind: VirtualService
            metadata:
              name: {svc}
              namespace: {ns}
            spec:
              hosts:
                - {svc}
              http:
            {http}
            """);

    public static string IstioWeighted(string svc, string stable, int stableWeight, string canary, int canaryWeight) => $"""
            - route:
                - destination:
                    host: {svc}
                    subset: {stable}
                  weight: {stableWeight.ToString(CultureInfo.InvariantCulture)}
                - destination:
                    host: {svc}
                    subset: {canary}
                  weight: {canaryWeight.ToString(CultureInfo.InvariantCulture)}

        """;

    /// <summary>Flagger's A/B shape: the match route to the canary first, then the default route to the stable.</summary>
    public static string IstioAb(string svc, string stable, string canary, string matchYaml) => $"""
            - match:
        {matchYaml}
              route:
                - destination:
                    host: {svc}
                    subset: {canary}
            - route:
                - destination:
                    host: {svc}
                    subset: {stable}
                  weight: 100

        """;

    /// <summary>Flagger's match with step weights, as Graystep renders it: the matching requests split, the others on stable.</summary>
    public static string IstioWeightedMatch(string svc, string stable, string canary, int canaryWeight, string matchYaml) => $"""
            - match:
        {matchYaml}
              route:
                - destination:
                    host: {svc}
                    subset: {stable}
                  weight: {(100 - canaryWeight).ToString(CultureInfo.InvariantCulture)}
                - destination:
                    host: {svc}
                    subset: {canary}
                  weight: {canaryWeight.ToString(CultureInfo.InvariantCulture)}
            - route:
                - destination:
                    host: {svc}
                    subset: {stable}
                  weight: 100

        """;

    public static string IstioMirror(string svc, string stable, string canary, int percent) => $"""
            - route:
                - destination:
                    host: {svc}
                    subset: {stable}
                  weight: 100
                - destination:
                    host: {svc}
                    subset: {canary}
                  weight: 0
              mirror:
                host: {svc}
                subset: {canary}
              mirrorPercentage:
                value: {percent.ToString(CultureInfo.InvariantCulture)}

        """;

    public static (string Path, string? Text) Ingress(string folder, string ns, string name, string backend, int port, IReadOnlyDictionary<string, string>? annotations = null)
    {
        var ann = annotations is null || annotations.Count == 0
            ? string.Empty
            : "  annotations:\n" + string.Concat(annotations.Select(a => $"    {a.Key}: \"{a.Value}\"\n"));
        return File(folder, "Ingress", name, $"""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: {name}
              namespace: {ns}
            {ann}spec:
              ingressClassName: nginx
              rules:
                - host: app.example.com
                  http:
                    paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: {backend}
                            port:
                              number: {port.ToString(CultureInfo.InvariantCulture)}

            """);
    }

    public static (string Path, string? Text) HttpRoute(string folder, string ns, string svc, string rules) =>
        File(folder, "HTTPRoute", svc, $"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: {svc}
              namespace: {ns}
            spec:
              parentRefs:
                - name: public-gateway
                  namespace: gateway
              hostnames:
                - app.example.com
              rules:
            {rules}
            """);

    public static string GatewayWeighted(string svc, string stable, int stableWeight, string canary, int canaryWeight, string? extra = null) => $"""
            - backendRefs:
                - name: {svc}-{stable}
                  port: 9898
                  weight: {stableWeight.ToString(CultureInfo.InvariantCulture)}
                - name: {svc}-{canary}
                  port: 9898
                  weight: {canaryWeight.ToString(CultureInfo.InvariantCulture)}
        {extra ?? string.Empty}
        """;

    public static (string Path, string? Text) Kustomization(string folder, params string[] resources) =>
        ($"{folder}/kustomization.yaml", Marker + "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
            + string.Concat(resources.Order(StringComparer.Ordinal).Select(r => $"  - {r}\n")));

    /// <summary>The istio app of the tests: bookinfo/reviews with two versions and the given routes.</summary>
    public static (string Path, string? Text)[] IstioApp(string folder, string http, string stable = "v1", string canary = "v2") =>
    [
        Deployment(folder, "bookinfo", "reviews", stable, $"docker.io/istio/examples-bookinfo-reviews-{stable}:1.20.1", replicas: 2),
        Deployment(folder, "bookinfo", "reviews", canary, $"docker.io/istio/examples-bookinfo-reviews-{canary}:1.20.1", replicas: 2),
        Service(folder, "bookinfo", "reviews", "reviews"),
        DestinationRule(folder, "bookinfo", "reviews", stable, canary),
        VirtualService(folder, "bookinfo", "reviews", http),
    ];
}
