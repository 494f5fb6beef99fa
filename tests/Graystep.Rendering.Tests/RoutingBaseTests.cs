using System.Text.Json.Nodes;
using Graystep.Core.Errors;
using Graystep.Core.Spec;
using Graystep.Rendering.Tests.Support;

namespace Graystep.Rendering.Tests;

/// <summary>
/// The user's own routing object for the rollout's service (a VirtualService, DestinationRule, HTTPRoute or NGINX
/// canary Ingress) is the base Graystep edits, as Argo Rollouts does: only the destinations and weights of the routes
/// to the service change, every other route and field reaches the output as written, and render says so.
/// </summary>
public sealed class RoutingBaseTests
{
    private readonly ManifestRenderer _renderer = new();

    /// <summary>A fault drill and a redirect beside the route to reviews, which has a timeout and retries of its own.</summary>
    private const string ReviewsRoutes = """
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: reviews-routes, namespace: bookinfo, labels: {team: books}}
        spec:
          hosts: [reviews]
          gateways: [mesh]
          http:
            - name: fault-drill
              match: [{headers: {x-drill: {exact: abort}}}]
              fault: {abort: {httpStatus: 503, percentage: {value: 100}}}
              route: [{destination: {host: ratings}}]
            - name: legacy
              match: [{uri: {prefix: /legacy}}]
              redirect: {uri: /reviews}
            - name: primary
              timeout: 3s
              retries: {attempts: 2, perTryTimeout: 1s}
              route: [{destination: {host: reviews.bookinfo.svc.cluster.local, subset: v1, port: {number: 9080}}}]
        """;

