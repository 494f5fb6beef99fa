using System.Text.Json.Nodes;
using Graystep.Cli.Commands.Tests.Support;
using Graystep.Core.Manifests;
using Graystep.TestKit;

namespace Graystep.Cli.Commands.Tests;

/// <summary><c>graystep render</c> on copies of the examples, as a user runs it: no git, only the output folder changes.</summary>
public sealed class RenderTests : IDisposable
{
    private readonly TempDirectory _temp = Examples.CopyAll();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, string, int> FirstRenders => new()
    {
        { "ab-testing", "v2", 0 },
        { "ab-testing", "v2", 50 },
        { "bookinfo", "v2", 20 },
        { "bookinfo", "v3", 0 },
        { "gateway-api", "v2", 20 },
        { "gateway-api", "6-0-1", 100 },
        { "k8sdemo-nginx", "v2", 20 },
        { "k8sdemo-nginx", "v3", 60 },
        { "k8sdemo-nginx-bluegreen", "v2", 0 },
        { "k8sdemo-nginx-bluegreen", "v2", 100 },
        { "podinfo-flagger", "v2", 10 },
        { "podinfo-flagger", "6-0-1", 50 },
    };

    private static readonly Dictionary<string, string[]> OutputFiles = new(StringComparer.Ordinal)
    {
        ["ab-testing"] = ["deployment-abtest-v1.yaml", "deployment-abtest-{0}.yaml", "destinationrule-abtest.yaml", "kustomization.yaml", "service-abtest-canary.yaml", "service-abtest-primary.yaml", "service-abtest.yaml", "virtualservice-abtest.yaml"],
        ["bookinfo"] = ["deployment-reviews-v1.yaml", "deployment-reviews-{0}.yaml", "destinationrule-reviews.yaml", "kustomization.yaml", "service-reviews-canary.yaml", "service-reviews-primary.yaml", "service-reviews.yaml", "virtualservice-reviews.yaml"],
        ["gateway-api"] = ["deployment-podinfo-v1.yaml", "deployment-podinfo-{0}.yaml", "httproute-podinfo.yaml", "kustomization.yaml", "service-podinfo-canary.yaml", "service-podinfo-primary.yaml", "service-podinfo-v1.yaml", "service-podinfo-{0}.yaml", "service-podinfo.yaml"],
        ["k8sdemo-nginx"] = ["deployment-hello-v1.yaml", "deployment-hello-{0}.yaml", "ingress-hello-canary.yaml", "ingress-hello.yaml", "kustomization.yaml", "service-hello-canary.yaml", "service-hello-primary.yaml", "service-hello-v1.yaml", "service-hello-{0}.yaml", "service-hello.yaml"],
        ["k8sdemo-nginx-bluegreen"] = ["deployment-hello-v1.yaml", "deployment-hello-{0}.yaml", "ingress-hello.yaml", "kustomization.yaml", "service-hello-canary.yaml", "service-hello-primary.yaml", "service-hello.yaml"],
        ["podinfo-flagger"] = ["deployment-podinfo-6-0-0.yaml", "deployment-podinfo-{0}.yaml", "destinationrule-podinfo.yaml", "horizontalpodautoscaler-podinfo-6-0-0.yaml", "horizontalpodautoscaler-podinfo-{0}.yaml", "kustomization.yaml", "service-podinfo-canary.yaml", "service-podinfo-primary.yaml", "service-podinfo.yaml", "virtualservice-podinfo.yaml"],
    };

    private static readonly Dictionary<string, string> Stable = new(StringComparer.Ordinal)
    {
        ["podinfo-flagger"] = "6-0-0",
    };

    private static readonly Dictionary<string, string> Ids = new(StringComparer.Ordinal)
    {
        ["ab-testing"] = "test/abtest",
        ["bookinfo"] = "bookinfo/reviews",
        ["gateway-api"] = "test/podinfo-gateway",
        ["k8sdemo-nginx"] = "k8sdemo/hello",
        ["k8sdemo-nginx-bluegreen"] = "k8sdemo/hello-bluegreen",
        ["podinfo-flagger"] = "test/podinfo",
    };

