using Graystep.Core.Manifests;
using Graystep.Core.Spec;
using static Graystep.Core.Tests.Spec.SpecFixtures;
using Graystep.TestKit;

namespace Graystep.Core.Tests.Spec;

public sealed class SpecLoaderTests
{
    /// <summary>Flagger's podinfo Canary from its Istio tutorial (docs/gitbook/tutorials/istio-progressive-delivery.md), as it is.</summary>
    private const string PodinfoCanary = """
        apiVersion: flagger.app/v1beta1
        kind: Canary
        metadata:
          name: podinfo
          namespace: test
        spec:
          # deployment reference
          targetRef:
            apiVersion: apps/v1
            kind: Deployment
            name: podinfo
          # the maximum time in seconds for the canary deployment
          # to make progress before it is rollback (default 600s)
          progressDeadlineSeconds: 60
          # HPA reference (optional)
          autoscalerRef:
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            name: podinfo
          service:
            # service port number
            port: 9898
            # container port number or name (optional)
            targetPort: 9898
            # Istio gateways (optional)
            gateways:
            - public-gateway.istio-system.svc.cluster.local
            # Istio virtual service host names (optional)
            hosts:
            - app.example.com
            # Istio traffic policy (optional)
            trafficPolicy:
              tls:
                # use ISTIO_MUTUAL when mTLS is enabled
                mode: DISABLE
            # Istio retry policy (optional)
            retries:
              attempts: 3
              perTryTimeout: 1s
              retryOn: "gateway-error,connect-failure,refused-stream"
          analysis:
            # schedule interval (default 60s)
            interval: 1m
            # max number of failed metric checks before rollback
            threshold: 5
            # max traffic percentage routed to canary
            # percentage (0-100)
            maxWeight: 50
            # canary increment step
            # percentage (0-100)
            stepWeight: 10
            metrics:
            - name: request-success-rate
              # minimum req success rate (non 5xx responses)
              # percentage (0-100)
              thresholdRange:
                min: 99
              interval: 1m
            - name: request-duration
              # maximum req duration P99
              # milliseconds
              thresholdRange:
                max: 500
              interval: 30s
            # testing (optional)
            webhooks:
              - name: acceptance-test
                type: pre-rollout
                url: http://flagger-loadtester.test/
                timeout: 30s
                metadata:
                  type: bash
                  cmd: "curl -sd 'test' http://podinfo-canary:9898/token | grep token"
              - name: load-test
                url: http://flagger-loadtester.test/
                timeout: 5s
                metadata:
                  cmd: "hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/"
        """;

