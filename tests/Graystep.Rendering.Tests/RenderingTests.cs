using System.Text.Json.Nodes;
using Graystep.Core.Errors;
using Graystep.Core.Manifests;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using Graystep.Rendering.Tests.Support;
using Graystep.TestKit;
using Graystep.Core.Providers;

namespace Graystep.Rendering.Tests;

public sealed class RenderingTests
{
    private readonly ManifestRenderer _renderer = new();

    public static TheoryData<string> Cases => RenderCases.TheoryNames;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rendering_is_deterministic_whatever_the_manifest_order(string name)
    {
        var request = RenderCases.Get(name);
        var reversed = request with { Manifests = request.Manifests.Reverse().ToList() };

        var first = Snapshot.Of(_renderer.Render(request));
        var second = Snapshot.Of(_renderer.Render(request));
        var third = Snapshot.Of(_renderer.Render(reversed));

        Assert.Equal(first, second);
        Assert.Equal(first, third);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Its_own_output_beside_the_templates_is_never_read_as_a_template(string name)
    {
        // After the first commit the output folder sits under the spec's folder, so the loader hands the renderer
        // those files too (marked IsRendered). Rendering again must give the same bytes, not clash with them.
        var request = RenderCases.Get(name);
        var first = _renderer.Render(request);
        var rendered = first.Files
            .SelectMany(f => Manifests.Parse("rendered/" + f.RelativePath, f.Content))
            .Select(d => d with { IsRendered = true });
        var again = _renderer.Render(request with { Manifests = [.. request.Manifests, .. rendered] });

        Assert.Equal(Snapshot.Of(first), Snapshot.Of(again));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_file_is_owned_named_by_kind_and_name_and_listed_in_the_kustomization(string name)
    {
        var output = _renderer.Render(RenderCases.Get(name));

        Assert.Equal(output.Paths.Order(StringComparer.Ordinal), output.Paths);
        foreach (var file in output.Files)
        {
            Assert.StartsWith(ManifestDocument.RenderedMarker + "\n", file.Content, StringComparison.Ordinal);
            Assert.EndsWith("\n", file.Content, StringComparison.Ordinal);
            Assert.DoesNotContain("\r", file.Content, StringComparison.Ordinal);
            Assert.DoesNotContain("\n\n", file.Content, StringComparison.Ordinal);
            if (file.RelativePath != ManifestRenderer.KustomizationFile)
            {
                var obj = YamlJson.Convert(file.Content)!;
                Assert.Equal($"{((string)obj["kind"]!).ToLowerInvariant()}-{(string)obj["metadata"]!["name"]!}.yaml", file.RelativePath);
                // spec (when the kind has one) follows the three keys every object has.
                var keys = obj.AsObject().Select(p => p.Key).ToList();
                Assert.Equal(new[] { "apiVersion", "kind", "metadata" }, keys.Take(3));
                Assert.True(!keys.Contains("spec") || keys[3] == "spec", string.Join(", ", keys));
                // A template object passed through as written may have no namespace (kustomize or the reconciler sets it).
                var metadata = obj["metadata"]!.AsObject().Select(p => p.Key).ToList();
                Assert.Equal("name", metadata[0]);
                Assert.True(!metadata.Contains("namespace") || metadata[1] == "namespace", string.Join(", ", metadata));
                Assert.True(metadata.Contains("namespace") || output.PassedThrough.Any(p => p.OutputFile == file.RelativePath), $"{file.RelativePath} has no namespace");
            }
        }

        var kustomization = YamlJson.Convert(output.Find(ManifestRenderer.KustomizationFile)!.Content)!;
        Assert.Equal("Kustomization", (string)kustomization["kind"]!);
        Assert.Equal(
            output.Paths.Where(p => p != ManifestRenderer.KustomizationFile),
            kustomization["resources"]!.AsArray().Select(r => (string)r!));
    }

    [Theory]
    [InlineData("bookinfo-istio", "virtualservice-reviews.yaml", 2)]
    [InlineData("gateway-api", "httproute-podinfo.yaml", 2)]
    [InlineData("k8sdemo-nginx", "ingress-hello-canary.yaml", 1)]
    public void A_weight_change_changes_only_the_weight_lines(string example, string routingFile, int weightLines)
    {
        var (at10, at20) = example switch
        {
            "bookinfo-istio" => (
                RenderCases.Request("bookinfo", Specs.Bookinfo(Strategy.Canary), RenderCases.V1, RenderCases.ReviewsV2, new TrafficSplit(10)),
                RenderCases.Request("bookinfo", Specs.Bookinfo(Strategy.Canary), RenderCases.V1, RenderCases.ReviewsV2, new TrafficSplit(20))),
            "gateway-api" => (
                RenderCases.Request("gateway-api", Specs.GatewayApi(Strategy.Canary), RenderCases.V1, RenderCases.PodinfoV2, new TrafficSplit(10)),
                RenderCases.Request("gateway-api", Specs.GatewayApi(Strategy.Canary), RenderCases.V1, RenderCases.PodinfoV2, new TrafficSplit(20))),
            _ => (
                RenderCases.Request("k8sdemo-nginx", Specs.K8sdemoNginx(Strategy.Canary), RenderCases.V1, RenderCases.HelloV2, new TrafficSplit(10)),
                RenderCases.Request("k8sdemo-nginx", Specs.K8sdemoNginx(Strategy.Canary), RenderCases.V1, RenderCases.HelloV2, new TrafficSplit(20))),
        };

        var before = _renderer.Render(at10);
        var after = _renderer.Render(at20);

        Assert.Equal(before.Paths, after.Paths);
        var changedFiles = before.Files.Zip(after.Files).Where(p => p.First.Content != p.Second.Content).Select(p => p.First.RelativePath);
        Assert.Equal([routingFile], changedFiles);
        var changes = LineDiff.Compare(before.Find(routingFile)!.Content, after.Find(routingFile)!.Content);
        Assert.Equal(weightLines, changes.Count(c => c.Kind == '-'));
        Assert.Equal(weightLines, changes.Count(c => c.Kind == '+'));
        Assert.All(changes, c => Assert.Contains("weight", c.Text, StringComparison.Ordinal));
        Assert.Contains(changes, c => c.Kind == '+' && (c.Text.EndsWith(" 20", StringComparison.Ordinal) || c.Text.EndsWith("\"20\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void Stable_only_renders_no_canary_object()
    {
        var canary = _renderer.Render(RenderCases.Get("nginx-canary-w20"));
        var stable = _renderer.Render(RenderCases.Get("nginx-stable"));

        Assert.Contains("deployment-hello-v2.yaml", canary.Paths);
        Assert.Contains("ingress-hello-canary.yaml", canary.Paths);
        Assert.Contains("service-hello-canary.yaml", canary.Paths);
        Assert.Equal(
            ["deployment-hello-v1.yaml", "ingress-hello.yaml", "kustomization.yaml", "service-hello-primary.yaml", "service-hello-v1.yaml", "service-hello.yaml"],
            stable.Paths);

        var istio = _renderer.Render(RenderCases.Get("istio-stable"));
        Assert.DoesNotContain("v2", Snapshot.Of(istio), StringComparison.Ordinal);
        var route = YamlJson.Convert(istio.Find("virtualservice-reviews.yaml")!.Content)!["spec"]!["http"]!.AsArray();
        var destination = Assert.Single(Assert.Single(route)!["route"]!.AsArray())!;
        Assert.Equal(100, (int)destination["weight"]!);
        Assert.Equal("v1", (string)destination["destination"]!["subset"]!);
    }

    public static TheoryData<string> RoutedCases => new(RenderCases.Names.Where(n => !n.Contains("-adopting", StringComparison.Ordinal)));

    /// <summary>
    /// Flagger's names for every provider: <c>&lt;svc&gt;-primary</c> selects the stable version and, only while there
    /// is a canary, <c>&lt;svc&gt;-canary</c> selects it; both are ClusterIP Services on the app's ports.
    /// </summary>
    [Theory]
    [MemberData(nameof(RoutedCases))]
    public void Flaggers_primary_and_canary_services_select_the_stable_and_the_canary(string name)
    {
        var request = RenderCases.Get(name);
        var output = _renderer.Render(request);
        var svc = Support.Specs.ServiceName(request);

        var primary = YamlJson.Convert(output.Find($"service-{svc}-primary.yaml")!.Content)!;
        Assert.Equal(request.Stable.Name, (string)primary["spec"]!["selector"]!["version"]!);
        Assert.Null(primary["spec"]!["type"]);
        Assert.NotEmpty(primary["spec"]!["ports"]!.AsArray());
        var canary = output.Find($"service-{svc}-canary.yaml");
        if (request.Canary is null)
        {
            Assert.Null(canary);
            return;
        }

        Assert.Equal(request.Canary.Name, (string)YamlJson.Convert(canary!.Content)!["spec"]!["selector"]!["version"]!);
    }

    [Fact]
    public void The_canary_gets_its_images_and_the_stable_keeps_the_template_ones()
    {
        var output = _renderer.Render(RenderCases.Get("istio-canary-w20"));

        var stable = YamlJson.Convert(output.Find("deployment-reviews-v1.yaml")!.Content)!;
        var canary = YamlJson.Convert(output.Find("deployment-reviews-v2.yaml")!.Content)!;
        Assert.Equal("docker.io/istio/examples-bookinfo-reviews-v1:1.20.1", Image(stable));
        Assert.Equal("docker.io/istio/examples-bookinfo-reviews-v2:1.20.1", Image(canary));

        // The template says version: v1; every version label of the copy is the copy's own version.
        Assert.Equal("v2", (string)canary["metadata"]!["labels"]!["version"]!);
        Assert.Equal("v2", (string)canary["spec"]!["selector"]!["matchLabels"]!["version"]!);
        Assert.Equal("v2", (string)canary["spec"]!["template"]!["metadata"]!["labels"]!["version"]!);
        Assert.DoesNotContain("version: v1", output.Find("deployment-reviews-v2.yaml")!.Content, StringComparison.Ordinal);

        static string Image(JsonNode deployment) =>
            (string)deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!;
    }

    [Fact]
    public void An_unknown_container_name_is_an_input_error_naming_the_containers()
    {
        var request = RenderCases.Get("istio-canary-w20") with
        {
            Canary = VersionRef.Of("v2", [new("review", "docker.io/istio/examples-bookinfo-reviews-v2:1.20.1")]),
        };

        var error = Assert.Throws<GraystepException>(() => _renderer.Render(request));

        Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
        Assert.Equal("version v2: Deployment reviews has no container named review; its containers are: reviews", error.Message);
        Assert.Contains("--image <container>=<image> with one of: reviews", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Promotion_leaves_the_new_versions_objects_byte_identical()
    {
        var during = _renderer.Render(RenderCases.Get("istio-hpa-canary-w10"));
        var promoted = _renderer.Render(RenderCases.Get("istio-hpa-canary-w10") with
        {
            Stable = RenderCases.Podinfo601,
            Canary = null,
            Traffic = TrafficSplit.AllStable,
        });

        Assert.Equal(during.Find("deployment-podinfo-6-0-1.yaml")!.Content, promoted.Find("deployment-podinfo-6-0-1.yaml")!.Content);
        Assert.Equal(during.Find("horizontalpodautoscaler-podinfo-6-0-1.yaml")!.Content, promoted.Find("horizontalpodautoscaler-podinfo-6-0-1.yaml")!.Content);
        Assert.DoesNotContain("deployment-podinfo-6-0-0.yaml", promoted.Paths);
    }

    [Fact]
    public void Autoscaler_and_disruption_budget_are_rendered_per_version()
    {
        var output = _renderer.Render(PodinfoWithBudget());

        foreach (var version in new[] { "6-0-0", "6-0-1" })
        {
            var hpa = YamlJson.Convert(output.Find($"horizontalpodautoscaler-podinfo-{version}.yaml")!.Content)!;
            Assert.Equal($"podinfo-{version}", (string)hpa["metadata"]!["name"]!);
            Assert.Equal($"podinfo-{version}", (string)hpa["spec"]!["scaleTargetRef"]!["name"]!);
            Assert.Equal(2, (int)hpa["spec"]!["minReplicas"]!);

            var pdb = YamlJson.Convert(output.Find($"poddisruptionbudget-podinfo-{version}.yaml")!.Content)!;
            Assert.Equal("test", (string)pdb["metadata"]!["namespace"]!);
            var selector = pdb["spec"]!["selector"]!["matchLabels"]!.AsObject();
            Assert.Equal(["app", "version"], selector.Select(p => p.Key));
            Assert.Equal(version, (string)selector["version"]!);
        }

        // A budget for other pods is not the app's: it is not copied per version, but passed through as written.
        Assert.Single(output.Paths, p => p.Contains("other-budget", StringComparison.Ordinal));
        Assert.Equal(["PodDisruptionBudget other-budget"], output.PassedThrough.Select(p => $"{p.Kind} {p.Name}"));
    }

    [Fact]
    public void Nginx_points_the_primary_at_stable_and_the_canary_ingress_at_the_canary()
    {
        var output = _renderer.Render(RenderCases.Get("nginx-canary-w20"));

        var primary = YamlJson.Convert(output.Find("ingress-hello.yaml")!.Content)!;
        var canary = YamlJson.Convert(output.Find("ingress-hello-canary.yaml")!.Content)!;
        Assert.Equal("hello-v1", (string)Backend(primary)["name"]!);
        Assert.Equal("hello-v2", (string)Backend(canary)["name"]!);
        Assert.Equal(8000, (int)Backend(canary)["port"]!["number"]!);
        Assert.Null(primary["metadata"]!["annotations"]);
        var annotations = canary["metadata"]!["annotations"]!.AsObject();
        Assert.Equal("true", (string)annotations["nginx.ingress.kubernetes.io/canary"]!);
        Assert.Equal("20", (string)annotations["nginx.ingress.kubernetes.io/canary-weight"]!);

        var service = YamlJson.Convert(output.Find("service-hello-v2.yaml")!.Content)!;
        Assert.Equal(60001, (int)service["spec"]!["ports"]![0]!["targetPort"]!);
        Assert.Equal("v2", (string)service["spec"]!["selector"]!["version"]!);

        static JsonNode Backend(JsonNode ingress) =>
            ingress["spec"]!["rules"]![0]!["http"]!["paths"]![0]!["backend"]!["service"]!;
    }

    [Fact]
    public void Nginx_ab_testing_uses_the_header_and_cookie_annotations()
    {
        var output = _renderer.Render(RenderCases.Get("nginx-ab-match"));

        var annotations = YamlJson.Convert(output.Find("ingress-hello-canary.yaml")!.Content)!["metadata"]!["annotations"]!.AsObject();
        Assert.Equal(
            [
                ("nginx.ingress.kubernetes.io/canary", "true"),
                ("nginx.ingress.kubernetes.io/canary-by-cookie", "canary"),
                ("nginx.ingress.kubernetes.io/canary-by-header", "user-id"),
                ("nginx.ingress.kubernetes.io/canary-by-header-value", "123"),
            ],
            annotations.Select(p => (p.Key, (string)p.Value!)));
    }

    [Fact]
    public void Istio_ab_testing_puts_the_match_route_first()
    {
        var output = _renderer.Render(RenderCases.Get("istio-ab-match"));

        var http = YamlJson.Convert(output.Find("virtualservice-abtest.yaml")!.Content)!["spec"]!["http"]!.AsArray();
        Assert.Equal(2, http.Count);
        Assert.Equal("123", (string)http[0]!["match"]![0]!["headers"]!["user-id"]!["exact"]!);
        Assert.Equal("v2", (string)Assert.Single(http[0]!["route"]!.AsArray())!["destination"]!["subset"]!);
        Assert.Null(http[1]!["match"]);
        Assert.Equal([("v1", 100), ("v2", 0)], http[1]!["route"]!.AsArray().Select(r => ((string)r!["destination"]!["subset"]!, (int)r["weight"]!)));
    }

    [Fact]
    public void Kubernetes_blue_green_switches_the_service_selector()
    {
        string Selected(string name, TrafficSplit traffic) =>
            (string)YamlJson.Convert(_renderer.Render(RenderCases.Get(name) with { Traffic = traffic })
                .Find("service-hello.yaml")!.Content)!["spec"]!["selector"]!["version"]!;

        Assert.Equal("v1", Selected("kubernetes-bluegreen", new TrafficSplit(0)));
        Assert.Equal("v2", Selected("kubernetes-bluegreen", new TrafficSplit(100)));
        var error = Assert.Throws<GraystepException>(() => _renderer.Render(RenderCases.Get("kubernetes-bluegreen") with { Traffic = new TrafficSplit(50) }));
        Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
        Assert.Contains("canary weight 50 is not 0 or 100", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replica_ratio_canary_needs_two_replicas_no_autoscaler_and_no_standby()
    {
        var canary = RenderCases.Get("kubernetes-canary-w50");
        Assert.NotNull(_renderer.Render(canary).Find("service-hello-canary.yaml"));

        var file = canary.Manifests.Single(m => m.Kind == "Deployment").File;
        var text = File.ReadAllText(Path.Combine(RepoPaths.Example("k8sdemo-nginx-bluegreen"), file)).Replace("replicas: 2", "replicas: 1", StringComparison.Ordinal);
        var oneReplica = canary with { Manifests = [.. canary.Manifests.Where(m => m.File != file), .. Manifests.Parse(file, text)] };
        var few = Assert.Throws<GraystepException>(() => _renderer.Render(oneReplica));
        Assert.Equal(ExitCodes.InvalidSpec, few.ExitCode);
        Assert.Contains("runs a canary as a share of the pods, but Deployment hello has 1 replica", few.Message, StringComparison.Ordinal);
        Assert.Contains("spec.replicas to 2 or more", few.Hint, StringComparison.Ordinal);

        var standby = Assert.Throws<GraystepException>(() => _renderer.Render(canary with { Idle = [VersionRef.Of("v0")] }));
        Assert.Contains("the version kept without traffic (v0) would get traffic", standby.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Adopting_keeps_the_users_objects_as_written_beside_the_copy_then_routes_to_the_copy_alone()
    {
        var stable = RenderCases.Get("istio-stable");
        var plain = _renderer.Render(stable);
        var beside = _renderer.Render(stable with { Original = OriginalWorkload.BesideCopy });
        var routed = _renderer.Render(stable with { Original = OriginalWorkload.WithoutTraffic });

        // Beside the copy: the user's Deployment and Service exactly as written, no routing of Graystep's yet.
        var template = stable.Manifests.Single(m => m.Kind == "Deployment");
        Assert.Contains($"name: {template.Name}\n", beside.Find($"deployment-{template.Name}.yaml")!.Content, StringComparison.Ordinal);
        Assert.Equal(plain.Find("deployment-reviews-v1.yaml")!.Content, beside.Find("deployment-reviews-v1.yaml")!.Content);
        Assert.DoesNotContain(beside.Paths, p => p.StartsWith("virtualservice-", StringComparison.Ordinal) || p.StartsWith("destinationrule-", StringComparison.Ordinal));
        Assert.DoesNotContain("version:", beside.Find("service-reviews.yaml")!.Content.Split("selector:")[1].Split("ports:")[0], StringComparison.Ordinal);

        // Routed: Graystep's objects byte for byte as without adoption, plus the original, unrouted.
        Assert.Equal(plain.Paths.Append($"deployment-{template.Name}.yaml").Order(StringComparer.Ordinal), routed.Paths);
        Assert.All(plain.Files.Where(f => f.RelativePath != "kustomization.yaml"), f => Assert.Equal(f.Content, routed.Find(f.RelativePath)!.Content));
        Assert.Equal(beside.Find($"deployment-{template.Name}.yaml")!.Content, routed.Find($"deployment-{template.Name}.yaml")!.Content);
    }

    [Theory]
    [InlineData("istio", Strategy.Canary, true)]
    [InlineData("istio", Strategy.ABTesting, true)]
    [InlineData("istio", Strategy.BlueGreen, true)]
    [InlineData("istio", Strategy.BlueGreenMirroring, true)]
    [InlineData("nginx", Strategy.Canary, true)]
    [InlineData("nginx", Strategy.ABTesting, true)]
    [InlineData("nginx", Strategy.BlueGreen, true)]
    [InlineData("nginx", Strategy.BlueGreenMirroring, false)]
    [InlineData("gateway-api", Strategy.Canary, true)]
    [InlineData("gateway-api", Strategy.ABTesting, true)]
    [InlineData("gateway-api", Strategy.BlueGreen, true)]
    [InlineData("gateway-api", Strategy.BlueGreenMirroring, true)]
    [InlineData("kubernetes", Strategy.Canary, true)]
    [InlineData("kubernetes", Strategy.ABTesting, false)]
    [InlineData("kubernetes", Strategy.BlueGreen, true)]
    [InlineData("kubernetes", Strategy.BlueGreenMirroring, false)]
    public void Unsupported_provider_strategy_pairs_are_input_errors(string providerId, Strategy strategy, bool supported)
    {
        var provider = StandardProviders.Provider(providerId);
        Assert.Equal(supported, provider.Supports(strategy));
        if (supported)
        {
            return;
        }

        var request = RenderCases.Get("kubernetes-bluegreen") with
        {
            Spec = Specs.For(provider, strategy, "hello", "k8sdemo", new ServiceSpec { Port = 8000 }, ingressRef: new TargetRef("Ingress", "hello")),
        };

        var error = Assert.Throws<GraystepException>(() => _renderer.Render(request));
        Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
        Assert.Contains("does not support", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Hint);
    }

    [Fact]
    public void A_missing_target_is_an_input_error_that_says_what_to_fix()
    {
        var request = RenderCases.Get("istio-stable") with { Manifests = Manifests.Example("gateway-api") };

        var error = Assert.Throws<GraystepException>(() => _renderer.Render(request));

        Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
        Assert.Equal("target Deployment reviews (namespace bookinfo) was not found among the manifests under the folder of reviews/rollout.yaml", error.Message);
        Assert.Equal("add the Deployment manifest beside the rollout spec, or fix spec.targetRef.name", error.Hint);
    }

    [Fact]
    public void An_nginx_rollout_needs_an_ingress()
    {
        var request = RenderCases.Get("nginx-canary-w20") with
        {
            Spec = Specs.K8sdemoNginx(Strategy.Canary) with { IngressRef = null },
            Manifests = Manifests.Example("k8sdemo-nginx").Where(m => m.Kind != "Ingress").ToList(),
        };

        var error = Assert.Throws<GraystepException>(() => _renderer.Render(request));

        Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
        Assert.StartsWith("no Ingress with a backend service hello was found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_ingressRef_the_ingress_routing_to_the_service_is_found()
    {
        var request = RenderCases.Get("nginx-canary-w20") with { Spec = Specs.K8sdemoNginx(Strategy.Canary) with { IngressRef = null } };

        Assert.Equal(Snapshot.Of(_renderer.Render(RenderCases.Get("nginx-canary-w20"))), Snapshot.Of(_renderer.Render(request)));
    }

    [Theory]
    [InlineData("v2 beta", null, "version name 'v2 beta' is not a valid label value")]
    [InlineData("V1", null, "versions 'V1' and 'v1' would both name their objects 'v1'")]
    [InlineData("v1", null, "the canary version v1 has the same name as the stable version")]
    [InlineData("v2", 101, "canary weight 101 is not between 0 and 100")]
    [InlineData("v2", -1, "canary weight -1 is not between 0 and 100")]
    public void Bad_versions_and_weights_are_input_errors(string canary, int? weight, string message)
    {
        var request = RenderCases.Get("istio-canary-w20") with
        {
            Canary = VersionRef.Of(canary),
            Traffic = new TrafficSplit(weight ?? 20),
        };

        var error = Assert.Throws<GraystepException>(() => _renderer.Render(request));

        Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void When_the_repo_has_no_service_one_is_made_from_spec_service()
    {
        var output = _renderer.Render(RenderCases.Get("istio-hpa-canary-w10"));

        var service = YamlJson.Convert(output.Find("service-podinfo.yaml")!.Content)!;
        Assert.Equal(9898, (int)service["spec"]!["ports"]![0]!["port"]!);
        Assert.Equal(9898, (int)service["spec"]!["ports"]![0]!["targetPort"]!);
        Assert.Equal(["app"], service["spec"]!["selector"]!.AsObject().Select(p => p.Key));
    }

    /// <summary>podinfo from Flagger's tutorial plus two PDBs: one selecting podinfo, one selecting something else.</summary>
    internal static RenderRequest PodinfoWithBudget()
    {
        const string Budgets = """
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: podinfo
              namespace: test
            spec:
              minAvailable: 1
              selector:
                matchLabels:
                  app: podinfo
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: other-budget
            spec:
              maxUnavailable: 1
              selector:
                matchLabels:
                  app: other
            """;
        var request = RenderCases.Get("istio-hpa-canary-w10");
        return request with { Manifests = [.. request.Manifests, .. Manifests.Parse("templates/pdb.yaml", Budgets)] };
    }
}
