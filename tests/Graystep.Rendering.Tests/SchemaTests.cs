using System.Text.Json.Nodes;
using Graystep.Rendering.Tests.Support;

namespace Graystep.Rendering.Tests;

/// <summary>Every rendered object must validate against its upstream schema (DESIGN.md §3).</summary>
public sealed class SchemaTests
{
    [Fact]
    public void Every_rendered_object_validates_against_its_upstream_schema()
    {
        var renderer = new ManifestRenderer();
        var documents = RenderCases.Names
            .SelectMany(name => SchemaValidator.Objects(name, renderer.Render(RenderCases.Get(name))))
            .ToList();
        var kinds = documents.Select(d => (string)d.Object!["kind"]!).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal)
            {
                "Deployment", "Service", "HorizontalPodAutoscaler", "DestinationRule", "VirtualService", "Ingress", "HTTPRoute",
            },
            kinds);

        var result = SchemaValidator.Validate(documents);

        Assert.True(result.ExitCode == 0, $"schema validation failed:\n{result.Output}");
        Assert.Contains($"{documents.Count} object(s) valid", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_disruption_budget_per_version_validates_too()
    {
        var output = new ManifestRenderer().Render(RenderingTests.PodinfoWithBudget());

        var result = SchemaValidator.Validate(SchemaValidator.Objects("podinfo-pdb", output));

        Assert.True(result.ExitCode == 0, $"schema validation failed:\n{result.Output}");
    }

    [Fact]
    public void Deliberately_broken_objects_fail_with_the_validators_messages()
    {
        var output = new ManifestRenderer().Render(RenderCases.Get("istio-canary-w20"));
        var service = YamlJson.Convert(output.Find("virtualservice-reviews.yaml")!.Content)!;
        service["spec"]!["http"]![0]!["route"]![1]!["weight"] = "20";
        var deployment = YamlJson.Convert(output.Find("deployment-reviews-v2.yaml")!.Content)!;
        deployment["spec"]!.AsObject().Remove("selector");
        var nginx = new ManifestRenderer().Render(RenderCases.Get("nginx-canary-w20"));
        var ingress = YamlJson.Convert(nginx.Find("ingress-hello-canary.yaml")!.Content)!;
        ingress["metadata"]!["annotations"]!["nginx.ingress.kubernetes.io/canary"] = true;
        var unknown = new JsonObject { ["apiVersion"] = "example.com/v1", ["kind"] = "Widget", ["metadata"] = new JsonObject { ["name"] = "w" } };

        var result = SchemaValidator.Validate(
        [
            ("broken/virtualservice", service),
            ("broken/deployment", deployment),
            ("broken/ingress", ingress),
            ("broken/widget", unknown),
        ]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("broken/virtualservice: networking.istio.io/v1beta1 VirtualService reviews: /spec/http/0/route/1/weight must be integer", result.Output, StringComparison.Ordinal);
        Assert.Contains("broken/deployment: apps/v1 Deployment reviews-v2: /spec must have required property selector {\"missingProperty\":\"selector\"}", result.Output, StringComparison.Ordinal);
        Assert.Contains("broken/ingress: networking.k8s.io/v1 Ingress hello-canary: /metadata/annotations/nginx.ingress.kubernetes.io~1canary must be string", result.Output, StringComparison.Ordinal);
        Assert.Contains("broken/widget: example.com/v1 Widget w: no upstream schema for example.com/v1 Widget", result.Output, StringComparison.Ordinal);
        Assert.Contains("4 problem(s) in 4 object(s)", result.Output, StringComparison.Ordinal);
    }
}