    private const string PodinfoManifests = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: podinfo
          namespace: test
          labels: {app: podinfo}
        spec:
          minReadySeconds: 5
          selector:
            matchLabels: {app: podinfo}
          template:
            metadata:
              labels: {app: podinfo}
            spec:
              containers:
                - name: podinfod
                  image: ghcr.io/stefanprodan/podinfo:6.0.0
                  ports: [{name: http, containerPort: 9898, protocol: TCP}]
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata:
          name: podinfo
          namespace: test
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
          minReplicas: 2
          maxReplicas: 4
          metrics:
            - type: Resource
              resource: {name: cpu, target: {type: Utilization, averageUtilization: 99}}
        """;

    [Fact]
    public void Flaggers_podinfo_canary_parses_with_no_problems_and_gitops_defaults()
    {
        var set = SpecLoader.Load([new SourceFile("podinfo/podinfo.yaml", PodinfoManifests), new SourceFile("podinfo/canary.yaml", PodinfoCanary)], StandardProviders.Catalogue);

        Assert.Empty(Problems(set));
        var spec = Assert.Single(set.Rollouts);
        Assert.Equal(SpecKind.FlaggerCanary, spec.Kind);
        Assert.Equal("test/podinfo", spec.Id);
        Assert.Equal(StandardProviders.Istio, spec.Provider);
        Assert.Equal(new TargetRef("Deployment", "podinfo", "apps/v1"), spec.TargetRef);
        Assert.Equal(new TargetRef("HorizontalPodAutoscaler", "podinfo", "autoscaling/v2"), spec.AutoscalerRef);
        Assert.Equal(60, spec.ProgressDeadlineSeconds);

        Assert.Equal(9898, spec.Service.Port);
        Assert.Equal("9898", spec.Service.TargetPort);
        Assert.Equal("http", spec.Service.PortName);
        Assert.Equal("podinfo", spec.Service.Name);
        Assert.Equal(["public-gateway.istio-system.svc.cluster.local"], spec.Service.Gateways);
        Assert.Equal(["app.example.com"], spec.Service.Hosts);

        var analysis = spec.Analysis;
        Assert.Equal(Strategy.Canary, spec.Strategy);
        Assert.Equal([10, 20, 30, 40, 50], analysis.StepWeights);
        Assert.Equal(5, analysis.StepCount);
        Assert.Equal(TimeSpan.FromMinutes(1), analysis.Interval);
        Assert.Equal(5, analysis.Threshold);
        Assert.Null(analysis.StepWeightPromotion);
        Assert.Collection(
            analysis.Metrics,
            m => Assert.Equal(("request-success-rate", TimeSpan.FromMinutes(1), new ThresholdRange(99, null)), (m.Name, m.Interval, m.ThresholdRange)),
            m => Assert.Equal(("request-duration", TimeSpan.FromSeconds(30), new ThresholdRange(null, 500)), (m.Name, m.Interval, m.ThresholdRange)));
        Assert.Collection(
            analysis.Webhooks,
            w =>
            {
                Assert.Equal(("acceptance-test", WebhookType.PreRollout, new Uri("http://flagger-loadtester.test/"), TimeSpan.FromSeconds(30)), (w.Name, w.Type, w.Url, w.Timeout));
                Assert.Equal("curl -sd 'test' http://podinfo-canary:9898/token | grep token", w.Metadata["cmd"]);
                Assert.Equal("bash", w.Metadata["type"]);
            },
            w => Assert.Equal(("load-test", WebhookType.Rollout, TimeSpan.FromSeconds(5)), (w.Name, w.Type, w.Timeout)));

        // GitOps defaults for the fields a Flagger Canary cannot carry.
        Assert.Equal("rendered/", spec.Output);
        Assert.Equal(new GitSpec { PullRequests = false, MergeMethod = MergeMethod.Squash }, spec.Git);
        Assert.Equal(new ApprovalSpec(), spec.Approvals);
        Assert.Equal(new SyncSpec { Kind = "delay", Delay = TimeSpan.FromSeconds(30) }, spec.Sync);
        Assert.Equal("http://prometheus:9090", spec.MetricsServer);

        Assert.Equal(("podinfo/podinfo.yaml", 1), (spec.Target?.File, spec.Target?.Line));
        Assert.Equal(2, set.Manifests.Count);
        Assert.Equal("podinfo/canary.yaml: test/podinfo (istio): canary 10% → 20% → 30% → 40% → 50%, then promote", SpecSummary.Describe(spec));
    }

    [Fact]
    public void Flaggers_ab_testing_canary_keeps_headers_and_the_cookie_header()
    {
        // From Flagger's Istio A/B testing tutorial.
        var canary = """
            apiVersion: flagger.app/v1beta1
            kind: Canary
            metadata: {name: abtest, namespace: test}
            spec:
              targetRef: {apiVersion: apps/v1, kind: Deployment, name: abtest}
              service:
                port: 80
                targetPort: 9898
                gateways: [public-gateway.istio-system.svc.cluster.local]
                hosts: [abtest.istio.example.com]
              analysis:
                interval: 1m
                threshold: 10
                iterations: 10
                match:
                  - headers:
                      x-canary:
                        regex: ".*insider.*"
                  - headers:
                      cookie:
                        regex: "^(.*?;)?(canary=always)(;.*)?$"
                metrics:
                - name: request-success-rate
                  thresholdRange: {min: 99}
                  interval: 1m
            """;
        var deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: abtest}\nspec: {}\n";

        var set = SpecLoader.Load([new SourceFile("ab/deployment.yaml", deployment), new SourceFile("ab/canary.yaml", canary)], StandardProviders.Catalogue);

        Assert.Empty(Problems(set));
        var spec = Assert.Single(set.Rollouts);
        Assert.Equal(Strategy.ABTesting, spec.Strategy);
        Assert.Equal(10, spec.Analysis.StepCount);
        Assert.Empty(spec.Analysis.StepWeights);
        Assert.Collection(
            spec.Analysis.Match,
            r => Assert.Equal(new StringMatch(StringMatchKind.Regex, ".*insider.*"), r.Headers["x-canary"]),
            r =>
            {
                Assert.Equal(new StringMatch(StringMatchKind.Regex, "^(.*?;)?(canary=always)(;.*)?$"), r.Headers["cookie"]);
                Assert.Empty(r.Cookies);
            });
        Assert.Equal(
            "ab/canary.yaml: test/abtest (istio): A/B testing, 10 iterations on header x-canary regex \".*insider.*\" or header cookie regex \"^(.*?;)?(canary=always)(;.*)?$\"",
            SpecSummary.Describe(spec));
    }

    [Fact]
    public void A_minimal_rollout_gets_flaggers_defaults()
    {
        var rollout = """
            apiVersion: graystep.io/v1alpha1
            kind: Rollout
            metadata: {name: web}
            spec:
              targetRef: {name: web}
              service: {port: 8080}
              analysis: {stepWeight: 20}
            """;
        var deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n";

        var set = SpecLoader.Load([new SourceFile("web.yaml", deployment), new SourceFile("rollout.yaml", rollout)], StandardProviders.Catalogue);

        Assert.Empty(Problems(set));
        var spec = Assert.Single(set.Rollouts);
        Assert.Equal("default/web", spec.Id);
        Assert.Equal(StandardProviders.Istio, spec.Provider);
        Assert.Equal(new TargetRef("Deployment", "web", "apps/v1"), spec.TargetRef);
        Assert.Equal(TimeSpan.FromMinutes(1), spec.Analysis.Interval);
        Assert.Equal(1, spec.Analysis.Threshold);
        Assert.Equal([20, 40, 60, 80, 100], spec.Analysis.StepWeights);
        Assert.Equal(600, spec.ProgressDeadlineSeconds);
        Assert.Equal("8080", spec.Service.TargetPort);
        Assert.Equal("web", spec.Service.Name);
        Assert.Equal("rendered/", spec.Output);
        Assert.Equal("http://prometheus:9090", spec.MetricsServer);
    }

    [Theory]
    [InlineData("stepWeight: 30\n    maxWeight: 50", new[] { 30, 50 })]
    [InlineData("stepWeight: 10\n    maxWeight: 30", new[] { 10, 20, 30 })]
    [InlineData("stepWeight: 25", new[] { 25, 50, 75, 100 })]
    [InlineData("stepWeights: [1, 5, 100]", new[] { 1, 5, 100 })]
    public void Canary_weights_follow_flagger(string analysis, int[] expected)
    {
        var set = Load(Rollout.With("stepWeights: [10, 20, 50]", analysis));

        Assert.Empty(Problems(set));
        Assert.Equal(expected, Assert.Single(set.Rollouts).Analysis.StepWeights);
    }

    [Fact]
    public void Iterations_alone_are_blue_green_and_with_mirror_blue_green_mirroring()
    {
        var blueGreen = Load(Rollout.With("provider: istio", "provider: kubernetes").With("stepWeights: [10, 20, 50]", "iterations: 5"));
        var mirroring = Load(Rollout.With("stepWeights: [10, 20, 50]", "iterations: 3\n    mirror: true\n    mirrorWeight: 50"));

        Assert.Empty(Problems(blueGreen));
        Assert.Empty(Problems(mirroring));
        var bg = Assert.Single(blueGreen.Rollouts);
        var mirror = Assert.Single(mirroring.Rollouts);
        Assert.Equal((Strategy.BlueGreen, 5, StandardProviders.Kubernetes), (bg.Strategy, bg.Analysis.StepCount, bg.Provider));
        Assert.Equal((Strategy.BlueGreenMirroring, 3, true, (int?)50), (mirror.Strategy, mirror.Analysis.Iterations, mirror.Analysis.Mirror, mirror.Analysis.MirrorWeight));
        Assert.Equal("app/rollout.yaml: bookinfo/reviews (kubernetes): blue/green, 5 iterations", SpecSummary.Describe(bg));
        Assert.Equal("app/rollout.yaml: bookinfo/reviews (istio): blue/green with 50% of traffic mirrored, 3 iterations", SpecSummary.Describe(mirror));
    }

    [Fact]
    public void Gateway_api_ab_testing_on_a_query_param_with_a_flagger_provider_name()
    {
        var rollout = Rollout
            .With("provider: istio", "provider: gatewayapi:v1")
            .With("service: {port: 9080, hosts: [reviews], gateways: [mesh]}", "service: {port: 9080, gatewayRefs: [{name: gateway, namespace: istio-ingress}]}")
            .With("stepWeights: [10, 20, 50]", "iterations: 4\n    match: [{queryParams: {beta: {exact: \"on\"}}, headers: {user-id: {regex: \"^(1|2)$\"}}}]");

        var set = Load(rollout);

        Assert.Empty(Problems(set));
        var spec = Assert.Single(set.Rollouts);
        Assert.Equal(StandardProviders.GatewayApi, spec.Provider);
        Assert.Equal([("gateway", "istio-ingress")], spec.Service.GatewayRefs.Select(g => (g.Name, g.Namespace)));
        Assert.NotNull(spec.Service.GatewayRefs[0].Written);
        Assert.Equal(
            "app/rollout.yaml: bookinfo/reviews (gateway-api): A/B testing, 4 iterations on header user-id regex \"^(1|2)$\" and query param beta exact \"on\"",
            SpecSummary.Describe(spec));
    }

    [Fact]
    public void Nginx_finds_the_ingress_that_routes_to_the_service()
    {
        var ingress = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: reviews-public, namespace: bookinfo}
            spec:
              rules:
                - http:
                    paths: [{path: /, pathType: Prefix, backend: {service: {name: reviews, port: {number: 9080}}}}]
            """;
        var rollout = Rollout
            .With("provider: istio", "provider: nginx")
            .With("stepWeights: [10, 20, 50]", "iterations: 5\n    match: [{headers: {x-canary: {exact: insider}, cookie: {exact: canary}}}]");

