using System.Text.Json.Nodes;
using Graystep.Cli.Commands.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Cli.Commands.Tests;

/// <summary><c>graystep validate</c> on the checked-in examples: exit 0, one pinned summary line per rollout.</summary>
public sealed class ValidateTests
{
    private static readonly Dictionary<string, string> Summaries = new(StringComparer.Ordinal)
    {
        ["ab-testing"] = "ab-testing/rollout.yaml: test/abtest (istio): A/B testing, 10 iterations on header user-id exact \"123\"",
        ["bookinfo"] = "bookinfo/rollout.yaml: bookinfo/reviews (istio): canary 10% → 20% → 50%, then promote",
        ["gateway-api"] = "gateway-api/rollout.yaml: test/podinfo-gateway (gateway-api): canary 10% → 20% → 30% → 40% → 50%, then promote",
        ["k8sdemo-nginx"] = "k8sdemo-nginx/rollout.yaml: k8sdemo/hello (nginx): canary 20% → 40% → 60%, then promote",
        ["k8sdemo-nginx-bluegreen"] = "k8sdemo-nginx-bluegreen/rollout.yaml: k8sdemo/hello-bluegreen (kubernetes): blue/green, 5 iterations",
        ["podinfo-flagger"] = "podinfo-flagger/podinfo-canary.yaml: test/podinfo (istio): canary 10% → 20% → 30% → 40% → 50%, then promote",
        ["podinfo-match-weights"] = "podinfo-match-weights/podinfo-canary.yaml: insiders/podinfo (istio): canary 20% → 50% of the requests on header x-canary exact \"insider\" (the others stay on stable), then promote",
        ["podinfo-session-affinity"] = "podinfo-session-affinity/podinfo-canary.yaml: sticky/podinfo (istio): canary 25% → 50%, then promote",
        ["podinfo-templates"] = "podinfo-templates/podinfo-canary.yaml: shop/podinfo (istio): canary 25% → 50%, then promote",
    };

    private static readonly Dictionary<string, string> SpecFiles = new(StringComparer.Ordinal)
    {
        ["podinfo-flagger"] = "podinfo-canary.yaml",
        ["podinfo-match-weights"] = "podinfo-canary.yaml",
        ["podinfo-session-affinity"] = "podinfo-canary.yaml",
        ["podinfo-templates"] = "podinfo-canary.yaml",
    };

    public static TheoryData<string> Names => Examples.All;

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_example_folder_is_valid_and_prints_its_summary(string example)
    {
        var before = FolderState.Of(RepoPaths.Examples);

        var result = GraystepCli.Run(RepoPaths.Examples, "validate", example);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Summaries[example] + "\n", result.Out);
        Assert.Equal(string.Empty, result.Error);
        Assert.Empty(FolderState.Of(RepoPaths.Examples).ChangedSince(before));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_example_spec_file_is_valid_and_prints_its_summary(string example)
    {
        var file = $"{example}/{SpecFiles.GetValueOrDefault(example, "rollout.yaml")}";

        var result = GraystepCli.Run(RepoPaths.Examples, "validate", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Summaries[example] + "\n", result.Out);
        Assert.Equal(string.Empty, result.Error);
    }

    [Fact]
    public void A_folder_of_examples_prints_one_line_per_rollout_in_path_order()
    {
        var result = GraystepCli.Run(RepoPaths.Examples, "validate", ".");

        Assert.True(result.ExitCode == 0, result.ToString());
        // Ordinal path order: "k8sdemo-nginx-bluegreen/" sorts before "k8sdemo-nginx/" ('-' < '/').
        Assert.Equal(string.Concat(Summaries.Values.Order(StringComparer.Ordinal).Select(s => s + "\n")), result.Out);
        Assert.Equal(string.Empty, result.Error);
    }

    [Fact]
    public void Without_a_path_the_current_folder_is_validated()
    {
        Assert.Equal(GraystepCli.Run(RepoPaths.Examples, "validate", "."), GraystepCli.Run(RepoPaths.Examples, "validate"));
    }

    [Fact]
    public void Paths_are_shown_relative_to_the_current_folder()
    {
        var result = GraystepCli.Run(RepoPaths.Root, "validate", "examples/bookinfo");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("examples/" + Summaries["bookinfo"] + "\n", result.Out);
    }

