using Graystep.Cli.Commands.Tests.Support;
using Graystep.Core.Manifests;
using Graystep.TestKit;

namespace Graystep.Cli.Commands.Tests;

/// <summary>
/// Bad input to <c>graystep render</c> (and a few global mistakes): one clear <c>error:</c> line naming the cause,
/// a <c>hint:</c> with the fix, the documented exit code, and no file changed anywhere.
/// </summary>
public sealed class RenderErrorTests : IDisposable
{
    private const string RenderHelp = "hint: run 'graystep render --help' for usage\n";

    private readonly TempDirectory _temp = Examples.CopyAll();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string[], int, string> BadInvocations => new()
    {
        // --image
        { ["render", "bookinfo", "--version", "v2", "--image", "reviews"], 2,
            "error: --image reviews: expected CONTAINER=IMAGE\nhint: e.g. --image reviews=docker.io/istio/examples-bookinfo-reviews-v2:1.20.1\n" },
        { ["render", "bookinfo", "--version", "v2", "--image", "=docker.io/x:1"], 2,
            "error: --image =docker.io/x:1: expected CONTAINER=IMAGE\nhint: e.g. --image reviews=docker.io/istio/examples-bookinfo-reviews-v2:1.20.1\n" },
        { ["render", "bookinfo", "--version", "v2", "--image", "reviews="], 2,
            "error: --image reviews=: expected CONTAINER=IMAGE\nhint: e.g. --image reviews=docker.io/istio/examples-bookinfo-reviews-v2:1.20.1\n" },
        { ["render", "bookinfo", "--version", "v2", "--image", "review=docker.io/x:1"], 2,
            "error: --image review=...: Deployment/reviews has no container named 'review'\nhint: containers in bookinfo/templates/reviews-deployment.yaml: reviews\n" },

        // --weight
        { ["render", "bookinfo", "--version", "v2", "--weight", "120"], 2,
            "error: --weight 120: expected a whole percentage from 0 to 100, e.g. --weight 20\n" + RenderHelp },
        { ["render", "bookinfo", "--version", "v2", "--weight", "-5"], 2,
            "error: --weight -5: expected a whole percentage from 0 to 100, e.g. --weight 20\n" + RenderHelp },
        { ["render", "bookinfo", "--version", "v2", "--weight", "abc"], 2,
            "error: --weight abc: expected a whole percentage from 0 to 100, e.g. --weight 20\n" + RenderHelp },
        { ["render", "bookinfo", "--version", "v2", "--weight", "12.5"], 2,
            "error: --weight 12.5: expected a whole percentage from 0 to 100, e.g. --weight 20\n" + RenderHelp },
        { ["render", "k8sdemo-nginx-bluegreen", "--version", "v2", "--weight", "50"], 2,
            "error: --weight 50: blue/green switches all traffic at once\nhint: use --weight 0 (stable) or --weight 100 (switched)\n" },

        // --version
        { ["render", "bookinfo", "--version", "v2.0/x"], 2,
            "error: --version 'v2.0/x' is not a valid version name\nhint: use a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (e.g. v2, 1.0.1, v2.3.0-rc.1)\n" },
        { ["render", "bookinfo", "--version", ""], 2,
            "error: --version '' is not a valid version name\nhint: use a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (e.g. v2, 1.0.1, v2.3.0-rc.1)\n" },
        { ["render", "bookinfo", "--version", "v2_1."], 2,
            "error: --version 'v2_1.' is not a valid version name\nhint: use a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (e.g. v2, 1.0.1, v2.3.0-rc.1)\n" },
        { ["render", "bookinfo"], 2,
            "error: --version is required: The version to render as canary\n" + RenderHelp },

        // PATH
        { ["render", "--version", "v2"], 2,
            "error: render: missing PATH: A rollout spec file, or a folder that holds one\n" + RenderHelp },
        { ["render", "nowhere", "--version", "v2"], 3,
            "error: nowhere: no such file or folder in <temp>\nhint: pass the rollout spec file or the folder that holds it\n" },
        { ["render", "bookinfo/README.md", "--version", "v2"], 3,
            "error: bookinfo/README.md holds no Rollout (graystep.io/v1alpha1) or Canary (flagger.app/v1beta1)\nhint: pass the rollout spec file; see examples/ for the format\n" },
        { ["render", ".", "--version", "v2"], 2,
            "error: . holds 9 rollouts (ab-testing/rollout.yaml, bookinfo/rollout.yaml, gateway-api/rollout.yaml, k8sdemo-nginx-bluegreen/rollout.yaml, k8sdemo-nginx/rollout.yaml, podinfo-flagger/podinfo-canary.yaml, podinfo-match-weights/podinfo-canary.yaml, podinfo-session-affinity/podinfo-canary.yaml, podinfo-templates/podinfo-canary.yaml); pass one spec file\n" },

        // Options and commands
        { ["render", "bookinfo", "--version", "v2", "--frobnicate"], 2,
            "error: Unrecognized command or argument '--frobnicate'.\n" + RenderHelp },
        { ["render", "bookinfo", "extra", "--version", "v2"], 2,
            "error: Unrecognized command or argument 'extra'.\n" + RenderHelp },
        { ["render", "bookinfo", "--version", "v2", "-o", "xml"], 2,
            "error: -o xml: unknown output format\nhint: use -o text or -o json\n" },
        { ["validate", "bookinfo", "-o", "xml"], 2,
            "error: -o xml: unknown output format\nhint: use -o text or -o json\n" },
        { ["rendr", "bookinfo"], 2,
            "error: Required command was not provided.\nerror: Unrecognized command or argument 'rendr'.\nerror: Unrecognized command or argument 'bookinfo'.\nhint: run 'graystep --help' for usage\n" },
        { [], 2,
            "error: Required command was not provided.\nhint: run 'graystep --help' for usage\n" },

        // The same mistakes on run are caught before any repository is opened.
        { ["run", "bookinfo", "--repo", "/nonexistent/gitops.git", "--version", "V3\u001b[2J"], 2,
            "error: --version 'V3\\u001B[2J' is not a valid version name\nhint: use a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (e.g. v2, 1.0.1, v2.3.0-rc.1)\n" },
        { ["run", "bookinfo", "--repo", "/nonexistent/gitops.git", "--version", "v3", "--image", "reviews"], 2,
            "error: --image reviews: expected CONTAINER=IMAGE\nhint: e.g. --image reviews=docker.io/istio/examples-bookinfo-reviews-v2:1.20.1\n" },
        { ["run", "bookinfo", "--repo", "/nonexistent/gitops.git", "--timeout", "soon"], 2,
            "error: --timeout soon: not a duration\nhint: use Go duration syntax, e.g. 90s, 15m, 1h30m\n" },
        { ["status", "bookinfo", "--repo", "/nonexistent/gitops.git", "--git-host", "bitbucket"], 2,
            "error: --git-host bitbucket: unknown git host\nhint: use one of: auto, local, github, azure, gitlab\n" },
        { ["status", "bookinfo", "--repo", "/nonexistent/gitops.git", "--git-host", "gitlab"], 2,
            "error: --git-host gitlab: pull requests on this host are not implemented yet\nhint: use --git-host local (commit and push directly) until the host lands\n" },
        { ["status", "bookinfo", "--repo", "/nonexistent/gitops.git", "--azure-url", "tfs.example.com"], 2,
            "error: --azure-url tfs.example.com: not an http(s) URL\nhint: pass the collection URL, e.g. --azure-url https://tfs.example.com/tfs/DefaultCollection\n" },
        { ["run", "--version", "v2"], 2,
            "error: run: missing PATH: A rollout spec file, or a folder that holds one\nhint: run 'graystep run --help' for usage\n" },
    };