        var set = Load(rollout, new SourceFile("app/ingress.yaml", ingress));

        Assert.Empty(Problems(set));
        Assert.Equal(new TargetRef("Ingress", "reviews-public", "networking.k8s.io/v1"), Assert.Single(set.Rollouts).IngressRef);
    }

    [Fact]
    public void A_template_ref_resolves_to_the_template_with_its_variables()
    {
        var template = SpecFixtures.NotFoundTemplate.With("response_code!=\"404\"", "response_code!=\"{{ variables.code }}\"");
        var rollout = Rollout.With(
            "{max: 500}}",
            "{max: 500}}\n      - {name: not-found, templateRef: {name: not-found-percentage}, templateVariables: {code: \"404\"}, thresholdRange: {max: 5}}");

        var set = Load(rollout, new SourceFile("app/templates.yaml", template));

        Assert.Empty(Problems(set));
        var metric = Assert.Single(set.Rollouts).Analysis.Metrics[2];
        Assert.Equal(("not-found-percentage", "bookinfo"), (metric.TemplateRef, metric.TemplateNamespace));
        Assert.Same(Assert.Single(set.Templates), metric.Template);
        Assert.Equal("http://prometheus:9090", metric.Template!.Address);
        Assert.StartsWith("100 - sum(rate(istio_requests_total", metric.Template.Query, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_in_another_namespace_needs_the_namespace_in_the_ref()
    {
        var template = SpecFixtures.NotFoundTemplate.With("namespace: bookinfo}", "namespace: flagger}");
        var metric = "\n      - {name: not-found, templateRef: {name: not-found-percentage, namespace: flagger}, thresholdRange: {max: 5}}";

        var found = Load(Rollout.With("{max: 500}}", "{max: 500}}" + metric), new SourceFile("infra/templates.yaml", template));
        var missing = Load(Rollout.With("{max: 500}}", "{max: 500}}" + metric.Replace(", namespace: flagger", "", StringComparison.Ordinal)), new SourceFile("infra/templates.yaml", template));

        Assert.Empty(Problems(found));
        Assert.Equal("flagger", Assert.Single(found.Rollouts).Analysis.Metrics[2].Template?.Namespace);
        Assert.Equal(
            ["app/rollout.yaml:15:27: spec.analysis.metrics[2].templateRef: MetricTemplate \"not-found-percentage\" not found in namespace bookinfo; one is defined in namespace flagger at infra/templates.yaml:1:1; set templateRef.namespace to it"],
            Problems(missing));
    }

    [Fact]
    public void Flaggers_deprecated_metric_threshold_becomes_a_range()
    {
        var set = Load(Rollout
            .With("thresholdRange: {min: 99}", "threshold: 99")
            .With("thresholdRange: {max: 500}", "threshold: 500"));

        Assert.Empty(Problems(set));
        var metrics = Assert.Single(set.Rollouts).Analysis.Metrics;
        Assert.Equal(new ThresholdRange(99, null), metrics[0].ThresholdRange);
        Assert.Equal(new ThresholdRange(null, 500), metrics[1].ThresholdRange);
    }

    [Fact]
    public void Graystep_fields_are_bound()
    {
        var set = Load(Rollout.With("output: rendered/", """
            output: ./deploy/reviews
              metricsServer: http://prom.monitoring:9090
              git: {pullRequests: true, mergeMethod: rebase}
              approvals: {promotion: true, steps: true}
              sync: {kind: argocd, delay: 1m30s, application: bookinfo, applicationNamespace: argocd, server: https://kubernetes.default.svc, context: prod-eu}
            """));

        Assert.Empty(Problems(set));
        var spec = Assert.Single(set.Rollouts);
        Assert.Equal("deploy/reviews/", spec.Output);
        Assert.Equal("http://prom.monitoring:9090", spec.MetricsServer);
        Assert.Equal(new GitSpec { PullRequests = true, MergeMethod = MergeMethod.Rebase }, spec.Git);
        Assert.Equal(new ApprovalSpec { Promotion = true, Steps = true }, spec.Approvals);
        Assert.Equal(
            new SyncSpec { Kind = "argocd", Delay = TimeSpan.FromSeconds(90), Application = "bookinfo", ApplicationNamespace = "argocd", Server = "https://kubernetes.default.svc", Context = "prod-eu" },
            spec.Sync);
    }

    [Fact]
    public void A_reconciler_object_is_refused_with_the_kubernetes_sync_kind_which_reads_the_commits_objects()
    {
        var set = Load(Rollout.With("output: rendered/", """
            output: rendered/
              sync: {kind: kubernetes, application: bookinfo, project: payments}
            """));

        Assert.Equal(
            [
                "app/rollout.yaml:16:41: spec.sync.application: application is read only by the gates that ask a reconciler (argocd, flux), but sync.kind kubernetes reads the objects the commit renders; remove it",
                "app/rollout.yaml:16:60: spec.sync.project: project is read only by the gates that ask a reconciler (argocd, flux), but sync.kind kubernetes reads the objects the commit renders; remove it",
            ],
            Problems(set));
    }

    [Fact]
    public void A_kubeconfig_context_is_refused_where_no_sync_gate_reads_the_cluster()
    {
        var set = Load(Rollout.With("output: rendered/", """
            output: rendered/
              sync: {kind: delay, context: prod-eu}
            """));

        Assert.Equal(["app/rollout.yaml:16:32: spec.sync.context: context is read only by the sync kinds that read the Kubernetes API, but the kind is \"delay\"; remove it or set the kind"], Problems(set));
    }

    [Fact]
    public void Plain_manifests_and_templates_are_kept_apart_from_rollouts()
    {
        var set = Load(Rollout, new SourceFile("app/templates.yaml", SpecFixtures.NotFoundTemplate));

        Assert.Equal(["Deployment"], set.Manifests.Select(m => m.Kind));
        var template = Assert.Single(set.Templates);
        Assert.Equal(("bookinfo", "not-found-percentage", "app/templates.yaml"), (template.Namespace, template.Name, template.File));
        var spec = Assert.Single(set.Rollouts);
        Assert.Equal(("app/rollout.yaml", "Rollout"), (spec.Document?.File, spec.Document?.Kind));
        Assert.Same(set.Manifests[0], spec.Target);
    }

    [Fact]
    public void A_thousand_rollouts_load_in_one_call_each_bound_to_its_own_target()
    {
        // Speed is measured by the bulk benchmark (./build.sh bench bulk), not asserted here.
        var files = new List<SourceFile>();
        for (var i = 0; i < 1000; i++)
        {
            var name = "app" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            files.Add(new SourceFile(name + "/deployment.yaml", Deployment.Replace("reviews", name, StringComparison.Ordinal)));
            files.Add(new SourceFile(name + "/rollout.yaml", Rollout.Replace("reviews", name, StringComparison.Ordinal)));
        }

        var set = SpecLoader.Load(files, StandardProviders.Catalogue);

        Assert.Empty(set.Problems);
        Assert.Equal(1000, set.Rollouts.Count);
        Assert.All(set.Rollouts, r => Assert.Equal(r.Name, r.Target?.Name));
    }
}
