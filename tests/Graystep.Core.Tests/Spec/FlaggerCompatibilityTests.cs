using Graystep.Core.Manifests;
using Graystep.Core.Spec;
using static Graystep.Core.Tests.Spec.SpecFixtures;
using Graystep.TestKit;

namespace Graystep.Core.Tests.Spec;

/// <summary>
/// A Flagger user changes nothing that Graystep can do: every field of Flagger's Canary CRD is honoured, refused with
/// the reason, or accepted with a warning when it means nothing outside the cluster. None is dropped silently.
/// </summary>
public sealed class FlaggerCompatibilityTests
{
    private const string EveryField = """
        apiVersion: flagger.app/v1beta1
        kind: Canary
        metadata:
          name: reviews
          namespace: bookinfo
          labels: {app: reviews}
          annotations: {fluxcd.io/automated: "true"}
          finalizers: [finalizers.flagger.app]
          generation: 3
          resourceVersion: "12345"
          uid: 0b1f1a2c-0000-0000-0000-000000000000
          creationTimestamp: "2024-01-01T00:00:00Z"
        spec:
          provider: istio
          metricsServer: http://prometheus.istio-system:9090
          targetRef: {apiVersion: apps/v1, kind: Deployment, name: reviews}
          autoscalerRef:
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            name: reviews
            primaryScalerQueries: {q: "sum(rate(x[1m]))"}
            primaryScalerReplicas: {minReplicas: 2, maxReplicas: 5}
          ingressRef: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: reviews}
          routeRef: {apiVersion: apisix.apache.org/v2, kind: ApisixRoute, name: reviews}
          upstreamRef: {apiVersion: gloo.solo.io/v1, kind: Upstream, name: reviews, namespace: gloo-system}
          progressDeadlineSeconds: 120
          skipAnalysis: false
          revertOnDeletion: true
          suspend: false
          service:
            name: reviews
            port: 9080
            portName: http
            appProtocol: http
            trafficDistribution: PreferClose
            targetPort: http
            portDiscovery: true
            headless: false
            timeout: 30s
            backendTimeout: 10s
            meshName: global
            backends: [ratings]
            hosts: [reviews]
            delegation: false
            gateways: [mesh]
            gatewayRefs: [{name: gateway, namespace: istio-ingress, group: gateway.networking.k8s.io, kind: Gateway, sectionName: http, port: 80}]
            match: [{uri: {prefix: /api}}]
            rewrite: {uri: /, authority: reviews, type: ReplacePrefixMatch}
            retries: {attempts: 3, perTryTimeout: 1s, retryOn: "gateway-error,connect-failure,refused-stream"}
            headers:
              request: {add: {x-some-header: value}}
              response: {remove: [x-envoy-upstream-service-time]}
            corsPolicy: {allowOrigin: [example.com], allowMethods: [GET], allowCredentials: false, maxAge: 24h}
            trafficPolicy:
              tls: {mode: ISTIO_MUTUAL}
              loadBalancer: {simple: LEAST_REQUEST}
            mirror: [{backendRef: {name: reviews-shadow, port: 9080}}]
            apex: {labels: {tier: apex}, annotations: {a: b}}
            primary: {labels: {tier: primary}}
            canary: {annotations: {c: d}}
            unmanagedMetadata: {labels: [x], annotations: [y]}
          analysis:
            interval: 1m
            threshold: 5
            maxWeight: 50
            stepWeight: 10
            stepWeightPromotion: 25
            match: [{headers: {x-canary: {exact: insider}}, sourceLabels: {app: tester}}]
            primaryReadyThreshold: 100
            canaryReadyThreshold: 100
            sessionAffinity: {cookieName: flagger-cookie, maxAge: 21600, primaryCookieName: primary, domain: example.com, httpOnly: true, partitioned: false, path: /, sameSite: Lax, secure: true}
            alerts:
              - name: on-call
                severity: error
                providerRef: {name: on-call, namespace: flagger}
            metrics:
              - {name: request-success-rate, thresholdRange: {min: 99}, interval: 1m}
              - {name: request-duration, threshold: 500, interval: 30s}
              - {name: custom, query: "sum(up)", thresholdRange: {min: 1}}
            webhooks:
              - {name: gate, type: confirm-rollout, url: http://flagger-loadtester.test/gate/approve}
              - {name: traffic, type: confirm-traffic-increase, url: http://flagger-loadtester.test/gate/approve, muteAlert: true}
              - {name: promote, type: confirm-promotion, url: http://flagger-loadtester.test/gate/approve, retries: 3, disableTLS: true}
              - {name: done, type: post-rollout, url: http://flagger-loadtester.test/, timeout: 15s}
              - {name: abort, type: rollback, url: http://flagger-loadtester.test/rollback/check}
              - {name: events, type: event, url: http://event-recorder.test/}
        status:
          phase: Succeeded
          canaryWeight: 0
        """;

