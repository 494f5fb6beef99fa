using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Graystep.Core.Rollouts;
using Graystep.Rendering.Tests.Support;

namespace Graystep.Rendering.Tests;

/// <summary>
/// Versions as users write them: the <c>version</c> label keeps the exact text on every object and selector, and
/// every object name, Istio subset and backend reference uses the one DNS form from <see cref="VersionName"/>.
/// </summary>
public sealed partial class VersionNameRenderingTests
{
    private const string Stable = "2024-06-01";
    private const string Canary = "1.1.0-RC_1";

    private readonly ManifestRenderer _renderer = new();

    public static TheoryData<string> CanaryCases => new(RenderCases.Names.Where(n => !n.EndsWith("-stable", StringComparison.Ordinal) && !n.Contains("-adopting", StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(CanaryCases))]
    public void Labels_keep_the_version_exactly_and_names_use_its_dns_form(string name)
    {
        var request = RenderCases.Get(name);
        request = request with
        {
            Stable = request.Stable with { Name = Stable },
            Canary = request.Canary is null ? null : request.Canary with { Name = Canary },

            // The cases after a switch run the other version without traffic: it takes the canary's name here.
            Idle = [.. request.Idle.Select(v => v with { Name = Canary })],
        };

        var output = _renderer.Render(request);
        var objects = output.Files.Where(f => f.RelativePath != "kustomization.yaml").Select(f => YamlJson.Convert(f.Content)!).ToList();

        var labels = objects.SelectMany(o => Values(o, "version")).ToList();
        Assert.Contains(Stable, labels);
        Assert.Contains(Canary, labels);
        Assert.All(labels, l => Assert.Contains(l, new[] { Stable, Canary }));
        Assert.All(objects, o => Assert.Matches(DnsSubdomain(), (string)o["metadata"]!["name"]!));
        var names = objects.Select(o => (string)o["metadata"]!["name"]!).ToList();
        Assert.Contains(VersionName.Workload(request.Spec.TargetRef.Name, Canary), names);
        Assert.Contains($"{request.Spec.TargetRef.Name}-1-1-0-rc-1", names);
        Assert.Contains($"{request.Spec.TargetRef.Name}-2024-06-01", names);

        // Every Istio subset, Gateway API backend and Ingress backend names an object that exists.
        foreach (var subset in Values(objects, "subset"))
        {
            Assert.Contains(subset, new[] { "2024-06-01", "1-1-0-rc-1" });
        }

        var services = objects.Where(o => (string?)o["kind"] == "Service").Select(o => (string)o["metadata"]!["name"]!).ToHashSet();
        foreach (var backend in objects.Where(o => (string?)o["kind"] is "HTTPRoute").SelectMany(o => Nodes(o, "backendRefs")).SelectMany(b => b!.AsArray()))
        {
            Assert.Contains((string)backend!["name"]!, services);
        }

        foreach (var service in objects.Where(o => (string?)o["kind"] is "Ingress").SelectMany(o => Nodes(o, "service")))
        {
            Assert.Contains((string)service!["name"]!, services);
        }
    }

    [Fact]
    public void A_date_version_is_quoted_so_that_the_cluster_reads_a_string()
    {
        var request = RenderCases.Get("istio-canary-w20");
        request = request with { Stable = request.Stable with { Name = Stable } };

        var deployment = _renderer.Render(request).Files.Single(f => f.RelativePath.Contains("2024-06-01", StringComparison.Ordinal));

        Assert.Contains("version: \"2024-06-01\"", deployment.Content, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Values(JsonNode node, string key) =>
        Nodes(node, key).Where(n => n is JsonValue).Select(n => n!.GetValueKind() == JsonValueKind.String ? (string)n! : n!.ToJsonString());

    private static IEnumerable<string> Values(IEnumerable<JsonNode> nodes, string key) => nodes.SelectMany(n => Values(n, key));

    private static IEnumerable<JsonNode?> Nodes(JsonNode? node, string key)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (k, v) in obj)
                {
                    if (k == key)
                    {
                        yield return v;
                    }

                    foreach (var inner in Nodes(v, key))
                    {
                        yield return inner;
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    foreach (var inner in Nodes(item, key))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    private static partial Regex DnsSubdomain();
}
