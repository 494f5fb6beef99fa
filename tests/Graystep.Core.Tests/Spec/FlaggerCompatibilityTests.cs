using Graystep.Core.Manifests;
using Graystep.Core.Spec;
using static Graystep.Core.Tests.Spec.SpecFixtures;
using Graystep.TestKit;

namespace Graystep.Core.Tests.Spec;

/// <summary>A Flagger user changes nothing: every field of Flagger's Canary CRD is accepted, even those Graystep ignores.</summary>
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
        """;

    [Fact]
    public void Every_field_of_flaggers_canary_crd_is_accepted()
    {
        var set = SpecLoader.Load([new SourceFile("app/targets.yaml", Targets), new SourceFile("app/canary.yaml", EveryField)], StandardProviders.Catalogue);

        Assert.Empty(Problems(set));
        var spec = Assert.Single(set.Rollouts);
        Assert.Equal(25, spec.Analysis.StepWeightPromotion);
        Assert.Equal("http", spec.Service.TargetPort);
        Assert.Equal(6, spec.Analysis.Webhooks.Count);
        Assert.Equal(
            [WebhookType.ConfirmRollout, WebhookType.ConfirmTrafficIncrease, WebhookType.ConfirmPromotion, WebhookType.PostRollout, WebhookType.Rollback, WebhookType.Event],
            spec.Analysis.Webhooks.Select(w => w.Type));
        Assert.Equal((true, 3), (spec.Analysis.Webhooks[1].MuteAlert, spec.Analysis.Webhooks[2].Retries));
        // A hook without a timeout gets Flagger's 10s; one with a timeout keeps it.
        Assert.Equal([10, 10, 10, 15, 10, 10], spec.Analysis.Webhooks.Select(w => w.Timeout.TotalSeconds));
        Assert.Equal("sum(up)", spec.Analysis.Metrics[2].Query);
        Assert.Equal(new TargetRef("Ingress", "reviews", "networking.k8s.io/v1"), spec.IngressRef);
    }

    [Fact]
    public void The_same_fields_are_accepted_by_a_graystep_rollout()
    {
        var rollout = EveryField.With("flagger.app/v1beta1", "graystep.io/v1alpha1").With("kind: Canary", "kind: Rollout");

        Assert.Empty(Problems(SpecLoader.Load([new SourceFile("app/targets.yaml", Targets), new SourceFile("app/rollout.yaml", rollout)], StandardProviders.Catalogue)));
    }

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