    [Theory]
    [MemberData(nameof(FirstRenders))]
    public void A_first_render_writes_the_listed_files_into_the_output_folder_only(string example, string version, int weight)
    {
        var before = FolderState.Of(_temp.Path);

        var result = GraystepCli.Run(_temp.Path, RenderArgs.Render(example, version, weight));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(string.Empty, result.Error);
        var files = OutputFiles[example].Select(f => string.Format(System.Globalization.CultureInfo.InvariantCulture, f, version)).Order(StringComparer.Ordinal).ToList();
        var stable = Stable.GetValueOrDefault(example, "v1");
        Assert.Equal(
            $"rendered {Ids[example]}: {stable} (stable) and {version} (canary, {Traffic(example, weight)}) into {example}/rendered/\n" +
            string.Concat(files.Select(f => "  " + f + "\n")) +
            (example == "k8sdemo-nginx-bluegreen" ? $"  passed through as written: Ingress hello ({example}/templates/hello-ingress.yaml:2)\n" : string.Empty) +
            (example == "k8sdemo-nginx" ? $"  edited from the templates: Ingress hello ({example}/templates/hello-ingress.yaml:1): Graystep points its backends at the stable version's Service and renders the canary's Ingress from it\n" : string.Empty),
            result.Out);
        Assert.Equal(files.Select(f => $"{example}/rendered/{f}"), FolderState.Of(_temp.Path).ChangedSince(before));
        var after = FolderState.Of(_temp.Path);
        Assert.All(files, f => Assert.StartsWith(ManifestDocument.RenderedMarker + "\n", after.Text($"{example}/rendered/{f}"), StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(FirstRenders))]
    public void Rendering_the_same_thing_again_changes_no_byte(string example, string version, int weight)
    {
        var args = RenderArgs.Render(example, version, weight);
        Assert.Equal(0, GraystepCli.Run(_temp.Path, args).ExitCode);
        var before = FolderState.Of(_temp.Path);

        var again = GraystepCli.Run(_temp.Path, args);

        Assert.Equal(0, again.ExitCode);
        Assert.EndsWith($"into {example}/rendered/\n  no file changed\n", again.Out, StringComparison.Ordinal);
        Assert.Empty(FolderState.Of(_temp.Path).ChangedSince(before));
    }

    [Theory]
    [MemberData(nameof(FirstRenders))]
    public void The_same_inputs_give_the_same_bytes_in_another_checkout_at_another_time(string example, string version, int weight)
    {
        using var other = Examples.CopyAll();
        var args = RenderArgs.Render(example, version, weight);

        Assert.Equal(0, GraystepCli.Run(_temp.Path, null, new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)), args).ExitCode);
        Assert.Equal(0, GraystepCli.Run(other.Path, null, new FakeTimeProvider(new DateTimeOffset(2031, 6, 30, 23, 59, 59, TimeSpan.Zero)), args).ExitCode);

