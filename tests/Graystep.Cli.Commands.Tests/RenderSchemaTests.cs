using Graystep.Cli.Commands.Tests.Support;
using Graystep.Rendering.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Cli.Commands.Tests;

/// <summary>
/// Every object <c>graystep render</c> writes, for every example in every traffic state render can reach, validates
/// against the upstream schemas (kubernetes-models, @kubernetes-models/istio, @kubernetes-models/gateway-api) through
/// tests/js/validate-manifests.mjs.
/// </summary>
public sealed class RenderSchemaTests
{
    /// <summary>Blue/green with mirroring has no example; these are made from the istio and gateway-api ones.</summary>
    private static readonly Dictionary<string, string> Mirroring = new(StringComparer.Ordinal)
    {
        ["bookinfo-mirror"] = "bookinfo",
        ["gateway-api-mirror"] = "gateway-api",
    };

    [Fact]
    public void Every_rendered_object_in_every_reachable_state_validates_against_its_upstream_schema()
    {
        using var temp = Examples.CopyAll();
        foreach (var (name, from) in Mirroring)
        {
            RepoPaths.CopyDirectory(RepoPaths.Example(from), temp.Combine(name));
            var spec = temp.Combine(name, "rollout.yaml");
            var text = File.ReadAllText(spec);
            text = text.Contains("stepWeights: [10, 20, 50]", StringComparison.Ordinal)
                ? text.Replace("stepWeights: [10, 20, 50]", "iterations: 5\n    mirror: true\n    mirrorWeight: 50", StringComparison.Ordinal)
                : text.Replace("stepWeight: 10\n    maxWeight: 50", "iterations: 5\n    mirror: true", StringComparison.Ordinal);
            File.WriteAllText(spec, text);
        }

        var states = new List<(string Folder, string Version, string Image, int? Weight)>();
        foreach (var example in Examples.Names)
        {
            var image = RenderArgs.Images[example];
            int[] weights = example switch
            {
                "k8sdemo-nginx-bluegreen" => [0, 100],
                "ab-testing" => [0, 20, 100],
                _ => [0, 20, 100],
            };
            states.AddRange(weights.Select(w => (example, "v2", image, (int?)w)));
        }

        foreach (var (name, from) in Mirroring)
        {
            states.AddRange(new int?[] { 0, 50 }.Select(w => (name, "v2", RenderArgs.Images[from], w)));
        }

        var documents = new List<(string Source, System.Text.Json.Nodes.JsonNode? Object)>();
        var summaries = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (folder, version, image, weight) in states)
        {
            var args = new List<string> { "render", folder, "--version", version, "--image", image };
            if (weight is { } w)
            {
                args.AddRange(["--weight", w.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            }

            var result = GraystepCli.Run(temp.Path, [.. args]);
            Assert.True(result.ExitCode == 0, string.Join(' ', args) + "\n" + result);
            summaries.Add(result.Out.Split('\n')[0]);
            documents.AddRange(Objects(temp.Combine(folder, "rendered"), $"{folder}@{weight}"));
        }

        // The stable version alone, as after a promotion or a rollback.
        foreach (var example in Examples.Names)
        {
            var stable = example.StartsWith("podinfo-", StringComparison.Ordinal) ? "6-0-0" : "v1";
            var result = GraystepCli.Run(temp.Path, "render", example, "--version", stable);
            Assert.True(result.ExitCode == 0, result.ToString());
            documents.AddRange(Objects(temp.Combine(example, "rendered"), $"{example}@stable"));
        }

        // Each traffic state render reaches is exercised: weights, A/B on and off, mirroring on and off.
        Assert.Contains(summaries, s => s.EndsWith("(canary, A/B match on) into ab-testing/rendered/", StringComparison.Ordinal));
        Assert.Contains(summaries, s => s.EndsWith("(canary, A/B match off) into ab-testing/rendered/", StringComparison.Ordinal));
        Assert.Contains(summaries, s => s.EndsWith("(canary, mirroring on) into bookinfo-mirror/rendered/", StringComparison.Ordinal));
        Assert.Contains(summaries, s => s.EndsWith("(canary, mirroring off) into gateway-api-mirror/rendered/", StringComparison.Ordinal));
        Assert.Contains(summaries, s => s.EndsWith("(canary, 100%) into k8sdemo-nginx-bluegreen/rendered/", StringComparison.Ordinal));
        var kinds = documents.Select(d => (string)d.Object!["kind"]!).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal) { "Deployment", "Service", "HorizontalPodAutoscaler", "DestinationRule", "VirtualService", "Ingress", "HTTPRoute", "PodDisruptionBudget", "ServiceAccount", "ConfigMap" },
            kinds);

        var validation = SchemaValidator.Validate(documents);

        Assert.True(validation.ExitCode == 0, $"schema validation failed:\n{validation.Output}");
        Assert.Contains($"{documents.Count} object(s) valid", validation.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_validator_rejects_a_rendered_object_that_breaks_its_schema()
    {
        using var temp = Examples.CopyAll();
        Assert.Equal(0, GraystepCli.Run(temp.Path, RenderArgs.Render("gateway-api", "v2", 20)).ExitCode);
        var route = temp.Combine("gateway-api", "rendered", "httproute-podinfo.yaml");
        File.WriteAllText(route, File.ReadAllText(route).Replace("weight: 20", "weight: \"20\"", StringComparison.Ordinal));

        var validation = SchemaValidator.Validate(Objects(temp.Combine("gateway-api", "rendered"), "broken"));

        Assert.Equal(1, validation.ExitCode);
        Assert.Contains("broken/httproute-podinfo.yaml: gateway.networking.k8s.io/v1 HTTPRoute podinfo: /spec/rules/0/backendRefs/1/weight must be integer", validation.Output, StringComparison.Ordinal);
    }

    private static IEnumerable<(string Source, System.Text.Json.Nodes.JsonNode? Object)> Objects(string output, string label) =>
        Directory.EnumerateFiles(output, "*.yaml")
            .Order(StringComparer.Ordinal)
            .Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .Select(f => ($"{label}/{Path.GetFileName(f)}", YamlJson.Convert(File.ReadAllText(f))))
            .ToList();
}
