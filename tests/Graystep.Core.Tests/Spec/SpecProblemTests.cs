using Graystep.Core.Manifests;
using Graystep.Core.Spec;
using static Graystep.Core.Tests.Spec.SpecFixtures;
using Graystep.TestKit;

namespace Graystep.Core.Tests.Spec;

/// <summary>The exact text users see for bad input: file:line:col: field.path: message.</summary>
public sealed class SpecProblemTests
{
    private const string RatingsDeployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ratings, namespace: bookinfo}
        spec:
          template:
            spec:
              containers: [{name: ratings, image: docker.io/istio/examples-bookinfo-ratings-v1:1.20.1}]
        """;

    private const string LatencyTemplate = """
        apiVersion: flagger.app/v1beta1
        kind: MetricTemplate
        metadata: {name: latency, namespace: bookinfo}
        spec:
          query: histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket{namespace="{{ namespace }}",direction="{{ variables.direction }}"}[{{ interval }}])) by (le))
        """;

    private const string ReviewsIngress = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          rules:
            - host: reviews.example.com
              http:
                paths: [{path: /, pathType: Prefix, backend: {service: {name: reviews, port: {number: 9080}}}}]
        """;

    [Fact]
    public void The_valid_fixture_has_no_problems()
    {
        Assert.Empty(Problems(Load(Rollout)));
    }

    [Fact]
    public void A_yaml_syntax_error_names_its_line_and_column()
    {
        var set = Load(Rollout.With("threshold: 5", "threshold: 5: 6"));

        Assert.Equal(["app/rollout.yaml:10:17: invalid YAML: a 'key:' cannot start here; check this line's indentation against the line above, or quote a value that contains ': '"], Problems(set));
        Assert.Empty(set.Rollouts);
    }

    [Fact]
    public void An_unclosed_bracket_is_a_syntax_error_not_a_crash()
    {
        var set = Load(Rollout.With("threshold: 5", "threshold: [5"));

        Assert.Equal(["app/rollout.yaml:11:5: invalid YAML: cannot read this; look for an unclosed bracket, brace or quote before it"], Problems(set));
    }

    [Fact]
    public void A_duplicate_key_is_a_syntax_error()
    {
        Assert.Equal(
            ["app/rollout.yaml:11:5: invalid YAML: key \"threshold\" appears twice in the same mapping; keep one"],
            Problems(Load(Rollout.With("threshold: 5", "threshold: 5\n    threshold: 6"))));
    }

    [Fact]
    public void A_tab_in_the_indentation_is_reported_where_the_tab_is()
    {
        Assert.Equal(
            ["app/rollout.yaml:10:1: invalid YAML: line 10, column 1: a tab in indentation; YAML indents with spaces only"],
            Problems(Load(Rollout.With("    threshold: 5", "\tthreshold: 5"))));
    }

    [Theory]
    [InlineData("  \u00a0 threshold: 5", 3, "a non-breaking space (U+00A0)")]
    [InlineData("\u00a0\u00a0\u00a0\u00a0threshold: 5", 1, "a non-breaking space (U+00A0)")]
    [InlineData("  \t  threshold: 5", 3, "a tab")]
    public void A_non_breaking_space_or_tab_in_the_indentation_is_named_with_its_line_and_column(string line, int column, string what)
    {
        Assert.Equal(
            [$"app/rollout.yaml:10:{column}: invalid YAML: line 10, column {column}: {what} in indentation; YAML indents with spaces only"],
            Problems(Load(Rollout.With("    threshold: 5", line))));
    }

    [Fact]
    public void A_misspelt_kind_is_reported_instead_of_being_read_as_a_plain_manifest()
    {
        Assert.Equal(
            ["app/rollout.yaml:2:7: kind: kind \"Rolout\" is not a graystep.io kind; use kind: Rollout"],
            Problems(Load(Rollout.With("kind: Rollout", "kind: Rolout"))));
        Assert.Equal(
            ["app/rollout.yaml:2:7: kind: kind \"Canery\" is not a Flagger kind; did you mean \"Canary\"?"],
            Problems(Load(Rollout.With("apiVersion: graystep.io/v1alpha1", "apiVersion: flagger.app/v1beta1").With("kind: Rollout", "kind: Canery"))));
    }

    [Fact]
    public void A_metric_template_in_another_namespace_says_which_one()
    {
        var rollout = Rollout.With(
            "{max: 500}}",
            "{max: 500}}\n      - {name: not-found, templateRef: {name: not-found-percentage}, thresholdRange: {max: 5}}");

        Assert.Equal(
            ["app/rollout.yaml:15:27: spec.analysis.metrics[2].templateRef: MetricTemplate \"not-found-percentage\" not found in namespace bookinfo; one is defined in namespace istio-system at app/templates.yaml:1:1; set templateRef.namespace to it"],
            Problems(Load(rollout, new SourceFile("app/templates.yaml", NotFoundTemplate.With("namespace: bookinfo", "namespace: istio-system")))));
    }

    [Fact]
    public void An_unknown_field_suggests_the_closest_name()
    {
        Assert.Equal(
            ["app/rollout.yaml:10:5: spec.analysis.treshold: unknown field \"treshold\"; did you mean \"threshold\"?"],
            Problems(Load(Rollout.With("threshold: 5", "treshold: 5"))));
    }

    [Fact]
    public void An_unknown_field_far_from_any_name_lists_the_fields_of_a_small_block()
    {
        Assert.Equal(
            ["app/rollout.yaml:6:48: spec.targetRef.replicas: unknown field \"replicas\"; expected one of apiVersion, kind, name"],
            Problems(Load(Rollout.With("name: reviews}", "name: reviews, replicas: 3}"))));
    }

    [Fact]
    public void A_graystep_field_in_a_flagger_canary_says_which_kind_has_it()
    {
        var canary = Rollout.With("graystep.io/v1alpha1", "flagger.app/v1beta1").With("kind: Rollout", "kind: Canary");

        Assert.Equal(
            ["app/rollout.yaml:15:3: spec.output: unknown field \"output\"; it is a Graystep field; use apiVersion graystep.io/v1alpha1, kind Rollout to set it"],
            Problems(Load(canary)));
    }

    [Fact]
    public void A_wrong_type_shows_the_value()
    {
        Assert.Equal(
            ["app/rollout.yaml:10:16: spec.analysis.threshold: expected an integer, got \"five\""],
            Problems(Load(Rollout.With("threshold: 5", "threshold: \"five\""))));
    }

    [Fact]
    public void A_quoted_number_is_a_string()
    {
        Assert.Equal(
            ["app/rollout.yaml:7:19: spec.service.port: expected an integer, got the string \"9080\""],
            Problems(Load(Rollout.With("port: 9080", "port: \"9080\""))));
    }

    [Fact]
    public void A_missing_required_field_points_at_its_parent()
    {
        Assert.Equal(
            ["app/rollout.yaml:7:3: spec.service.port: required field is missing; add port (an integer)"],
            Problems(Load(Rollout.With("service: {port: 9080, hosts: [reviews], gateways: [mesh]}", "service: {hosts: [reviews]}"))));
    }

    [Fact]
    public void A_bad_duration_asks_for_go_syntax()
    {
        Assert.Equal(
            ["app/rollout.yaml:9:15: spec.analysis.interval: invalid duration \"1 minute\"; use Go syntax such as 30s, 1m, 1m30s, 500ms or 1h"],
            Problems(Load(Rollout.With("interval: 1m\n    threshold", "interval: 1 minute\n    threshold"))));
    }

    [Fact]
    public void Iterations_with_step_weights_is_contradictory()
    {
        Assert.Equal(
            ["app/rollout.yaml:11:5: spec.analysis.iterations: iterations (A/B testing, blue/green) cannot be combined with stepWeights (weighted canary); keep one of them"],
            Problems(Load(Rollout.With("threshold: 5", "threshold: 5\n    iterations: 10"))));
    }

    [Fact]
    public void Step_weight_with_step_weights_is_contradictory()
    {
        Assert.Equal(
            ["app/rollout.yaml:11:5: spec.analysis.stepWeight: stepWeight cannot be combined with stepWeights; use stepWeights, or stepWeight with maxWeight"],
            Problems(Load(Rollout.With("threshold: 5", "threshold: 5\n    stepWeight: 10"))));
    }

    [Fact]
    public void Match_with_step_weights_is_a_weighted_canary_for_the_matching_requests()
    {
        var withMatch = Rollout.With("stepWeights: [10, 20, 50]", "stepWeights: [10, 20, 50]\n    match: [{headers: {user-id: {exact: \"123\"}}}]");

        var spec = Assert.Single(Load(withMatch).Rollouts);
        Assert.Equal(Strategy.Canary, spec.Strategy);
        Assert.Equal([10, 20, 50], spec.Analysis.StepWeights);
        Assert.Single(spec.Analysis.Match);
        Assert.Contains(
            "app/rollout.yaml:12:5: spec.analysis.match: provider nginx cannot split only the matching requests by weight (match with stepWeights); use provider istio or gateway-api, or set analysis.iterations for A/B testing (the matching requests all go to the canary)",
            Problems(Load(withMatch.With("provider: istio", "provider: nginx").With("service: {port: 9080, hosts: [reviews], gateways: [mesh]}", "service: {port: 9080}"))));
    }

    [Fact]
    public void Session_affinity_is_bound_for_a_weighted_istio_or_gateway_api_canary_and_refused_elsewhere()
    {
        var sticky = Rollout.With("stepWeights: [10, 20, 50]", "stepWeights: [10, 20, 50]\n    sessionAffinity: {cookieName: flagger-cookie, maxAge: 21600, sameSite: Lax, secure: true}");

        var affinity = Assert.Single(Load(sticky).Rollouts).Analysis.SessionAffinity!;
        Assert.Equal(("flagger-cookie", 21600, "Lax", true), (affinity.CookieName, affinity.MaxAge, affinity.SameSite, affinity.Secure));
        Assert.Equal("flagger-cookie=abc; Max-Age=21600; Secure; SameSite=Lax", affinity.SetCookie("flagger-cookie=abc"));
        Assert.Equal(
            ["app/rollout.yaml:12:5: spec.analysis.sessionAffinity: sessionAffinity works with provider gateway-api or istio only, not nginx: Cookie-based stickiness (istio, gateway-api; weighted canary): a user the weights send to the canary gets a cookie and stays on it. The cookie's value follows from the rollout and the canary version, so a re-run renders the same one. Remove it, or change the provider."],
            Problems(Load(sticky.With("provider: istio", "provider: nginx"))).Where(p => p.Contains("sessionAffinity", StringComparison.Ordinal)));
        Assert.Empty(Problems(Load(sticky.With("provider: istio", "provider: gateway-api").With("gateways: [mesh]}", "gatewayRefs: [{name: gw}]}"))));
        Assert.Equal(
            ["app/rollout.yaml:12:22: spec.analysis.sessionAffinity: sessionAffinity keeps users on a weighted canary; it needs stepWeights or stepWeight, without match (A/B testing already routes by request)"],
            Problems(Load(sticky.With("stepWeights: [10, 20, 50]", "iterations: 5"))));
        Assert.Equal(
            ["app/rollout.yaml:12:35: spec.analysis.sessionAffinity.cookieName: a cookie name is letters, digits and - _ . only, got \"a;b\""],
            Problems(Load(sticky.With("cookieName: flagger-cookie", "cookieName: \"a;b\""))));
        Assert.Equal("primary", Assert.Single(Load(sticky.With("maxAge: 21600", "maxAge: 21600, primaryCookieName: primary")).Rollouts).Analysis.SessionAffinity!.PrimaryCookieName);
        Assert.Contains(Problems(Load(sticky.With("maxAge: 21600", "maxAge: 21600, primaryCookieName: flagger-cookie"))), p => p.EndsWith("primaryCookieName must differ from cookieName", StringComparison.Ordinal));
        Assert.Contains(Problems(Load(sticky.With("maxAge: 21600", "maxAge: 21600, primaryCookieName: \"x y\""))), p => p.Contains("spec.analysis.sessionAffinity.primaryCookieName: a cookie name is", StringComparison.Ordinal));
    }

    [Fact]
    public void Match_without_iterations_or_weights_is_contradictory()
    {
        Assert.Contains(
            "app/rollout.yaml:11:5: spec.analysis.match: match needs iterations (A/B testing: the matching requests go to the canary) or stepWeights (the matching requests are split by weight)",
            Problems(Load(Rollout.With("stepWeights: [10, 20, 50]", "match: [{headers: {user-id: {exact: \"123\"}}}]"))));
    }

    [Fact]
    public void A_weight_above_100_is_out_of_range()
    {
        Assert.Equal(
            ["app/rollout.yaml:11:27: spec.analysis.stepWeights[2]: weight 120 is outside 1..100"],
            Problems(Load(Rollout.With("[10, 20, 50]", "[10, 20, 120]"))));
    }

    [Fact]
    public void Steps_must_strictly_increase()
    {
        Assert.Equal(
            ["app/rollout.yaml:11:27: spec.analysis.stepWeights[2]: weight 20 does not increase on the previous step (50); steps must strictly increase"],
            Problems(Load(Rollout.With("[10, 20, 50]", "[10, 50, 20]"))));
    }

    [Fact]
    public void A_step_below_an_earlier_step_names_the_step_it_must_exceed()
    {
        Assert.Equal(
            [
                "app/rollout.yaml:11:27: spec.analysis.stepWeights[2]: weight 20 does not increase on the previous step (50); steps must strictly increase",
                "app/rollout.yaml:11:31: spec.analysis.stepWeights[3]: weight 30 does not increase on stepWeights[1] (50); steps must strictly increase",
            ],
            Problems(Load(Rollout.With("[10, 20, 50]", "[10, 50, 20, 30]"))));
    }

    [Fact]
    public void Max_weight_below_step_weight()
    {
        Assert.Equal(
            ["app/rollout.yaml:12:16: spec.analysis.maxWeight: maxWeight 10 is below stepWeight 20"],
            Problems(Load(Rollout.With("stepWeights: [10, 20, 50]", "stepWeight: 20\n    maxWeight: 10"))));
    }

    [Fact]
    public void An_unsupported_provider_lists_the_supported_ones()
    {
        Assert.Equal(
            ["app/rollout.yaml:5:13: spec.provider: provider \"linkerd\" is not supported; use istio, nginx, gateway-api or kubernetes"],
            Problems(Load(Rollout.With("provider: istio", "provider: linkerd"))));
    }

    [Fact]
    public void AB_testing_on_kubernetes_is_refused()
    {
        var rollout = Rollout
            .With("provider: istio", "provider: kubernetes")
            .With("stepWeights: [10, 20, 50]", "iterations: 10\n    match: [{headers: {user-id: {exact: \"123\"}}}]");

        Assert.Equal(
            ["app/rollout.yaml:12:5: spec.analysis.match: A/B testing (match) is not supported by provider kubernetes; use istio, nginx or gateway-api"],
            Problems(Load(rollout)));
    }

    [Fact]
    public void A_weighted_canary_on_kubernetes_is_a_replica_ratio_canary_and_A_B_testing_there_is_refused()
    {
        var set = Load(Rollout.With("provider: istio", "provider: kubernetes"));
        Assert.Empty(Problems(set));
        Assert.True(Assert.Single(set.Rollouts).Provider.SplitsByReplicas);

        var refused = Assert.Single(Problems(Load(Rollout.With("provider: istio", "provider: kubernetes").With("stepWeights: [10, 20, 50]", "iterations: 5\n    match: [{headers: {x-canary: {exact: \"on\"}}}]"))));
        Assert.Equal("app/rollout.yaml:12:5: spec.analysis.match: A/B testing (match) is not supported by provider kubernetes; use istio, nginx or gateway-api", refused);
    }

    [Fact]
    public void Mirroring_on_nginx_is_refused()
    {
        var rollout = Rollout
            .With("provider: istio", "provider: nginx")
            .With("stepWeights: [10, 20, 50]", "iterations: 5\n    mirror: true");

        Assert.Equal(
            ["app/rollout.yaml:12:5: spec.analysis.mirror: traffic mirroring (mirror) is not supported by provider nginx; use istio or gateway-api"],
            Problems(Load(rollout, new SourceFile("app/ingress.yaml", ReviewsIngress))));
    }

    [Fact]
    public void Query_parameter_matching_on_nginx_is_refused()
    {
        var rollout = Rollout
            .With("provider: istio", "provider: nginx")
            .With("stepWeights: [10, 20, 50]", "iterations: 5\n    match: [{queryParams: {beta: {exact: \"on\"}}}]");

        Assert.Equal(
            ["app/rollout.yaml:12:28: spec.analysis.match[0].queryParams.beta: query parameter matching is not supported by provider nginx; use a header or cookie, or provider istio or gateway-api"],
            Problems(Load(rollout, new SourceFile("app/ingress.yaml", ReviewsIngress))));
    }

    [Fact]
    public void Nginx_without_an_ingress_for_the_service_says_what_to_add()
    {
        Assert.Equal(
            ["app/rollout.yaml:5:3: spec.ingressRef: provider nginx needs an Ingress: none under app/ routes to service \"reviews\"; add one or set spec.ingressRef"],
            Problems(Load(Rollout.With("provider: istio", "provider: nginx"))));
    }

    [Fact]
    public void A_target_that_is_not_among_the_manifests_under_the_folder()
    {
        Assert.Equal(
            ["app/rollout.yaml:6:3: spec.targetRef: Deployment \"reviewz\" not found in the manifests under app/; did you mean \"reviews\"?"],
            Problems(Load(Rollout.With("name: reviews}", "name: reviewz}"))));
    }

    [Fact]
    public void A_target_outside_the_spec_folder_is_not_found()
    {
        var set = SpecLoader.Load([new SourceFile("other/deployment.yaml", Deployment), new SourceFile("app/rollout.yaml", Rollout)], StandardProviders.Catalogue);

        Assert.Equal(["app/rollout.yaml:6:3: spec.targetRef: Deployment \"reviews\" not found in the manifests under app/; add its manifest under app/, or fix spec.targetRef.name"], Problems(set));
    }

    [Fact]
    public void A_rendered_file_is_never_a_target()
    {
        var set = SpecLoader.Load(
        [
            new SourceFile("app/rendered/deployment-reviews.yaml", ManifestDocument.RenderedMarker + "\n" + Deployment),
            new SourceFile("app/rollout.yaml", Rollout),
        ],
        StandardProviders.Catalogue);

        Assert.Equal(["app/rollout.yaml:6:3: spec.targetRef: Deployment \"reviews\" not found in the manifests under app/; add its manifest under app/, or fix spec.targetRef.name"], Problems(set));
        Assert.True(Assert.Single(set.Manifests).IsRendered);
    }

    [Fact]
    public void A_missing_metric_template()
    {
        var rollout = Rollout.With(
            "{max: 500}}",
            "{max: 500}}\n      - {name: not-found, templateRef: {name: not-found-percentage}, thresholdRange: {max: 5}}");

        Assert.Equal(
            ["app/rollout.yaml:15:27: spec.analysis.metrics[2].templateRef: MetricTemplate \"not-found-percentage\" not found in namespace bookinfo; add a flagger.app/v1beta1 MetricTemplate named \"not-found-percentage\" in a YAML file under app/, or fix templateRef"],
            Problems(Load(rollout)));
    }

    [Fact]
    public void An_unknown_template_variable_is_reported_where_it_is_written()
    {
        var template = NotFoundTemplate.With("namespace=\"{{ namespace }}\"", "namespace=\"{{ namespce }}\"");
        var rollout = Rollout.With(
            "{max: 500}}",
            "{max: 500}}\n      - {name: not-found, templateRef: {name: not-found-percentage}, thresholdRange: {max: 5}}");

        var set = Load(rollout, new SourceFile("app/templates.yaml", template));

        Assert.Equal(
            ["app/templates.yaml:8:39: spec.query: unknown template variable {{ namespce }}; did you mean {{ namespace }}?"],
            Problems(set));
        Assert.Empty(set.Rollouts);
    }

    [Fact]
    public void An_unknown_template_variable_without_a_close_name_lists_the_allowed_ones()
    {
        var template = NotFoundTemplate.With("namespace=\"{{ namespace }}\"", "pod=\"{{pod}}\"");

        Assert.Equal(
            ["app/templates.yaml:8:33: spec.query: unknown template variable {{pod}}; use {{ namespace }}, {{ target }}, {{ stable }}, {{ interval }}, {{ service }}, {{ ingress }} or {{ variables.NAME }}"],
            Problems(SpecLoader.Load([new SourceFile("app/templates.yaml", template)], StandardProviders.Catalogue)));
    }

    [Fact]
    public void A_template_variable_the_metric_does_not_set()
    {
        var rollout = Rollout.With(
            "{max: 500}}",
            "{max: 500}}\n      - {name: latency, templateRef: {name: latency}, thresholdRange: {max: 0.5}}");

        Assert.Equal(
            ["app/rollout.yaml:15:9: spec.analysis.metrics[2].templateVariables: MetricTemplate \"latency\" uses {{ variables.direction }}, but templateVariables has no \"direction\""],
            Problems(Load(rollout, new SourceFile("app/templates.yaml", LatencyTemplate))));
    }

    [Fact]
    public void An_output_that_leaves_the_repository()
    {
        Assert.Equal(
            ["app/rollout.yaml:15:11: spec.output: output must be a relative folder inside the repository, such as rendered/, got \"../shared/\""],
            Problems(Load(Rollout.With("output: rendered/", "output: ../shared/"))));
    }

    [Fact]
    public void Two_rollouts_with_the_same_output_folder()
    {
        var ratings = Rollout.With("name: reviews, namespace", "name: ratings, namespace").With("name: reviews}", "name: ratings}");

        var set = Load(Rollout, new SourceFile("app/ratings-deployment.yaml", RatingsDeployment), new SourceFile("app/ratings.yaml", ratings));

        Assert.Equal(
            ["app/ratings.yaml:15:11: spec.output: output folder app/rendered/ is also used by bookinfo/reviews (app/rollout.yaml:1:1); give each rollout its own output"],
            Problems(set));
        Assert.Empty(set.Rollouts);
    }

    [Fact]
    public void A_metric_that_is_neither_built_in_nor_templated()
    {
        Assert.Equal(
            ["app/rollout.yaml:14:16: spec.analysis.metrics[1].name: metric \"request-durations\" is not built in; did you mean \"request-duration\"? Otherwise add a templateRef to a MetricTemplate, or use request-success-rate or request-duration"],
            Problems(Load(Rollout.With("name: request-duration,", "name: request-durations,"))));
    }

    [Fact]
    public void A_metric_without_a_threshold()
    {
        Assert.Equal(
            ["app/rollout.yaml:14:9: spec.analysis.metrics[1].thresholdRange: required field is missing; set thresholdRange: {min: ..., max: ...}"],
            Problems(Load(Rollout.With(", thresholdRange: {max: 500}", ""))));
    }

    [Fact]
    public void An_unknown_webhook_type_suggests_the_closest()
    {
        var rollout = Rollout.With("output: rendered/", "  webhooks: [{name: smoke, type: pre-rolout, url: http://tester/}]\n  output: rendered/");

        Assert.Equal(
            ["app/rollout.yaml:15:36: spec.analysis.webhooks[0].type: unknown webhook type \"pre-rolout\"; did you mean \"pre-rollout\"?"],
            Problems(Load(rollout)));
    }

    [Fact]
    public void Approvals_need_pull_requests()
    {
        Assert.Equal(
            ["app/rollout.yaml:16:3: spec.approvals: approvals are pull-request reviews; set git.pullRequests: true"],
            Problems(Load(Rollout.With("output: rendered/", "output: rendered/\n  approvals: {promotion: true}"))));
    }

    [Fact]
    public void An_old_flagger_api_version_is_refused()
    {
        var canary = Rollout.With("graystep.io/v1alpha1", "flagger.app/v1alpha3").With("kind: Rollout", "kind: Canary");

        Assert.Equal(
            ["app/rollout.yaml:1:13: apiVersion: apiVersion \"flagger.app/v1alpha3\" is not supported for kind Canary; use flagger.app/v1beta1"],
            Problems(Load(canary)));
    }

    [Fact]
    public void A_misspelt_strategy_field_is_one_problem_not_two()
    {
        Assert.Equal(
            ["app/rollout.yaml:11:5: spec.analysis.stepWeigths: unknown field \"stepWeigths\"; did you mean \"stepWeights\"?"],
            Problems(Load(Rollout.With("stepWeights:", "stepWeigths:"))));
    }

    [Fact]
    public void A_misspelt_match_kind_is_one_problem_not_two()
    {
        var rollout = Rollout.With("stepWeights: [10, 20, 50]", "iterations: 5\n    match: [{headers: {user-id: {exakt: \"123\"}}}]");

        Assert.Equal(
            ["app/rollout.yaml:12:34: spec.analysis.match[0].headers.user-id.exakt: unknown field \"exakt\"; did you mean \"exact\"?"],
            Problems(Load(rollout)));
    }

    [Fact]
    public void Two_match_kinds_on_one_header()
    {
        var rollout = Rollout.With("stepWeights: [10, 20, 50]", "iterations: 5\n    match: [{headers: {user-id: {exact: \"1\", regex: \"^1$\"}}}]");

        Assert.Equal(
            ["app/rollout.yaml:12:24: spec.analysis.match[0].headers.user-id: set exactly one of exact, prefix, suffix or regex, got exact and regex"],
            Problems(Load(rollout)));
    }

    [Fact]
    public void Two_rollouts_cannot_drive_the_same_deployment()
    {
        var second = Rollout.With("name: reviews, namespace", "name: reviews-2, namespace").With("output: rendered/", "output: rendered-2/");

        var set = Load(Rollout, new SourceFile("app/second.yaml", second));

        Assert.Equal(
            ["app/second.yaml:6:3: spec.targetRef: Deployment \"reviews\" is also the target of bookinfo/reviews (app/rollout.yaml:1:1); one rollout per target"],
            Problems(set));
        Assert.Empty(set.Rollouts);
    }

    [Fact]
    public void A_template_for_another_metrics_provider_is_refused()
    {
        var template = NotFoundTemplate.With("type: prometheus", "type: datadog");

        Assert.Equal(
            ["app/templates.yaml:5:20: spec.provider.type: provider type \"datadog\" is not supported; Graystep queries Prometheus (type: prometheus)"],
            Problems(SpecLoader.Load([new SourceFile("app/templates.yaml", template)], StandardProviders.Catalogue)));
    }

    [Fact]
    public void Every_problem_in_one_file_is_reported_at_once_in_file_order()
    {
        var rollout = Rollout
            .With("provider: istio", "provider: linkerd")
            .With("threshold: 5", "threshold: \"five\"")
            .With("[10, 20, 50]", "[10, 50, 20]")
            .With("interval: 1m\n    threshold", "interval: 1 minute\n    threshold")
            .With("output: rendered/", "outptu: rendered/");

        var set = Load(rollout);

        Assert.Equal(
            [
                "app/rollout.yaml:5:13: spec.provider: provider \"linkerd\" is not supported; use istio, nginx, gateway-api or kubernetes",
                "app/rollout.yaml:9:15: spec.analysis.interval: invalid duration \"1 minute\"; use Go syntax such as 30s, 1m, 1m30s, 500ms or 1h",
                "app/rollout.yaml:10:16: spec.analysis.threshold: expected an integer, got \"five\"",
                "app/rollout.yaml:11:27: spec.analysis.stepWeights[2]: weight 20 does not increase on the previous step (50); steps must strictly increase",
                "app/rollout.yaml:15:3: spec.outptu: unknown field \"outptu\"; did you mean \"output\"?",
            ],
            Problems(set));
        Assert.Empty(set.Rollouts);
    }

    [Fact]
    public void Problems_in_several_files_are_all_reported()
    {
        var set = SpecLoader.Load(
        [
            new SourceFile("a/deployment.yaml", Deployment),
            new SourceFile("a/rollout.yaml", Rollout.With("threshold: 5", "threshold: [5")),
            new SourceFile("b/deployment.yaml", Deployment),
            new SourceFile("b/rollout.yaml", Rollout.With("provider: istio", "provider: contour")),
            new SourceFile("c/deployment.yaml", Deployment),
            new SourceFile("c/rollout.yaml", Rollout.With("name: reviews, namespace", "name: reviews-c, namespace")),
        ],
        StandardProviders.Catalogue);

        Assert.Equal(
            [
                "a/rollout.yaml:11:5: invalid YAML: cannot read this; look for an unclosed bracket, brace or quote before it",
                "b/rollout.yaml:5:13: spec.provider: provider \"contour\" is not supported; use istio, nginx, gateway-api or kubernetes",
            ],
            Problems(set));
        Assert.Equal("c/rollout.yaml", Assert.Single(set.Rollouts).File);
    }
}