    [Fact]
    public void The_users_VirtualService_keeps_every_route_and_field_and_gets_the_weights()
    {
        var (output, user) = Render("istio-canary-w20", "templates/vs.yaml", ReviewsRoutes);

        Assert.Null(output.Find("virtualservice-reviews.yaml"));
        var vs = Yaml(output, "virtualservice-reviews-routes.yaml");
        var http = vs["spec"]!["http"]!.AsArray();
        var written = user["spec"]!["http"]!.AsArray();
        Assert.Equal(3, http.Count);
        Assert.True(JsonNode.DeepEquals(written[0], http[0]), http[0]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(written[1], http[1]), http[1]!.ToJsonString());
        Assert.Equal("""{"name":"primary","timeout":"3s","retries":{"attempts":2,"perTryTimeout":"1s"},"route":[{"destination":{"host":"reviews","subset":"v1","port":{"number":9080}},"weight":80},{"destination":{"host":"reviews","subset":"v2","port":{"number":9080}},"weight":20}]}""", http[2]!.ToJsonString());
        Assert.Equal("books", vs["metadata"]!["labels"]!["team"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(user["spec"]!["hosts"], vs["spec"]!["hosts"]));

        var edited = Assert.Single(output.Edited);
        Assert.Equal(("VirtualService", "reviews-routes", "templates/vs.yaml", 1, "virtualservice-reviews-routes.yaml"), (edited.Kind, edited.Name, edited.File, edited.Line, edited.OutputFile));
        Assert.DoesNotContain(output.PassedThrough, p => p.Kind == "VirtualService");
        Assert.DoesNotContain("virtualservice-reviews-routes.yaml", output.Generated);
        Assert.Contains("deployment-reviews-v2.yaml", output.Generated);
    }

    [Fact]
    public void Without_a_canary_the_users_route_goes_to_the_stable_subset_only()
    {
        var (output, _) = Render("istio-stable", "templates/vs.yaml", ReviewsRoutes);

        var route = Yaml(output, "virtualservice-reviews-routes.yaml")["spec"]!["http"]![2]!["route"]!.AsArray();
        Assert.Equal("""[{"destination":{"host":"reviews","subset":"v1","port":{"number":9080}},"weight":100}]""", route.ToJsonString());
    }

    [Fact]
    public void A_B_conditions_are_merged_into_the_users_route_match()
    {
        var (output, _) = Render("istio-ab-match", "templates/vs.yaml", """
            apiVersion: networking.istio.io/v1beta1
            kind: VirtualService
            metadata: {name: abtest, namespace: test}
            spec:
              hosts: [abtest]
              http:
                - match: [{uri: {prefix: /api}}]
                  route: [{destination: {host: abtest}}]
                - route: [{destination: {host: static-site}}]
            """);

        var http = Yaml(output, "virtualservice-abtest.yaml")["spec"]!["http"]!.AsArray();
        Assert.Equal(3, http.Count);
        // Every A/B rule keeps the user's /api condition, and only the canary gets them.
        var ab = http[0]!;
        Assert.All(ab["match"]!.AsArray(), m => Assert.Equal("/api", m!["uri"]!["prefix"]!.GetValue<string>()));
        Assert.True(ab["match"]!.AsArray().Count >= 1);
        Assert.Equal("""[{"destination":{"host":"abtest","subset":"v2"},"weight":100}]""", ab["route"]!.ToJsonString());
        Assert.Equal("""{"match":[{"uri":{"prefix":"/api"}}],"route":[{"destination":{"host":"abtest","subset":"v1"},"weight":100},{"destination":{"host":"abtest","subset":"v2"},"weight":0}]}""", http[1]!.ToJsonString());
        Assert.Equal("""{"route":[{"destination":{"host":"static-site"}}]}""", http[2]!.ToJsonString());
    }

    [Fact]
    public void The_users_DestinationRule_keeps_its_policy_and_other_subsets()
    {
        var (output, _) = Render("istio-canary-w20", "templates/dr.yaml", """
            apiVersion: networking.istio.io/v1beta1
            kind: DestinationRule
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              host: reviews.bookinfo.svc.cluster.local
              trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}
              subsets:
                - {name: v1, labels: {version: v1}}
                - {name: v3, labels: {version: v3}, trafficPolicy: {connectionPool: {tcp: {maxConnections: 10}}}}
            """);

        var rule = Yaml(output, "destinationrule-reviews.yaml")["spec"]!;
        Assert.Equal("reviews.bookinfo.svc.cluster.local", rule["host"]!.GetValue<string>());
        Assert.Equal("""{"loadBalancer":{"simple":"LEAST_REQUEST"}}""", rule["trafficPolicy"]!.ToJsonString());
        Assert.Equal(["v1", "v2", "v3"], rule["subsets"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        Assert.Equal("""{"connectionPool":{"tcp":{"maxConnections":10}}}""", rule["subsets"]![2]!["trafficPolicy"]!.ToJsonString());
        Assert.Equal("DestinationRule", Assert.Single(output.Edited).Kind);
    }

    [Theory]
    [InlineData("""
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: one, namespace: bookinfo}
        spec: {hosts: [reviews], http: [{route: [{destination: {host: reviews}}]}]}
        ---
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: two, namespace: bookinfo}
        spec: {hosts: [reviews.bookinfo], http: [{route: [{destination: {host: reviews}}]}]}
        """, "several VirtualServices route the rollout's service reviews: one (templates/vs.yaml:1), two (templates/vs.yaml:6)")]
    [InlineData("""
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: mixed, namespace: bookinfo}
        spec: {hosts: [reviews], http: [{route: [{destination: {host: reviews}, weight: 90}, {destination: {host: ratings}, weight: 10}]}]}
        """, "VirtualService mixed: a route sends traffic to the rollout's service reviews and to other hosts")]
    [InlineData("""
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: elsewhere, namespace: bookinfo}
        spec: {hosts: [reviews], http: [{route: [{destination: {host: ratings}}]}]}
        """, "VirtualService elsewhere routes the rollout's host, but none of its http routes has the service reviews as its destination")]
    [InlineData("""
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: tcp, namespace: bookinfo}
        spec: {hosts: [reviews], tcp: [{route: [{destination: {host: reviews}}]}], http: [{route: [{destination: {host: reviews}}]}]}
        """, "VirtualService tcp has a tcp route to the rollout's service reviews; Graystep splits http routes only")]
    [InlineData("""
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: other-gateway, namespace: bookinfo}
        spec: {hosts: [reviews], gateways: [public], http: [{route: [{destination: {host: reviews}}]}]}
        """, "service.gateways (mesh) differs from the gateways of VirtualService other-gateway (public)")]
    public void A_VirtualService_Graystep_cannot_edit_safely_is_refused_with_the_reason(string yaml, string expected)
    {
        var error = Assert.Throws<GraystepException>(() => Render("istio-canary-w20", "templates/vs.yaml", yaml));

        Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(error.Hint));
    }

    [Fact]
    public void A_route_field_set_in_the_spec_and_in_the_users_route_to_two_values_is_refused()
    {
        var request = RenderCases.Get("istio-canary-w20");
        var spec = request.Spec with
        {
            Service = request.Spec.Service with { RouteFields = [new("timeout", new YamlDotNet.RepresentationModel.YamlScalarNode("10s"))] },
        };

        var error = Assert.Throws<GraystepException>(() => _renderer.Render(request with
        {
            Spec = spec,
            Manifests = [.. request.Manifests, .. Manifests.Parse("templates/vs.yaml", ReviewsRoutes)],
        }));

        Assert.Contains("service.timeout and VirtualService reviews-routes set different values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_users_HTTPRoute_keeps_its_other_rules_filters_and_parents()
    {
        var request = RenderCases.Get("gatewayapi-canary-w20");
        var service = Specs.ServiceName(request);
        var gateway = request.Spec.Service.GatewayRefs[0];
        var (output, user) = Render("gatewayapi-canary-w20", "templates/route.yaml", $$$"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: site, namespace: {{{request.Spec.Namespace}}} }
            spec:
              parentRefs: [{name: {{{gateway.Name}}}, namespace: {{{gateway.Namespace}}}, sectionName: https}]
              hostnames: [www.example.com]
              rules:
                - matches: [{path: {type: PathPrefix, value: /status}}]
                  backendRefs: [{name: status-page, port: 80}]
                - matches: [{path: {type: PathPrefix, value: /}}]
                  filters: [{type: RequestHeaderModifier, requestHeaderModifier: {add: [{name: x-env, value: prod}]}}]
                  timeouts: {request: 10s}
                  backendRefs: [{name: {{{service}}}, port: 9898}]
            """);

        var route = Yaml(output, "httproute-site.yaml");
        Assert.Null(output.Find($"httproute-{service}.yaml"));
        var rules = route["spec"]!["rules"]!.AsArray();
        Assert.Equal(2, rules.Count);
        Assert.True(JsonNode.DeepEquals(user["spec"]!["rules"]![0], rules[0]));
        Assert.True(JsonNode.DeepEquals(user["spec"]!["parentRefs"], route["spec"]!["parentRefs"]));
        Assert.True(JsonNode.DeepEquals(user["spec"]!["hostnames"], route["spec"]!["hostnames"]));
        var edited = rules[1]!;
        Assert.True(JsonNode.DeepEquals(user["spec"]!["rules"]![1]!["filters"], edited["filters"]));
        Assert.True(JsonNode.DeepEquals(user["spec"]!["rules"]![1]!["timeouts"], edited["timeouts"]));
        Assert.Equal($$$"""[{"name":"{{{service}}}-v1","port":9898,"weight":80},{"name":"{{{service}}}-v2","port":9898,"weight":20}]""", edited["backendRefs"]!.ToJsonString());
        Assert.Equal("HTTPRoute site", Assert.Single(output.Edited) is var e ? $"{e.Kind} {e.Name}" : null);
    }

    [Fact]
    public void The_users_NGINX_canary_Ingress_keeps_its_name_and_annotations()
    {
        var request = RenderCases.Get("nginx-canary-w20");
        var service = Specs.ServiceName(request);
        var (output, _) = Render("nginx-canary-w20", "templates/canary.yaml", $$$"""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: hello-canary-by-hand
              namespace: {{{request.Spec.Namespace}}}
              annotations:
                nginx.ingress.kubernetes.io/canary: "true"
                nginx.ingress.kubernetes.io/canary-weight: "5"
                nginx.ingress.kubernetes.io/proxy-body-size: 8m
            spec:
              ingressClassName: nginx
              rules:
                - host: hi.k8sdemo.com
                  http: {paths: [{path: /hello, pathType: Prefix, backend: {service: {name: {{{service}}}, port: {number: 5678} } } }]}
            """);

        var canary = Yaml(output, "ingress-hello-canary-by-hand.yaml");
        Assert.DoesNotContain(output.Paths, p => p.EndsWith("-canary.yaml", StringComparison.Ordinal) && p.StartsWith("ingress-", StringComparison.Ordinal));
        var annotations = canary["metadata"]!["annotations"]!;
        Assert.Equal("20", annotations["nginx.ingress.kubernetes.io/canary-weight"]!.GetValue<string>());
        Assert.Equal("8m", annotations["nginx.ingress.kubernetes.io/proxy-body-size"]!.GetValue<string>());
        Assert.Equal($"{service}-v2", canary["spec"]!["rules"]![0]!["http"]!["paths"]![0]!["backend"]!["service"]!["name"]!.GetValue<string>());
        Assert.Equal(["Ingress hello", "Ingress hello-canary-by-hand"], output.Edited.Select(x => $"{x.Kind} {x.Name}").Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("      - headers: {x-a: {prefix: b}}\n", "service.match headers.x-a: Gateway API's HTTPRouteMatch cannot express it")]
    [InlineData("      - ignoreUriCase: true\n", "service.match ignoreUriCase: Gateway API's HTTPRouteMatch cannot express it")]
    public void A_service_match_Gateway_API_cannot_say_is_refused(string entry, string expected)
    {
        var spec = Specs.Loaded("gateway-api", "rollout.yaml", y => y.Replace("    hosts: [app.example.com]\n", "    hosts: [app.example.com]\n    match:\n" + entry, StringComparison.Ordinal));
        Assert.NotNull(spec.Service.Match);

        var error = Assert.Throws<GraystepException>(() => _renderer.Render(RenderCases.Get("gatewayapi-canary-w20") with { Spec = spec }));

        Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private (RenderedOutput Output, JsonNode User) Render(string renderCase, string file, string yaml)
    {
        var request = RenderCases.Get(renderCase);
        var docs = Manifests.Parse(file, yaml);
        var output = _renderer.Render(request with { Manifests = [.. request.Manifests, .. docs] });
        return (output, YamlJson.Convert(docs[0].Root)!);
    }

    private static JsonNode Yaml(RenderedOutput output, string file)
    {
        var found = output.Find(file);
        Assert.True(found is not null, $"{file} is missing from {string.Join(", ", output.Paths)}");
        return YamlJson.Convert(found.Content)!;
    }
}
