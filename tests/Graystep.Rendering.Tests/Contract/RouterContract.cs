using System.Text.Json.Nodes;
using Graystep.Core.Errors;
using Graystep.Core.Manifests;
using Graystep.Core.Providers;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using Graystep.Rendering.Routing;
using Graystep.Rendering.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Rendering.Tests.Contract;

/// <summary>
/// What every router must do, whatever its provider: a new router's test class derives from this and says only how
/// to read the canary's weight back from what it rendered. For every strategy its descriptor claims: the objects
/// validate against their upstream schemas, every weighted list sums to 100, the canary gets the step's weight,
/// nothing names the canary once it is gone, the stable state renders byte for byte the same before and after a
/// canary (what a rollback restores), and rendering is deterministic. A strategy it does not claim is refused.
/// </summary>
public abstract class RouterContract<TRouter>
    where TRouter : Router, new()
{
    private const string Canary = "v2";

    private static readonly VersionRef Stable = VersionRef.Of("v1", new Dictionary<string, string> { ["podinfod"] = "ghcr.io/stefanprodan/podinfo:6.0.0" });
    private static readonly VersionRef NewVersion = VersionRef.Of(Canary, new Dictionary<string, string> { ["podinfod"] = "ghcr.io/stefanprodan/podinfo:6.0.1" });

    private readonly ManifestRenderer _renderer = new(Routers.Default);

    protected static TrafficProvider Provider => new TRouter().Descriptor;

    public static TheoryData<Strategy> ClaimedStrategies() => new(Enum.GetValues<Strategy>().Where(Provider.Supports));

    [Fact]
    public void The_router_is_registered_under_its_descriptor_with_its_aliases()
    {
        var registered = Routers.Default.Get(Provider.Id);
        Assert.IsType<TRouter>(registered);
        Assert.All(Provider.Aliases.Prepend(Provider.Id), name => Assert.True(registered.IsSupported(name), name));
        Assert.False(registered.IsSupported(Provider.Id.ToUpperInvariant() + "-not"));
        Assert.NotNull(Provider.Queries.For(BuiltinQueries.SuccessRateName));
        Assert.NotNull(Provider.Queries.For(BuiltinQueries.DurationName));
    }

    [Theory]
    [MemberData(nameof(ClaimedStrategies))]
    public void Every_claimed_strategy_renders_objects_that_validate_against_their_schemas(Strategy strategy)
    {
        var spec = Spec(strategy);
        var renders = Weights(strategy).Select(w => (Name: $"{Provider.Id}-{strategy}-{w}", Output: Render(spec, Traffic(strategy, w)))).Prepend((Name: $"{Provider.Id}-{strategy}-stable", Output: Render(spec, null)));

        var result = SchemaValidator.Validate(renders.SelectMany(r => SchemaValidator.Objects(r.Name, r.Output)).ToList());

        Assert.True(result.ExitCode == 0, $"schema validation failed:\n{result.Output}");
    }

    [Theory]
    [MemberData(nameof(ClaimedStrategies))]
    public void Weights_sum_to_100_and_the_canary_gets_the_steps_share(Strategy strategy)
    {
        var spec = Spec(strategy);
        foreach (var weight in Weights(strategy))
        {
            var objects = Objects(Render(spec, Traffic(strategy, weight)));
            foreach (var list in WeightedLists(objects))
            {
                Assert.Equal(100, list.Sum());
            }

            Assert.Equal(strategy == Strategy.Canary ? weight : 0, CanaryWeight(objects, Canary));
        }

        Assert.Null(CanaryWeight(Objects(Render(spec, null)), Canary));
    }

    [Theory]
    [MemberData(nameof(ClaimedStrategies))]
    public void The_stable_state_renders_the_same_bytes_before_and_after_a_canary_which_is_what_a_rollback_restores(Strategy strategy)
    {
        var spec = Spec(strategy);
        var before = Render(spec, null);
        var during = Render(spec, Traffic(strategy, Weights(strategy).Max()));
        var after = Render(spec, null);

        Assert.Equal(Bytes(before), Bytes(after));
        Assert.NotEqual(Bytes(before), Bytes(during));
        Assert.DoesNotContain(after.Files, f => f.Content.Contains(Canary, StringComparison.Ordinal) || f.RelativePath.Contains(Canary, StringComparison.Ordinal));
        Assert.Equal(Bytes(during), Bytes(Render(spec, Traffic(strategy, Weights(strategy).Max()))));
    }

    [Fact]
    public void Every_strategy_the_descriptor_does_not_claim_is_refused_as_invalid_input()
    {
        // A router that claims every strategy (Istio) has nothing to refuse.
        foreach (var strategy in Enum.GetValues<Strategy>().Where(s => !Provider.Supports(s)))
        {
            var spec = Spec(Strategy.BlueGreen) with { Analysis = Spec(Strategy.BlueGreen).Analysis with { Strategy = strategy } };

            var error = Assert.Throws<GraystepException>(() => Render(spec, null));

            Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
            Assert.Contains($"the {Provider.Id} provider does not support", error.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The canary's share of plain traffic (0..100) as the rendered objects give it, or null when no object routes
    /// to the canary at all. This is the one thing a router's test must know about its provider's objects.
    /// </summary>
    protected abstract int? CanaryWeight(IReadOnlyList<JsonNode> objects, string canary);

    /// <summary>The objects of one kind.</summary>
    protected static IEnumerable<JsonNode> OfKind(IReadOnlyList<JsonNode> objects, string kind) =>
        objects.Where(o => (string?)o["kind"] == kind);

    private IEnumerable<int> Weights(Strategy strategy) => strategy == Strategy.Canary ? CanaryWeights : [0, 100];

    /// <summary>The canary weights the suite renders: ones the router can give exactly (2 replicas split by halves).</summary>
    protected virtual IReadOnlyList<int> CanaryWeights => [0, 10, 50, 100];

    private static TrafficSplit Traffic(Strategy strategy, int weight) => strategy switch
    {
        Strategy.Canary => new TrafficSplit(weight),
        Strategy.ABTesting => new TrafficSplit(0, MatchActive: weight > 0),
        Strategy.BlueGreenMirroring => new TrafficSplit(0, MirrorActive: weight > 0),
        _ => TrafficSplit.AllStable,
    };

    private RenderedOutput Render(RolloutSpec spec, TrafficSplit? traffic) =>
        _renderer.Render(new RenderRequest(spec, Templates, Stable, traffic is null ? null : NewVersion, traffic ?? TrafficSplit.AllStable));

    private static List<JsonNode> Objects(RenderedOutput output) =>
        [.. output.Files.Where(f => f.RelativePath != ManifestRenderer.KustomizationFile).Select(f => YamlJson.Convert(f.Content)!)];

    private static string Bytes(RenderedOutput output) => string.Join("\n---\n", output.Files.Select(f => f.RelativePath + "\n" + f.Content));

    /// <summary>Every list whose items all carry a whole-number weight (routes, backends): each must sum to 100.</summary>
    private static IEnumerable<List<int>> WeightedLists(IEnumerable<JsonNode> nodes)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case JsonArray array when array.Count > 0 && array.All(i => i is JsonObject o && o["weight"] is JsonValue):
                    yield return [.. array.Select(i => (int)i!["weight"]!)];
                    break;
                case JsonArray array:
                    foreach (var inner in WeightedLists(array.OfType<JsonNode>()))
                    {
                        yield return inner;
                    }

                    break;
                case JsonObject obj:
                    foreach (var inner in WeightedLists(obj.Select(p => p.Value).OfType<JsonNode>()))
                    {
                        yield return inner;
                    }

                    break;
            }
        }
    }

    private static IReadOnlyList<ManifestDocument> Templates =>
        Manifests.Parse("app/templates.yaml", Provider.NeedsIngress ? TemplatesYaml + IngressYaml : TemplatesYaml);

    /// <summary>A spec for the strategy, bound by the spec loader (so the combination is one validation accepts).</summary>
    private static RolloutSpec Spec(Strategy strategy)
    {
        var analysis = strategy switch
        {
            Strategy.Canary => "stepWeights: [10, 50]",
            Strategy.ABTesting => "iterations: 2\n    match: [{headers: {x-canary: {exact: insider}}}]",
            Strategy.BlueGreenMirroring => "iterations: 2\n    mirror: true",
            _ => "iterations: 2",
        };
        var gateways = Provider.NeedsGatewayRefs ? ", gatewayRefs: [{name: public-gateway, namespace: gateway-system}]" : string.Empty;
        var yaml = $$"""
            apiVersion: graystep.io/v1alpha1
            kind: Rollout
            metadata: {name: podinfo, namespace: test}
            spec:
              provider: {{Provider.Id}}
              targetRef: {kind: Deployment, name: podinfo}
              service: {port: 9898, hosts: [app.example.com]{{gateways}}}
              analysis:
                interval: 1m
                threshold: 5
                {{analysis}}
                metrics:
                  - {name: request-success-rate, interval: 1m, thresholdRange: {min: 99} }
            """;
        if (!Provider.Supports(strategy))
        {
            throw new InvalidOperationException($"{Provider.Id} does not claim {strategy}");
        }

        var set = SpecLoader.Load(
            [new SourceFile("app/templates.yaml", Provider.NeedsIngress ? TemplatesYaml + IngressYaml : TemplatesYaml), new SourceFile("app/rollout.yaml", yaml)],
            StandardProviders.Catalogue);
        Assert.Empty(set.Problems);
        return Assert.Single(set.Rollouts);
    }

    private const string TemplatesYaml = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: podinfo, namespace: test, labels: {app: podinfo}}
        spec:
          replicas: 2
          selector: {matchLabels: {app: podinfo}}
          template:
            metadata: {labels: {app: podinfo}}
            spec:
              containers:
                - {name: podinfod, image: "ghcr.io/stefanprodan/podinfo:6.0.0", ports: [{name: http, containerPort: 9898}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: podinfo, namespace: test}
        spec:
          selector: {app: podinfo}
          ports: [{name: http, port: 9898, targetPort: 9898}]

        """;

    private const string IngressYaml = """
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: podinfo, namespace: test}
        spec:
          ingressClassName: nginx
          rules:
            - host: app.example.com
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: podinfo, port: {number: 9898}}}}

        """;
}
