using System.Text.Json.Nodes;
using Graystep.Cli.Commands.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Cli.Commands.Tests;

/// <summary>
/// Bad specs, each written to a temp folder beside the bookinfo templates as <c>app/rollout.yaml</c>. The whole
/// stderr is pinned: every problem at once with file:line:column, field path, cause and fix; exit 3; nothing written.
/// </summary>
public sealed class ValidateProblemTests
{
    /// <summary>A valid rollout; each case edits a line of it. Line numbers in the pinned texts count from 1 here.</summary>
    private const string Spec = """
        apiVersion: graystep.io/v1alpha1
        kind: Rollout
        metadata:
          name: reviews
          namespace: bookinfo
        spec:
          provider: istio
          targetRef:
            kind: Deployment
            name: reviews
          service:
            port: 9080
            hosts: [reviews]
            gateways: [mesh]
          analysis:
            interval: 1m
            threshold: 5
            stepWeights: [10, 20, 50]
            metrics:
              - name: request-success-rate
                interval: 1m
                thresholdRange:
                  min: 99
          output: rendered/

        """;

    private const string Summary1 = "error: 1 problem in 1 file; fix them and run graystep validate again\n";

    private static readonly Dictionary<string, (string Yaml, string Stderr)> Cases = new(StringComparer.Ordinal)
    {
        ["unknown fields, with did-you-mean"] = (
            Spec.Edit("  service:\n", "  servce:\n").Edit("    interval: 1m\n    threshold", "    intervall: 1m\n    threshold").Edit("        interval: 1m\n", "        interval: 1m\n        treshold: 1\n"),
            """
            app/rollout.yaml:6:1: error: spec.service: required field is missing; add service: {port: ...}
            app/rollout.yaml:11:3: error: spec.servce: unknown field "servce"; did you mean "service"?
            app/rollout.yaml:16:5: error: spec.analysis.intervall: unknown field "intervall"; did you mean "interval"?
            app/rollout.yaml:22:9: error: spec.analysis.metrics[0].treshold: unknown field "treshold"; did you mean "threshold"?
            error: 4 problems in 1 file; fix them and run graystep validate again

            """),
        ["wrong types"] = (
            Spec.Edit("threshold: 5", "threshold: five").Edit("port: 9080", "port: http").Edit("hosts: [reviews]", "hosts: reviews").Edit("min: 99", "min: high"),
            """
            app/rollout.yaml:12:11: error: spec.service.port: expected an integer, got "http"
            app/rollout.yaml:13:12: error: spec.service.hosts: expected a list, got "reviews"
            app/rollout.yaml:17:16: error: spec.analysis.threshold: expected an integer, got "five"
            app/rollout.yaml:23:16: error: spec.analysis.metrics[0].thresholdRange.min: expected a number, got "high"
            error: 4 problems in 1 file; fix them and run graystep validate again

            """),
        ["missing required fields"] = (
            Spec.Edit("  targetRef:\n    kind: Deployment\n    name: reviews\n", "").Edit("      - name: request-success-rate\n        interval", "      - interval"),
            """
            app/rollout.yaml:6:1: error: spec.targetRef: required field is missing; add targetRef: {name: ...}
            app/rollout.yaml:17:9: error: spec.analysis.metrics[0].name: required field is missing; add name (a string)
            error: 2 problems in 1 file; fix them and run graystep validate again

            """),
        ["contradictory strategy fields"] = (
            Spec.Edit("    stepWeights: [10, 20, 50]\n", "    stepWeights: [10, 20, 50]\n    stepWeight: 10\n    iterations: 5\n"),
            """
            app/rollout.yaml:19:5: error: spec.analysis.stepWeight: stepWeight cannot be combined with stepWeights; use stepWeights, or stepWeight with maxWeight
            app/rollout.yaml:20:5: error: spec.analysis.iterations: iterations (A/B testing, blue/green) cannot be combined with stepWeights (weighted canary); keep one of them
            error: 2 problems in 1 file; fix them and run graystep validate again

            """),
        ["maxWeight without stepWeight"] = (
            Spec.Edit("stepWeights: [10, 20, 50]", "maxWeight: 50"),
            """
            app/rollout.yaml:15:3: error: spec.analysis: analysis needs stepWeights, stepWeight (with maxWeight), or iterations (with match for A/B testing, mirror for mirroring)
            app/rollout.yaml:18:5: error: spec.analysis.maxWeight: maxWeight needs stepWeight; the canary advances by stepWeight up to maxWeight
            error: 2 problems in 1 file; fix them and run graystep validate again

            """),
        ["weights outside 0..100"] = (
            Spec.Edit("stepWeights: [10, 20, 50]", "stepWeights: [0, 20, 150]"),
            """
            app/rollout.yaml:18:19: error: spec.analysis.stepWeights[0]: weight 0 is outside 1..100
            app/rollout.yaml:18:26: error: spec.analysis.stepWeights[2]: weight 150 is outside 1..100
            error: 2 problems in 1 file; fix them and run graystep validate again

            """),
        ["steps that do not increase"] = (
            Spec.Edit("stepWeights: [10, 20, 50]", "stepWeights: [10, 30, 20, 20]"),
            """
            app/rollout.yaml:18:27: error: spec.analysis.stepWeights[2]: weight 20 does not increase on the previous step (30); steps must strictly increase
            app/rollout.yaml:18:31: error: spec.analysis.stepWeights[3]: weight 20 does not increase on stepWeights[1] (30); steps must strictly increase
            error: 2 problems in 1 file; fix them and run graystep validate again

            """),
        ["targetRef not found"] = (
            Spec.Edit("    name: reviews\n  service", "    name: review\n  service"),
            """
            app/rollout.yaml:8:3: error: spec.targetRef: Deployment "review" not found in the manifests under app/; did you mean "reviews"?

            """ + Summary1),
        ["templateRef missing"] = (
            Spec.Edit("          min: 99\n", "          min: 99\n      - name: not-found-percentage\n        templateRef:\n          name: not-found-percentage\n        thresholdRange:\n          max: 5\n"),
            """
            app/rollout.yaml:25:9: error: spec.analysis.metrics[1].templateRef: MetricTemplate "not-found-percentage" not found in namespace bookinfo; add a flagger.app/v1beta1 MetricTemplate named "not-found-percentage" in a YAML file under app/, or fix templateRef

            """ + Summary1),
        ["A/B testing on kubernetes"] = (
            Spec.Edit("provider: istio", "provider: kubernetes").Edit("    hosts: [reviews]\n    gateways: [mesh]\n", "")
                .Edit("    stepWeights: [10, 20, 50]\n", "    iterations: 10\n    match:\n      - headers:\n          x-canary:\n            exact: \"on\"\n"),
            """
            app/rollout.yaml:17:5: error: spec.analysis.match: A/B testing (match) is not supported by provider kubernetes; use istio, nginx or gateway-api

            """ + Summary1),
        ["mirroring on kubernetes"] = (
            Spec.Edit("provider: istio", "provider: kubernetes").Edit("    hosts: [reviews]\n    gateways: [mesh]\n", "")
                .Edit("    stepWeights: [10, 20, 50]\n", "    iterations: 10\n    mirror: true\n"),
            """
            app/rollout.yaml:17:5: error: spec.analysis.mirror: traffic mirroring (mirror) is not supported by provider kubernetes; use istio or gateway-api

            """ + Summary1),
        ["mirroring on nginx"] = (
            Spec.Edit("provider: istio", "provider: nginx").Edit("  targetRef:\n", "  ingressRef:\n    kind: Ingress\n    name: reviews\n  targetRef:\n")
                .Edit("    stepWeights: [10, 20, 50]\n", "    iterations: 10\n    mirror: true\n    mirrorWeight: 120\n"),
            """
            app/rollout.yaml:8:3: error: spec.ingressRef: Ingress "reviews" not found in the manifests under app/; add its manifest under app/, or fix spec.ingressRef.name
            app/rollout.yaml:22:5: error: spec.analysis.mirror: traffic mirroring (mirror) is not supported by provider nginx; use istio or gateway-api
            app/rollout.yaml:23:19: error: spec.analysis.mirrorWeight: mirrorWeight 120 is outside 0..100
            error: 3 problems in 1 file; fix them and run graystep validate again

            """),
        ["unknown provider"] = (
            Spec.Edit("provider: istio", "provider: istoi"),
            """
            app/rollout.yaml:7:13: error: spec.provider: provider "istoi" is not supported; use istio, nginx, gateway-api or kubernetes

            """ + Summary1),
        ["bad durations and enums"] = (
            Spec.Edit("interval: 1m\n    threshold", "interval: 1 minute\n    threshold") + "  git:\n    mergeMethod: fast-forward\n    pullRequests: maybe\n  sync:\n    kind: argo\n",
            """
            app/rollout.yaml:16:15: error: spec.analysis.interval: invalid duration "1 minute"; use Go syntax such as 30s, 1m, 1m30s, 500ms or 1h
            app/rollout.yaml:26:18: error: spec.git.mergeMethod: unknown mergeMethod "fast-forward"; use merge, squash, rebase or rebaseMerge (Azure Repos only)
            app/rollout.yaml:27:19: error: spec.git.pullRequests: expected true or false, got "maybe"
            app/rollout.yaml:29:11: error: spec.sync.kind: unknown sync kind "argo"; did you mean "argocd"?
            error: 4 problems in 1 file; fix them and run graystep validate again

            """),
        ["output outside the repository"] = (
            Spec.Edit("output: rendered/", "output: ../../elsewhere/"),
            """
            app/rollout.yaml:24:11: error: spec.output: output must be a relative folder inside the repository, such as rendered/, got "../../elsewhere/"

            """ + Summary1),
        ["misspelt kind"] = (
            Spec.Edit("kind: Rollout", "kind: Rolout"),
            """
            app/rollout.yaml:2:7: error: kind: kind "Rolout" is not a graystep.io kind; use kind: Rollout

            """ + Summary1),
        ["unsupported apiVersion"] = (
            Spec.Edit("graystep.io/v1alpha1", "graystep.io/v1"),
            """
            app/rollout.yaml:1:13: error: apiVersion: apiVersion "graystep.io/v1" is not supported for kind Rollout; use graystep.io/v1alpha1

            """ + Summary1),
        ["YAML: a key indented too far"] = (
            Spec.Edit("  targetRef:\n    kind: Deployment\n", "  targetRef:\n    kind: Deployment\n     name: reviews\n"),
            """
            app/rollout.yaml:10:10: error: invalid YAML: a 'key:' cannot start here; check this line's indentation against the line above, or quote a value that contains ': '

            """ + Summary1),
        ["YAML: a tab in the indentation"] = (
            Spec.Edit("    threshold: 5", "\tthreshold: 5"),
            """
            app/rollout.yaml:17:1: error: invalid YAML: line 17, column 1: a tab in indentation; YAML indents with spaces only

            """ + Summary1),
        ["YAML: a non-breaking space in the indentation"] = (
            Spec.Edit("    threshold: 5", "  \u00a0 threshold: 5"),
            """
            app/rollout.yaml:17:3: error: invalid YAML: line 17, column 3: a non-breaking space (U+00A0) in indentation; YAML indents with spaces only

            """ + Summary1),
        ["YAML: an unclosed bracket"] = (
            Spec.Edit("stepWeights: [10, 20, 50]", "stepWeights: [10, 20, 50"),
            """
            app/rollout.yaml:19:5: error: invalid YAML: cannot read this; look for an unclosed bracket, brace or quote before it

            """ + Summary1),
        ["YAML: an unclosed quote"] = (
            Spec.Edit("name: reviews\n  namespace", "name: \"reviews\n  namespace"),
            """
            app/rollout.yaml:4:9: error: invalid YAML: a quoted string is not closed; add the closing quote

            """ + Summary1),
        ["YAML: a duplicate key"] = (
            Spec.Edit("    threshold: 5\n", "    threshold: 5\n    threshold: 6\n"),
            """
            app/rollout.yaml:18:5: error: invalid YAML: key "threshold" appears twice in the same mapping; keep one

            """ + Summary1),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void A_bad_spec_prints_every_problem_exits_3_and_writes_nothing(string name)
    {
        var (yaml, stderr) = Cases[name];
        using var temp = new TempDirectory("graystep-validate");
        Examples.WriteSpec(temp, "app", yaml);
        var before = FolderState.Of(temp.Path);

        var result = GraystepCli.Run(temp.Path, "validate", "app");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal(stderr, result.Error);
        Assert.Equal(string.Empty, result.Out);
        Assert.Empty(FolderState.Of(temp.Path).ChangedSince(before));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_spec_file_reports_the_same_problems_as_its_folder(string name)
    {
        using var temp = new TempDirectory("graystep-validate");
        Examples.WriteSpec(temp, "app", Cases[name].Yaml);

        Assert.Equal(GraystepCli.Run(temp.Path, "validate", "app"), GraystepCli.Run(temp.Path, "validate", "app/rollout.yaml"));
    }

    [Fact]
    public void There_are_at_least_a_dozen_distinct_bad_inputs()
    {
        Assert.True(Cases.Count >= 12);
        Assert.Equal(Cases.Count, Cases.Values.Select(c => c.Stderr).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void A_flagger_canary_with_a_graystep_field_is_told_where_that_field_belongs()
    {
        using var temp = new TempDirectory("graystep-validate");
        RepoPaths.CopyDirectory(RepoPaths.Example("podinfo-flagger"), temp.Combine("app"));
        var canary = temp.Combine("app", "podinfo-canary.yaml");
        File.WriteAllText(canary, File.ReadAllText(canary).Replace("  analysis:\n", "  output: rendered/\n  analysis:\n", StringComparison.Ordinal));

        var result = GraystepCli.Run(temp.Path, "validate", "app");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            """
            app/podinfo-canary.yaml:41:3: error: spec.output: unknown field "output"; it is a Graystep field; use apiVersion graystep.io/v1alpha1, kind Rollout to set it

            """ + Summary1,
            result.Error);
    }

    [Fact]
    public void A_metric_template_with_an_unknown_variable_is_reported_in_the_template_file()
    {
        using var temp = new TempDirectory("graystep-validate");
        RepoPaths.CopyDirectory(RepoPaths.Example("podinfo-flagger"), temp.Combine("app"));
        var template = temp.Combine("app", "not-found-percentage.yaml");
        File.WriteAllText(template, File.ReadAllText(template).Replace("destination_workload=\"{{ target }}\",\n              response_code", "destination_workload=\"{{ traget }}\",\n              response_code", StringComparison.Ordinal));

        var folder = GraystepCli.Run(temp.Path, "validate", "app");
        var spec = GraystepCli.Run(temp.Path, "validate", "app/podinfo-canary.yaml");

        const string Expected = """
            app/not-found-percentage.yaml:16:37: error: spec.query: unknown template variable {{ traget }}; did you mean {{ target }}?

            """ + Summary1;
        Assert.Equal((3, Expected, string.Empty), (folder.ExitCode, folder.Error, folder.Out));
        Assert.Equal((3, Expected, string.Empty), (spec.ExitCode, spec.Error, spec.Out));
    }

    [Fact]
    public void Problems_in_several_files_are_counted_per_file_and_valid_rollouts_still_print_their_summary()
    {
        using var temp = new TempDirectory("graystep-validate");
        Examples.WriteSpec(temp, "good", Spec);
        Examples.WriteSpec(temp, "bad1", Spec.Edit("name: reviews\n  namespace", "name: reviews1\n  namespace").Edit("threshold: 5", "threshold: 0"));
        Examples.WriteSpec(temp, "bad2", Spec.Edit("name: reviews\n  namespace", "name: reviews2\n  namespace").Edit("provider: istio", "provider: linkerd"));

        var result = GraystepCli.Run(temp.Path, "validate");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("good/rollout.yaml: bookinfo/reviews (istio): canary 10% → 20% → 50%, then promote\n", result.Out);
        Assert.Equal(
            """
            bad1/rollout.yaml:17:16: error: spec.analysis.threshold: threshold is the number of failed checks before rollback and must be at least 1, got 0
            bad2/rollout.yaml:7:13: error: spec.provider: provider "linkerd" is not supported; use istio, nginx, gateway-api or kubernetes
            error: 2 problems in 2 files; fix them and run graystep validate again

            """,
            result.Error);
    }

    [Fact]
    public void Json_output_lists_each_problem_with_file_line_column_and_path()
    {
        using var temp = new TempDirectory("graystep-validate");
        Examples.WriteSpec(temp, "app", Cases["weights outside 0..100"].Yaml);

        var result = GraystepCli.Run(temp.Path, "validate", "app", "-o", "json");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            """
            {
              "valid": false,
              "rollouts": [],
              "templates": [],
              "problems": [
                {
                  "file": "app/rollout.yaml",
                  "line": 18,
                  "column": 19,
                  "path": "spec.analysis.stepWeights[0]",
                  "message": "weight 0 is outside 1..100"
                },
                {
                  "file": "app/rollout.yaml",
                  "line": 18,
                  "column": 26,
                  "path": "spec.analysis.stepWeights[2]",
                  "message": "weight 150 is outside 1..100"
                }
              ]
            }

            """,
            result.Out);
        // With JSON on stdout, people still get the problems on stderr.
        Assert.Equal(Cases["weights outside 0..100"].Stderr, result.Error);
    }

    [Fact]
    public void A_path_that_does_not_exist_is_one_error_line_with_the_fix()
    {
        using var temp = new TempDirectory("graystep-validate");

        var result = GraystepCli.Run(temp.Path, "validate", "nowhere");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal($"error: nowhere: no such file or folder in {Path.GetFullPath(temp.Path)}\nhint: pass a rollout spec file or a folder to search\n", result.Error);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public void A_file_that_cannot_be_read_is_one_error_line_with_its_path()
    {
        using var temp = new TempDirectory("graystep-validate");
        Examples.WriteSpec(temp, "app", Spec);
        var dangling = temp.Combine("app", "broken.yaml");
        File.CreateSymbolicLink(dangling, temp.Combine("app", "moved-away.yaml"));

        var result = GraystepCli.Run(temp.Path, "validate", "app");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            $"error: Could not find file '{dangling}'.\n" +
            "hint: check that the path exists, is the right kind (file or folder) and is readable and writable\n",
            result.Error);
    }

    [Fact]
    public void A_folder_without_specs_says_what_a_spec_looks_like()
    {
        using var temp = new TempDirectory("graystep-validate");
        RepoPaths.CopyDirectory(Path.Combine(RepoPaths.Example("bookinfo"), "templates"), temp.Combine("templates"));

        var result = GraystepCli.Run(temp.Path, "validate", "templates");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            "error: templates: no Rollout, Canary or MetricTemplate found\n" +
            "hint: a spec has apiVersion graystep.io/v1alpha1 and kind Rollout (or flagger.app/v1beta1 Canary); see examples/\n",
            result.Error);
    }
}

internal static class SpecEdits
{
    /// <summary>Replaces text that must be there: a typo in a test's edit fails loudly instead of testing nothing.</summary>
    public static string Edit(this string yaml, string find, string replace)
    {
        Assert.Contains(find, yaml, StringComparison.Ordinal);
        return yaml.Replace(find, replace, StringComparison.Ordinal);
    }
}