    private const string Targets = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: reviews, namespace: bookinfo}
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: reviews, namespace: bookinfo}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: reviews, namespace: bookinfo}
        ---
        apiVersion: flagger.app/v1beta1
        kind: AlertProvider
        metadata: {name: on-call, namespace: flagger}
        spec: {type: slack, channel: on-call, secretRef: {name: slack-url}}
        """;

    /// <summary>The fields EveryField sets that Graystep cannot do: each one is refused where it is written.</summary>
    private static readonly string[] Refused =
    [
        "spec.autoscalerRef.primaryScalerQueries", "spec.autoscalerRef.primaryScalerReplicas", "spec.routeRef", "spec.upstreamRef",
        "spec.service.appProtocol", "spec.service.trafficDistribution", "spec.service.backendTimeout", "spec.service.meshName",
        "spec.service.backends", "spec.service.rewrite.type", "spec.service.mirror", "spec.service.apex", "spec.service.primary",
        "spec.service.canary", "spec.analysis.match[0].sourceLabels", "spec.analysis.sessionAffinity",
    ];

    /// <summary>The fields EveryField sets that mean nothing outside the cluster: accepted, each with a warning.</summary>
    private static readonly string[] Warned =
    [
        "metadata.labels", "metadata.annotations", "metadata.finalizers", "metadata.generation", "metadata.resourceVersion",
        "metadata.uid", "metadata.creationTimestamp", "spec.revertOnDeletion", "spec.service.portDiscovery",
        "spec.service.unmanagedMetadata", "spec.analysis.primaryReadyThreshold", "spec.analysis.canaryReadyThreshold",
        "spec.analysis.webhooks[2].disableTLS", "status",
    ];

    [Fact]
    public void Every_field_of_flaggers_canary_crd_is_honoured_refused_or_warned()
    {
        var set = SpecLoader.Load([new SourceFile("app/targets.yaml", Targets), new SourceFile("app/canary.yaml", EveryField)], StandardProviders.Catalogue);

        Assert.Equal(Refused.Order(StringComparer.Ordinal), set.Problems.Select(p => p.FieldPath).Order(StringComparer.Ordinal));
        Assert.Equal(Warned.Order(StringComparer.Ordinal), set.Warnings.Select(p => p.FieldPath).Order(StringComparer.Ordinal));
        Assert.Contains(
            "app/canary.yaml:24:3: spec.routeRef: Flagger's Gloo/Kuma route reference; those providers are not supported. Use provider istio, nginx, gateway-api or kubernetes.",
            Problems(set));
        Assert.Contains(set.Warnings, w => w.ToString() ==
            "app/canary.yaml:69:5: spec.analysis.primaryReadyThreshold: no effect: Flagger's pod readiness threshold; the sync gate decides when the cluster runs a commit.");
    }

    [Fact]
    public void Without_the_refused_fields_a_flagger_canary_is_accepted_and_its_istio_fields_are_kept()
    {
        var set = SpecLoader.Load([new SourceFile("app/targets.yaml", Targets), new SourceFile("app/canary.yaml", WithoutRefused(EveryField))], StandardProviders.Catalogue);

        Assert.Empty(Problems(set));
        var spec = Assert.Single(set.Rollouts);
        Assert.Equal(25, spec.Analysis.StepWeightPromotion);
        Assert.Equal("http", spec.Service.TargetPort);
        Assert.Equal(6, spec.Analysis.Webhooks.Count);
        Assert.Equal(
            [WebhookType.ConfirmRollout, WebhookType.ConfirmTrafficIncrease, WebhookType.ConfirmPromotion, WebhookType.PostRollout, WebhookType.Rollback, WebhookType.Event],
            spec.Analysis.Webhooks.Select(w => w.Type));
        Assert.Equal((true, 3), (spec.Analysis.Webhooks[1].MuteAlert, spec.Analysis.Webhooks[2].Retries));
        // Alerts are honoured: the providerRef resolves to the AlertProvider in its namespace.
        var alert = Assert.Single(spec.Analysis.Alerts);
        Assert.Equal((Graystep.Core.Alerts.AlertSeverity.Error, "flagger/on-call", "GRAYSTEP_SECRET_SLACK_URL_ADDRESS"), (alert.Severity, alert.Provider?.Id, alert.Provider?.AddressVariable));
        // A hook without a timeout gets Flagger's 10s; one with a timeout keeps it.
        Assert.Equal([10, 10, 10, 15, 10, 10], spec.Analysis.Webhooks.Select(w => w.Timeout.TotalSeconds));
        Assert.Equal("sum(up)", spec.Analysis.Metrics[2].Query);
        Assert.Equal(new TargetRef("Ingress", "reviews", "networking.k8s.io/v1"), spec.IngressRef);
        Assert.Equal(["rewrite", "timeout", "retries", "corsPolicy", "headers"], spec.Service.RouteFields.Select(f => f.Key));
        Assert.NotNull(spec.Service.TrafficPolicy);
        Assert.Single(spec.Service.Match!.Children);
        // match with stepWeight: a weighted canary for the matching requests, as Flagger's istio router does it.
        Assert.Equal(Strategy.Canary, spec.Strategy);
        Assert.Single(spec.Analysis.Match);
    }

    [Fact]
    public void The_same_fields_get_the_same_treatment_in_a_graystep_rollout()
    {
        var rollout = EveryField.With("flagger.app/v1beta1", "graystep.io/v1alpha1").With("kind: Canary", "kind: Rollout");

        var set = SpecLoader.Load([new SourceFile("app/targets.yaml", Targets), new SourceFile("app/rollout.yaml", rollout)], StandardProviders.Catalogue);

        Assert.Equal(Refused.Order(StringComparer.Ordinal), set.Problems.Select(p => p.FieldPath).Order(StringComparer.Ordinal));
        Assert.Empty(Problems(SpecLoader.Load([new SourceFile("app/targets.yaml", Targets), new SourceFile("app/rollout.yaml", WithoutRefused(rollout))], StandardProviders.Catalogue)));
    }

    [Fact]
    public void Istio_route_fields_are_refused_with_a_provider_that_cannot_render_them()
    {
        var canary = WithoutRefused(EveryField).With("provider: istio", "provider: kubernetes").With("match: [{headers: {x-canary: {exact: insider}}}]", "match: []");

        var problems = SpecLoader.Load([new SourceFile("app/targets.yaml", Targets), new SourceFile("app/canary.yaml", canary)], StandardProviders.Catalogue).Problems;

        foreach (var field in (string[])["timeout", "match", "rewrite", "retries", "headers", "corsPolicy", "trafficPolicy"])
        {
            var problem = Assert.Single(problems, p => p.FieldPath == "spec.service." + field);
            var providers = field is "timeout" or "match" or "rewrite" or "headers" ? "gateway-api or istio" : "istio";
            Assert.StartsWith($"{field} works with provider {providers} only, not kubernetes: ", problem.Message, StringComparison.Ordinal);
            Assert.EndsWith("Remove it, or change the provider.", problem.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Switches_that_are_off_and_empty_blocks_ask_for_nothing_and_are_accepted()
    {
        var rollout = Rollout.With("service: {port: 9080, hosts: [reviews], gateways: [mesh]}",
            "service: {port: 9080, hosts: [reviews], gateways: [mesh], headless: false, delegation: false, apex: {}, mirror: []}");

        Assert.Empty(Problems(Load(rollout)));
        Assert.Equal(["spec.service.headless"], Load(rollout.With("headless: false", "headless: true")).Problems.Select(p => p.FieldPath));
    }

    private static string WithoutRefused(string yaml)
    {
        var kept = yaml.Split('\n').Where(line => !RefusedLines.Any(r => line.TrimStart().StartsWith(r, StringComparison.Ordinal))).ToList();
        return string.Join('\n', kept)
            .With("primaryScalerQueries: {q: \"sum(rate(x[1m]))\"}", string.Empty)
            .With(", type: ReplacePrefixMatch", string.Empty)
            .With(", sourceLabels: {app: tester}", string.Empty);
    }

    private static readonly string[] RefusedLines =
    [
        "primaryScalerReplicas:", "routeRef:", "upstreamRef:", "appProtocol:", "trafficDistribution:", "backendTimeout:", "meshName:",
        "backends:", "mirror:", "apex:", "primary:", "canary:", "sessionAffinity:",
    ];

    [Theory]
    [InlineData("gatewayapi:v1")]
    [InlineData("gatewayapi:v1beta1")]
    [InlineData("gateway-api")]
    public void Flaggers_gateway_api_provider_names_are_gateway_api(string provider)
    {
        var rollout = Rollout
            .With("provider: istio", "provider: " + provider)
            .With("gateways: [mesh]}", "gatewayRefs: [{name: gw}]}");

        var set = Load(rollout);

        Assert.Empty(Problems(set));
        Assert.Equal(StandardProviders.GatewayApi, Assert.Single(set.Rollouts).Provider);
    }

    [Fact]
    public void Gateway_api_needs_gateway_refs_as_in_flagger()
    {
        Assert.Equal(
            ["app/rollout.yaml:7:12: spec.service.gatewayRefs: provider gateway-api needs the Gateways the HTTPRoute attaches to; add service.gatewayRefs: [{name: <gateway>, namespace: <ns>}]"],
            Problems(Load(Rollout.With("provider: istio", "provider: gateway-api"))));
    }
}