    [Theory]
    [MemberData(nameof(BadInvocations))]
    public void Bad_input_is_one_clear_error_the_documented_exit_code_and_no_change(string[] args, int exitCode, string stderr)
    {
        var before = FolderState.Of(_temp.Path);

        var result = GraystepCli.Run(_temp.Path, args);

        Assert.Equal((exitCode, stderr, string.Empty), (result.ExitCode, result.Error.Replace(_temp.Path, "<temp>", StringComparison.Ordinal), result.Out));
        Assert.Empty(FolderState.Of(_temp.Path).ChangedSince(before));
    }

    [Fact]
    public void An_invalid_spec_lists_every_problem_and_renders_nothing()
    {
        var spec = _temp.Combine("bookinfo", "rollout.yaml");
        File.WriteAllText(spec, File.ReadAllText(spec).Replace("threshold: 5", "threshold: 0", StringComparison.Ordinal).Replace("[10, 20, 50]", "[10, 50, 20]", StringComparison.Ordinal));
        var before = FolderState.Of(_temp.Path);

        var result = GraystepCli.Run(_temp.Path, RenderArgs.Render("bookinfo", "v2", 20));

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            """
            bookinfo/rollout.yaml:19:16: spec.analysis.threshold: threshold is the number of failed checks before rollback and must be at least 1, got 0
            bookinfo/rollout.yaml:20:27: spec.analysis.stepWeights[2]: weight 20 does not increase on the previous step (50); steps must strictly increase
            error: 2 problems in the rollout spec; nothing was written

            """,
            result.Error);
        Assert.Empty(FolderState.Of(_temp.Path).ChangedSince(before));
        Assert.False(Directory.Exists(_temp.Combine("bookinfo", "rendered")));
    }

    [Fact]
    public void A_combination_the_provider_cannot_route_is_a_validation_error()
    {
        var spec = _temp.Combine("k8sdemo-nginx-bluegreen", "rollout.yaml");
        File.WriteAllText(spec, File.ReadAllText(spec).Replace("    iterations: 5\n", "    iterations: 5\n    match:\n      - headers: {x-canary: {exact: \"on\"}}\n", StringComparison.Ordinal));

        var result = GraystepCli.Run(_temp.Path, RenderArgs.Render("k8sdemo-nginx-bluegreen", "v2", 100));

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            """
            k8sdemo-nginx-bluegreen/rollout.yaml:21:5: spec.analysis.match: A/B testing (match) is not supported by provider kubernetes; use istio, nginx or gateway-api
            error: 1 problem in the rollout spec; nothing was written

            """,
            result.Error);
        Assert.False(Directory.Exists(_temp.Combine("k8sdemo-nginx-bluegreen", "rendered")));
    }

    [Fact]
    public void A_foreign_file_in_the_way_stops_the_render_before_any_file_is_written()
    {
        var output = _temp.Combine("k8sdemo-nginx", "rendered");
        Directory.CreateDirectory(output);
        // Sorted last among the rendered names, so every other file would come first.
        File.WriteAllText(Path.Combine(output, "service-hello.yaml"), "# kept by hand\nnotes: do not delete\n");
        var before = FolderState.Of(_temp.Path);

        var result = GraystepCli.Run(_temp.Path, RenderArgs.Render("k8sdemo-nginx", "v2", 20));

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            $"error: {Path.Combine(output, "service-hello.yaml")} exists and was not rendered by Graystep (its first line is not '{ManifestDocument.RenderedMarker}')\n" +
            "hint: move that file out of the rollout's output folder; Graystep owns the files it renders there\n",
            result.Error);
        Assert.Empty(FolderState.Of(_temp.Path).ChangedSince(before));
    }

    [Fact]
    public void An_output_path_that_is_a_file_is_a_clear_error()
    {
        var output = _temp.Combine("bookinfo", "rendered");
        File.WriteAllText(output, "not a folder\n");
        var before = FolderState.Of(_temp.Path);

        var result = GraystepCli.Run(_temp.Path, RenderArgs.Render("bookinfo", "v2", 20));

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            $"error: {output} is a file, but the rollout's output must be a folder\nhint: move that file away, or point spec.output at another folder\n",
            result.Error);
        Assert.Empty(FolderState.Of(_temp.Path).ChangedSince(before));
    }

    [Fact]
    public void A_folder_where_a_rendered_file_goes_is_a_clear_error()
    {
        var taken = _temp.Combine("bookinfo", "rendered", "service-reviews.yaml");
        Directory.CreateDirectory(taken);
        var before = FolderState.Of(_temp.Path);

        var result = GraystepCli.Run(_temp.Path, RenderArgs.Render("bookinfo", "v2", 20));

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            $"error: {taken} is a folder, but Graystep renders a file of that name\nhint: move that folder out of the rollout's output folder; Graystep owns the files it renders there\n",
            result.Error);
        Assert.Empty(FolderState.Of(_temp.Path).ChangedSince(before));
    }
}