        var first = FolderState.Of(Path.Combine(_temp.Path, example, "rendered"));
        var second = FolderState.Of(Path.Combine(other.Path, example, "rendered"));
        Assert.NotEmpty(first.Files);
        Assert.Empty(second.ChangedSince(first));
    }

    public static TheoryData<string> Weighted => new(RenderArgs.Weighted);

    [Theory]
    [MemberData(nameof(Weighted))]
    public void Changing_only_the_weight_changes_only_the_weight_lines(string example)
    {
        var changes = RenderTwice(example, 20, 50);

        var routing = Assert.Single(changes);
        Assert.NotEmpty(routing.Value);
        Assert.All(routing.Value, line => Assert.Matches(@"^[-+]\s*(- )?(weight: (20|50|80)|nginx\.ingress\.kubernetes\.io/canary-weight: ""(20|50)"")$", line));
        Assert.Equal(routing.Value.Count(l => l[0] == '+'), routing.Value.Count(l => l[0] == '-'));
    }

    [Fact]
    public void Switching_blue_green_changes_only_the_service_selectors_version()
    {
        var changes = RenderTwice("k8sdemo-nginx-bluegreen", 0, 100);

        Assert.Equal(["service-hello.yaml"], changes.Keys);
        Assert.Equal(["-    version: v1", "+    version: v2"], changes["service-hello.yaml"]);
    }

    [Fact]
    public void Turning_the_ab_match_on_adds_only_the_match_route()
    {
        var changes = RenderTwice("ab-testing", 0, 1);

        Assert.Equal(["virtualservice-abtest.yaml"], changes.Keys);
        Assert.Equal(
            [
                "+    - match:",
                "+        - headers:",
                "+            user-id:",
                "+              exact: \"123\"",
                "+      route:",
                "+        - destination:",
                "+            host: abtest",
                "+            subset: v2",
                "+          weight: 100",
            ],
            changes["virtualservice-abtest.yaml"]);
    }

    [Fact]
    public void A_new_version_removes_the_old_versions_files_and_leaves_foreign_files_alone()
    {
        Assert.Equal(0, GraystepCli.Run(_temp.Path, RenderArgs.Render("bookinfo", "v2", 20)).ExitCode);
        var output = _temp.Combine("bookinfo", "rendered");
        var foreign = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["README.md"] = "# rendered by Graystep; edit the templates\n",
            ["extra-configmap.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n",
            ["notes/keep.yaml"] = ManifestDocument.RenderedMarker + "\nkind: ConfigMap\n",
        };
        foreach (var (name, text) in foreign)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(output, name))!);
            File.WriteAllText(Path.Combine(output, name), text);
        }

        File.WriteAllText(Path.Combine(output, "configmap-old.yaml"), ManifestDocument.RenderedMarker + "\napiVersion: v1\nkind: ConfigMap\n");
        var outside = FolderState.Of(_temp.Combine("bookinfo", "templates"));

        var result = GraystepCli.Run(_temp.Path, RenderArgs.Render("bookinfo", "v3", 20));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            """
            rendered bookinfo/reviews: v1 (stable) and v3 (canary, 20%) into bookinfo/rendered/
              configmap-old.yaml
              deployment-reviews-v2.yaml
              deployment-reviews-v3.yaml
              destinationrule-reviews.yaml
              kustomization.yaml
              service-reviews-canary.yaml
              virtualservice-reviews.yaml

            """,
            result.Out);
        var after = FolderState.Of(output);
        Assert.DoesNotContain("configmap-old.yaml", after.Files.Keys);
        Assert.DoesNotContain("deployment-reviews-v2.yaml", after.Files.Keys);
        Assert.Contains("deployment-reviews-v3.yaml", after.Files.Keys);
        Assert.All(foreign, f => Assert.Equal(f.Value, after.Text(f.Key)));
        Assert.Empty(FolderState.Of(_temp.Combine("bookinfo", "templates")).ChangedSince(outside));
    }

    [Fact]
    public void Rendering_the_stable_version_renders_it_alone_at_100_percent()
    {
        Assert.Equal(0, GraystepCli.Run(_temp.Path, RenderArgs.Render("k8sdemo-nginx", "v2", 40)).ExitCode);

        var result = GraystepCli.Run(_temp.Path, "render", "k8sdemo-nginx", "--version", "v1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            """
            rendered k8sdemo/hello: v1 at 100% into k8sdemo-nginx/rendered/
              deployment-hello-v2.yaml
              ingress-hello-canary.yaml
              kustomization.yaml
              service-hello-canary.yaml
              service-hello-v2.yaml

            """,
            result.Out);
        Assert.Equal(
            ["deployment-hello-v1.yaml", "ingress-hello.yaml", "kustomization.yaml", "service-hello-primary.yaml", "service-hello-v1.yaml", "service-hello.yaml"],
            FolderState.Of(_temp.Combine("k8sdemo-nginx", "rendered")).Files.Keys);
    }

    [Fact]
    public void The_kustomization_lists_exactly_the_rendered_objects()
    {
        foreach (var example in Examples.Names)
        {
            Assert.Equal(0, GraystepCli.Run(_temp.Path, RenderArgs.Render(example, "v2", example == "k8sdemo-nginx-bluegreen" ? 100 : 20)).ExitCode);
            var output = FolderState.Of(_temp.Combine(example, "rendered"));
            var listed = output.Text("kustomization.yaml").Split('\n')
                .Where(l => l.StartsWith("  - ", StringComparison.Ordinal))
                .Select(l => l[4..])
                .ToList();
            Assert.Equal(output.Files.Keys.Where(f => f != "kustomization.yaml"), listed.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Json_output_names_the_versions_and_the_changed_files()
    {
        var result = GraystepCli.Run(_temp.Path, RenderArgs.Render("gateway-api", "v2", 30, "-o", "json"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            """
            {
              "rollout": "test/podinfo-gateway",
              "output": "gateway-api/rendered",
              "stable": "v1",
              "canary": "v2",
              "weight": 30,
              "changed": [
                "deployment-podinfo-v1.yaml",
                "deployment-podinfo-v2.yaml",
                "httproute-podinfo.yaml",
                "kustomization.yaml",
                "service-podinfo-canary.yaml",
                "service-podinfo-primary.yaml",
                "service-podinfo-v1.yaml",
                "service-podinfo-v2.yaml",
                "service-podinfo.yaml"
              ],
              "passedThrough": [],
              "edited": [],
              "generated": [
                "deployment-podinfo-v1.yaml",
                "deployment-podinfo-v2.yaml",
                "httproute-podinfo.yaml",
                "service-podinfo-canary.yaml",
                "service-podinfo-primary.yaml",
                "service-podinfo-v1.yaml",
                "service-podinfo-v2.yaml",
                "service-podinfo.yaml"
              ]
            }

            """,
            result.Out);
        Assert.NotNull(JsonNode.Parse(result.Out));
    }

    [Fact]
    public void The_new_image_lands_in_the_new_versions_workload_only()
    {
        Assert.Equal(0, GraystepCli.Run(_temp.Path, RenderArgs.Render("bookinfo", "v2", 20)).ExitCode);
        var output = FolderState.Of(_temp.Combine("bookinfo", "rendered"));

        Assert.Contains("image: docker.io/istio/examples-bookinfo-reviews-v2:1.20.1\n", output.Text("deployment-reviews-v2.yaml"), StringComparison.Ordinal);
        Assert.Contains("image: docker.io/istio/examples-bookinfo-reviews-v1:1.20.1\n", output.Text("deployment-reviews-v1.yaml"), StringComparison.Ordinal);
        Assert.DoesNotContain("reviews-v2:1.20.1", output.Text("deployment-reviews-v1.yaml"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_spec_file_path_and_its_folder_render_the_same()
    {
        using var other = Examples.CopyAll();

        Assert.Equal(0, GraystepCli.Run(_temp.Path, RenderArgs.Render("podinfo-flagger", "v2", 20)).ExitCode);
        var byFile = RenderArgs.Render("podinfo-flagger", "v2", 20);
        byFile[1] = "podinfo-flagger/podinfo-canary.yaml";
        Assert.Equal(0, GraystepCli.Run(other.Path, byFile).ExitCode);

        Assert.Empty(FolderState.Of(other.Combine("podinfo-flagger", "rendered")).ChangedSince(FolderState.Of(_temp.Combine("podinfo-flagger", "rendered"))));
    }

    /// <summary>Renders v2 at one weight, then at another; returns what git diff shows between the two.</summary>
    private IReadOnlyDictionary<string, List<string>> RenderTwice(string example, int first, int second)
    {
        Assert.Equal(0, GraystepCli.Run(_temp.Path, RenderArgs.Render(example, "v2", first)).ExitCode);
        var output = Path.Combine(_temp.Path, example, "rendered");
        var snapshot = _temp.Combine("before-" + example);
        RepoPaths.CopyDirectory(output, snapshot);
        var result = GraystepCli.Run(_temp.Path, RenderArgs.Render(example, "v2", second));
        Assert.True(result.ExitCode == 0, result.ToString());
        var changes = GitDiff.Changes(snapshot, output);
        Assert.Equal(changes.Keys.Order(StringComparer.Ordinal).Select(k => "  " + k + "\n"), result.Out.Split('\n', 2)[1].Split('\n').Where(l => l.Length > 0).Select(l => l + "\n"));
        return changes;
    }

    private static string Traffic(string example, int weight) => example switch
    {
        "ab-testing" => weight > 0 ? "A/B match on" : "A/B match off",
        "k8sdemo-nginx-bluegreen" => weight >= 100 ? "100%" : "0%",
        _ => $"{weight}%",
    };
}