    [Fact]
    public void Json_output_has_the_documented_shape()
    {
        var result = GraystepCli.Run(RepoPaths.Examples, "validate", "podinfo-flagger", "-o", "json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.Equal(
            """
            {
              "valid": true,
              "rollouts": [
                {
                  "file": "podinfo-flagger/podinfo-canary.yaml",
                  "rollout": "test/podinfo",
                  "provider": "istio",
                  "strategy": "canary",
                  "steps": [
                    10,
                    20,
                    30,
                    40,
                    50
                  ],
                  "iterations": 0,
                  "summary": "podinfo-flagger/podinfo-canary.yaml: test/podinfo (istio): canary 10% → 20% → 30% → 40% → 50%, then promote"
                }
              ],
              "templates": [
                {
                  "file": "podinfo-flagger/not-found-percentage.yaml",
                  "name": "not-found-percentage",
                  "namespace": "istio-system"
                }
              ],
              "problems": []
            }

            """,
            result.Out);
    }

    [Fact]
    public void The_output_format_can_come_from_the_environment()
    {
        var result = GraystepCli.Run(RepoPaths.Examples, new Dictionary<string, string> { ["GRAYSTEP_OUTPUT"] = "json" }, null, "validate", "bookinfo");

        Assert.Equal(0, result.ExitCode);
        var json = JsonNode.Parse(result.Out)!;
        Assert.True((bool)json["valid"]!);
        Assert.Equal("bookinfo/reviews", (string)json["rollouts"]![0]!["rollout"]!);
    }

    [Fact]
    public void Each_strategy_is_named_in_json()
    {
        var result = GraystepCli.Run(RepoPaths.Examples, "validate", "-o", "json");

        var strategies = JsonNode.Parse(result.Out)!["rollouts"]!.AsArray()
            .Select(r => $"{(string)r!["rollout"]!} {(string)r["provider"]!} {(string)r["strategy"]!} {r["iterations"]!.ToJsonString()}")
            .ToList();
        Assert.Equal(
            [
                "test/abtest istio ab-testing 10",
                "bookinfo/reviews istio canary 0",
                "test/podinfo-gateway gateway-api canary 0",
                "k8sdemo/hello-bluegreen kubernetes blue-green 5",
                "k8sdemo/hello nginx canary 0",
                "test/podinfo istio canary 0",
                "insiders/podinfo istio canary 0",
                "sticky/podinfo istio canary 0",
                "shop/podinfo istio canary 0",
            ],
            strategies);
    }
}

/// <summary>A removed Kubernetes API in a template is a warning (file:line, removal, replacement), never a refusal.</summary>
public sealed class DeprecatedApiWarningTests : IDisposable
{
    private const string Warning =
        "podinfo-flagger/templates/podinfo-hpa.yaml:1:13: warning: HorizontalPodAutoscaler podinfo uses autoscaling/v2beta2, removed in Kubernetes 1.26; use apiVersion autoscaling/v2\n";

    private readonly TempDirectory _temp = Examples.CopyAll();

    public DeprecatedApiWarningTests()
    {
        var hpa = _temp.Combine("podinfo-flagger", "templates", "podinfo-hpa.yaml");
        File.WriteAllText(hpa, File.ReadAllText(hpa).Replace("apiVersion: autoscaling/v2\n", "apiVersion: autoscaling/v2beta2\n", StringComparison.Ordinal));
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Validate_warns_and_still_passes()
    {
        var result = GraystepCli.Run(_temp.Path, "validate", "podinfo-flagger");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Warning, result.Error);
        Assert.StartsWith("podinfo-flagger/podinfo-canary.yaml: test/podinfo", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_warns_and_still_renders_the_template_as_written()
    {
        var result = GraystepCli.Run(_temp.Path, "render", "podinfo-flagger/podinfo-canary.yaml", "--version", "6-0-1");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Warning, result.Error);
        var rendered = Directory.GetFiles(_temp.Combine("podinfo-flagger", "rendered"), "horizontalpodautoscaler-*");
        Assert.NotEmpty(rendered);
        Assert.All(rendered, f => Assert.Contains("apiVersion: autoscaling/v2beta2", File.ReadAllText(f), StringComparison.Ordinal));
    }
}
