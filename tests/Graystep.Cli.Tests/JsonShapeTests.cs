using System.Text.Json;
using Graystep.Core.Abstractions;
using Graystep.Rendering.IO;
using Graystep.TestKit;

namespace Graystep.Cli.Tests;

/// <summary>The -o json documents of validate and render (docs/cli-json.md), in process: no git involved.</summary>
public sealed class JsonShapeTests
{
    [Fact]
    public async Task Validate_json_lists_rollouts_templates_and_problems_in_the_spec_spelling()
    {
        var (code, stdout, stderr) = await RunAsync(RepoPaths.Examples, "validate", "-o", "json");

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(["valid", "rollouts", "templates", "problems"], root.EnumerateObject().Select(p => p.Name));
        Assert.True(root.GetProperty("valid").GetBoolean());
        var rollouts = root.GetProperty("rollouts").EnumerateArray().ToDictionary(r => r.GetProperty("file").GetString()!);
        Assert.Equal(["file", "rollout", "provider", "strategy", "steps", "iterations", "summary"], rollouts["gateway-api/rollout.yaml"].EnumerateObject().Select(p => p.Name));
        Assert.Equal("gateway-api", rollouts["gateway-api/rollout.yaml"].GetProperty("provider").GetString());
        Assert.Equal("canary", rollouts["gateway-api/rollout.yaml"].GetProperty("strategy").GetString());
        Assert.Equal([10, 20, 30, 40, 50], rollouts["gateway-api/rollout.yaml"].GetProperty("steps").EnumerateArray().Select(s => s.GetInt32()));
        Assert.Equal("ab-testing", rollouts["ab-testing/rollout.yaml"].GetProperty("strategy").GetString());
        Assert.Equal(10, rollouts["ab-testing/rollout.yaml"].GetProperty("iterations").GetInt32());
        Assert.Equal("blue-green", rollouts["k8sdemo-nginx-bluegreen/rollout.yaml"].GetProperty("strategy").GetString());
        Assert.Equal("kubernetes", rollouts["k8sdemo-nginx-bluegreen/rollout.yaml"].GetProperty("provider").GetString());
        var template = Assert.Single(root.GetProperty("templates").EnumerateArray());
        Assert.Equal("not-found-percentage", template.GetProperty("name").GetString());
        Assert.Empty(root.GetProperty("problems").EnumerateArray());
    }

    [Fact]
    public async Task Validate_json_reports_each_problem_with_its_place_and_exits_3()
    {
        using var temp = new TempDirectory();
        RepoPaths.CopyDirectory(RepoPaths.Example("bookinfo"), temp.Path);
        var spec = Path.Combine(temp.Path, "rollout.yaml");
        File.WriteAllText(spec, File.ReadAllText(spec).Replace("    threshold: 5", "    treshold: 5", StringComparison.Ordinal));

        var (code, stdout, stderr) = await RunAsync(temp.Path, "validate", "rollout.yaml", "-o", "json");

        Assert.Equal(3, code);
        Assert.Equal(
            """
            {
              "valid": false,
              "rollouts": [],
              "templates": [],
              "problems": [
                {
                  "file": "rollout.yaml",
                  "line": 19,
                  "column": 5,
                  "path": "spec.analysis.treshold",
                  "message": "unknown field \"treshold\"; did you mean \"threshold\"?"
                }
              ]
            }

            """,
            stdout);
        Assert.Contains("error: 1 problem in 1 file; fix them and run graystep validate again", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_json_lists_the_files_it_changed()
    {
        using var temp = new TempDirectory();
        RepoPaths.CopyDirectory(RepoPaths.Example("bookinfo"), temp.Path);

        var (code, stdout, stderr) = await RunAsync(temp.Path, "render", "rollout.yaml", "--version", "v2", "--image", "reviews=registry.example/reviews:2.0.0", "--weight", "20", "-o", "json");
        var (again, stdout2, _) = await RunAsync(temp.Path, "render", "rollout.yaml", "--version", "v2", "--image", "reviews=registry.example/reviews:2.0.0", "--weight", "20", "-o", "json");

        Assert.True(code == 0, stderr);
        Assert.Equal(
            """
            {
              "rollout": "bookinfo/reviews",
              "output": "rendered",
              "stable": "v1",
              "canary": "v2",
              "weight": 20,
              "changed": [
                "deployment-reviews-v1.yaml",
                "deployment-reviews-v2.yaml",
                "destinationrule-reviews.yaml",
                "kustomization.yaml",
                "service-reviews-canary.yaml",
                "service-reviews-primary.yaml",
                "service-reviews.yaml",
                "virtualservice-reviews.yaml"
              ],
              "passedThrough": [],
              "edited": [],
              "generated": [
                "deployment-reviews-v1.yaml",
                "deployment-reviews-v2.yaml",
                "destinationrule-reviews.yaml",
                "service-reviews-canary.yaml",
                "service-reviews-primary.yaml",
                "service-reviews.yaml",
                "virtualservice-reviews.yaml"
              ]
            }

            """,
            stdout);
        Assert.Equal(0, again);
        Assert.Contains("\"changed\": []", stdout2, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string cwd, params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var context = new CliContext(stdout, stderr, new NoVariables(), new PhysicalFileSystem(), TimeProvider.System, cwd, () => new HttpClientHandler());
        var code = await GraystepApp.RunAsync(args, context, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private sealed class NoVariables : IEnvironment
    {
        public string? GetVariable(string name) => null;
    }
}
