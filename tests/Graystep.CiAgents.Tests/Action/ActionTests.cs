using System.Diagnostics;
using System.Text.Json.Nodes;
using Graystep.TestKit;
using YamlDotNet.RepresentationModel;

namespace Graystep.CiAgents.Tests.Action;

public sealed class ActionTests
{
    private const string Token = "ghp_UserPatForTheGitOpsRepo000000001";

    private static readonly string ActionYml = Path.Combine(RepoPaths.Root, "action", "action.yml");
    private static readonly string ExampleWorkflow = Path.Combine(RepoPaths.Example("bookinfo"), ".github", "workflows", "rollout.yml");

    [Theory]
    [InlineData("action/action.yml")]
    [InlineData("examples/bookinfo/.github/workflows/rollout.yml")]
    public void Action_validator_accepts_the_file(string relative)
    {
        var (exit, output) = Validate(Path.Combine(RepoPaths.Root, relative));
        Assert.True(exit == 0, $"action-validator rejected {relative}:\n{output}");
    }

    [Fact]
    public void Action_validator_does_reject_a_broken_action()
    {
        // Guards the test above: a composite step without `shell` is invalid, and the validator must say so.
        using var temp = new TempDirectory();
        var broken = temp.Combine("action.yml");
        File.WriteAllText(broken, File.ReadAllText(ActionYml).Replace("      shell: bash\n", string.Empty, StringComparison.Ordinal));
        Assert.NotEqual(0, Validate(broken).Exit);
    }

    [Theory]
    [InlineData("action/action.yml")]
    [InlineData("examples/bookinfo/.github/workflows/rollout.yml")]
    public void No_expression_appears_inside_a_run_block(string relative)
    {
        var yaml = WorkflowYaml.Load(Path.Combine(RepoPaths.Root, relative));
        var runs = yaml.Steps().Select(s => WorkflowYaml.Scalar(s, "run")).OfType<string>().ToList();
        Assert.NotEmpty(runs);
        Assert.Empty(ExpressionsInRunBlocks(yaml));
        Assert.DoesNotContain("${{", File.ReadAllText(Path.Combine(RepoPaths.Root, "action", "run.sh")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_run_block_check_finds_an_expression_when_there_is_one()
    {
        var yaml = WorkflowYaml.Parse("runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: |\n        echo ok\n        graystep run ${{ inputs.path }}\n");
        Assert.Equal(["graystep run ${{ inputs.path }}"], ExpressionsInRunBlocks(yaml));
    }

    [Fact]
    public void Every_input_reaches_the_script_through_env_only()
    {
        var yaml = WorkflowYaml.Load(ActionYml);
        var inputs = WorkflowYaml.Map(yaml.Root, "inputs")!.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList();
        var step = yaml.Steps().Single(s => WorkflowYaml.Scalar(s, "id") == "graystep");
        var env = WorkflowYaml.Pairs(WorkflowYaml.Map(step, "env"));

        foreach (var input in inputs.Where(i => i != "setup-dotnet"))
        {
            Assert.Contains($"${{{{ inputs.{input} }}}}", env.Values);
        }

        Assert.Equal("${{ inputs.token }}", env["GITHUB_TOKEN"]);
        Assert.Equal(["phase", "version", "weight", "result", "stable", "canary", "reason"],
            WorkflowYaml.Map(yaml.Root, "outputs")!.Children.Keys.Select(k => ((YamlScalarNode)k).Value!));
    }

    [Fact]
    public void A_workflow_dispatch_run_builds_the_argv_and_keeps_outputs_and_summary_intact()
    {
        using var runner = new ActionRunner();
        var fake = runner.TempPath("build/graystep");
        var record = runner.WriteFakeGraystep(fake);
        var payload = WebhookExample("workflow_dispatch");
        payload["inputs"] = new JsonObject
        {
            ["version"] = "v2",
            ["image"] = "reviews=docker.io/istio/examples-bookinfo-reviews-v2:1.20.1, ratings=docker.io/istio/examples-bookinfo-ratings-v1:1.20.1",
        };
        File.WriteAllText(runner.EventFile, payload.ToJsonString());

        // The inputs exactly as the example workflow's `with:` computes them from this event.
        var inputs = ExampleWorkflowInputs(payload, secrets: new() { ["GITOPS_TOKEN"] = Token }, vars: new() { ["PROMETHEUS_URL"] = "http://127.0.0.1:9090" });
        inputs["once"] = "true";
        inputs["repo"] = "https://github.com/octo-org/bookinfo-gitops.git";
        inputs["branch"] = "main";
        inputs["args"] = "--verbose --git-host github";
        inputs["graystep-path"] = fake;

        var run = runner.Run(inputs);

        Assert.True(run.ExitCode == 0, run.Log);
        Assert.Equal(
        [
            "run", "rollout.yaml",
            "--version", "v2",
            "--image", "reviews=docker.io/istio/examples-bookinfo-reviews-v2:1.20.1",
            "--image", "ratings=docker.io/istio/examples-bookinfo-ratings-v1:1.20.1",
            "--repo", "https://github.com/octo-org/bookinfo-gitops.git",
            "--branch", "main",
            "--prometheus", "http://127.0.0.1:9090",
            "--once",
            "--timeout", "45m",
            "--verbose", "--git-host", "github",
        ], ActionRunner.Argv(record));

        var env = ActionRunner.Env(record);
        Assert.Equal(Token, env["GITHUB_TOKEN"]);
        Assert.Equal("true", env["GITHUB_ACTIONS"]);
        Assert.Equal(runner.OutputFile, env["GITHUB_OUTPUT"]);
        Assert.Equal(runner.EventFile, env["GITHUB_EVENT_PATH"]);
        Assert.Equal("workflow_dispatch", env["GITHUB_EVENT_NAME"]);
        Assert.DoesNotContain(ActionRunner.Argv(record), a => a.Contains(Token, StringComparison.Ordinal));
        AssertTokenOnlyMasked(run.Log, Token);

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["phase"] = "Progressing",
                ["version"] = "v2",
                ["weight"] = "20",
                ["result"] = "in-progress",
                ["stable"] = "v1",
                ["canary"] = "v2",
                ["reason"] = "step 2/3 at 20%\nrequest-success-rate 99.9 >= 99",
            },
            run.ActionOutputs);
        Assert.Equal(7, run.StepOutputs.Count);
        Assert.Equal("# Build\n\nearlier step's summary\n## Graystep: bookinfo/reviews in progress\n", File.ReadAllText(runner.SummaryFile));
        Assert.Contains("graystep: bookinfo/reviews shifted 20% to v2", run.Log, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repository_dispatch_run_takes_version_and_images_from_the_client_payload()
    {
        using var runner = new ActionRunner { EventName = "repository_dispatch" };
        var fake = runner.TempPath("graystep");
        var record = runner.WriteFakeGraystep(fake);
        var payload = WebhookExample("repository_dispatch");
        payload["client_payload"] = new JsonObject
        {
            ["version"] = "v3",
            ["image"] = "reviews=ghcr.io/acme/reviews:3.0.0\n\n  sidecar=ghcr.io/acme/proxy:1.2  \r\n",
        };
        File.WriteAllText(runner.EventFile, payload.ToJsonString());
        var inputs = ExampleWorkflowInputs(payload, secrets: [], vars: []);

        var run = runner.Run(inputs, new Dictionary<string, string> { ["GRAYSTEP_BIN"] = fake });

        Assert.True(run.ExitCode == 0, run.Log);
        Assert.Equal(
            ["run", "rollout.yaml", "--version", "v3", "--image", "reviews=ghcr.io/acme/reviews:3.0.0", "--image", "sidecar=ghcr.io/acme/proxy:1.2", "--timeout", "45m"],
            ActionRunner.Argv(record));
        // No GITOPS_TOKEN secret: the workflow falls back to github.token, still only in the environment.
        Assert.Equal(ActionRunner.RunnerToken, ActionRunner.Env(record)["GITHUB_TOKEN"]);
        AssertTokenOnlyMasked(run.Log, ActionRunner.RunnerToken);
    }

    [Theory]
    [InlineData("0", "true", 0)]
    [InlineData("5", "true", 0)]
    [InlineData("5", "false", 5)]
    [InlineData("4", "true", 4)]
    [InlineData("3", "true", 3)]
    [InlineData("1", "true", 1)]
    public void Exit_codes_pass_through_except_pending_when_allowed(string graystepExit, string allowPending, int expected)
    {
        using var runner = new ActionRunner();
        var fake = runner.TempPath("graystep");
        runner.WriteFakeGraystep(fake);
        File.WriteAllText(runner.EventFile, WebhookExample("workflow_dispatch").ToJsonString());

        var run = runner.Run(
            new Dictionary<string, string> { ["graystep-path"] = fake, ["allow-pending"] = allowPending },
            new Dictionary<string, string> { ["FAKE_EXIT"] = graystepExit });

        Assert.Equal(expected, run.ExitCode);
        Assert.Equal("in-progress", run.ActionOutputs["result"]);
        Assert.Equal(graystepExit == "5" && allowPending == "true", run.Log.Contains("::notice title=Graystep::", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("images", "reviews", "::error title=Graystep action::images: 'reviews' is not CONTAINER=IMAGE (for example reviews=ghcr.io/acme/reviews:2.0.0)\n")]
    [InlineData("images", "=ghcr.io/x:1", "::error title=Graystep action::images: '=ghcr.io/x:1' is not CONTAINER=IMAGE (for example reviews=ghcr.io/acme/reviews:2.0.0)\n")]
    [InlineData("once", "maybe", "::error title=Graystep action::'maybe' is not a boolean for input once; use true or false\n")]
    public void Bad_inputs_fail_with_an_annotation_before_graystep_runs(string input, string value, string expectedLog)
    {
        using var runner = new ActionRunner();
        var fake = runner.TempPath("graystep");
        var record = runner.WriteFakeGraystep(fake);

        var run = runner.Run(new Dictionary<string, string> { ["graystep-path"] = fake, [input] = value, ["token"] = "" });

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expectedLog, run.Log);
        Assert.Equal(0, ActionRunner.Calls(record));
        Assert.Empty(run.StepOutputs);
    }

    [Fact]
    public void Extra_args_on_several_lines_keep_their_spaces_and_are_never_evaluated()
    {
        using var runner = new ActionRunner();
        var fake = runner.TempPath("graystep");
        var record = runner.WriteFakeGraystep(fake);
        var canary = runner.TempPath("pwned");

        var run = runner.Run(new Dictionary<string, string>
        {
            ["graystep-path"] = fake,
            ["path"] = "apps/reviews/rollout.yaml",
            ["args"] = $"--reason\nbad latency; $(touch {canary}) `touch {canary}`\n",
            ["version"] = $"v2$(touch {canary})",
        });

        Assert.True(run.ExitCode == 0, run.Log);
        Assert.Equal(
            ["run", "apps/reviews/rollout.yaml", "--version", $"v2$(touch {canary})", "--reason", $"bad latency; $(touch {canary}) `touch {canary}`"],
            ActionRunner.Argv(record));
        Assert.False(File.Exists(canary), "an input was evaluated as shell text");
    }

    [Fact]
    public void Without_a_given_binary_the_dotnet_tool_is_installed_into_RUNNER_TEMP()
    {
        using var runner = new ActionRunner();
        var toolDir = Path.Combine(runner.RunnerTemp, "graystep-tool");
        var fakeTemplate = runner.TempPath("template/graystep");
        var record = runner.WriteFakeGraystep(fakeTemplate);
        var dotnetLog = runner.TempPath("dotnet-calls");
        // A stand-in dotnet: records each call and "installs" the fake graystep where --tool-path points.
        File.WriteAllText(Path.Combine(runner.Bin, "dotnet"), $$"""
            #!/usr/bin/env bash
            printf '%s\0' "$@" >> '{{dotnetLog}}'
            printf '\n' >> '{{dotnetLog}}'
            while [ $# -gt 0 ]; do
              if [ "$1" = --tool-path ]; then mkdir -p "$2"; cp '{{fakeTemplate}}' "$2/graystep"; fi
              shift
            done
            echo "Tool 'graystep.cli' was successfully installed."
            """.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        ActionRunner.MakeExecutable(Path.Combine(runner.Bin, "dotnet"));

        var first = runner.Run(new Dictionary<string, string> { ["graystep-version"] = "1.2.3" });
        var second = runner.Run(new Dictionary<string, string>());

        Assert.True(first.ExitCode == 0, first.Log);
        Assert.True(second.ExitCode == 0, second.Log);
        var calls = File.ReadAllText(dotnetLog).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(c => c.Split('\0')[..^1]).ToList();
        Assert.Equal(["tool", "install", "Graystep.Cli", "--tool-path", toolDir, "--version", "1.2.3"], calls[0]);
        Assert.Equal(["tool", "update", "Graystep.Cli", "--tool-path", toolDir], calls[1]);
        Assert.Equal(2, ActionRunner.Calls(record));
        Assert.Contains("::group::Install Graystep.Cli\n", first.Log, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_binary_is_reported()
    {
        using var runner = new ActionRunner();
        var missing = runner.TempPath("nowhere/graystep");

        var run = runner.Run(new Dictionary<string, string> { ["graystep-path"] = missing, ["token"] = "" });

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"::error title=Graystep action::graystep executable not found or not executable: {missing} (GRAYSTEP_BIN or the graystep-path input)\n", run.Log);
    }

    private static List<string> ExpressionsInRunBlocks(WorkflowYaml yaml) =>
        [.. yaml.Steps()
            .Select(s => WorkflowYaml.Scalar(s, "run"))
            .OfType<string>()
            .SelectMany(r => r.Split('\n'))
            .Where(line => line.Contains("${{", StringComparison.Ordinal))];

    /// <summary>The token may appear once, in the add-mask command; the runner masks it everywhere after that.</summary>
    private static void AssertTokenOnlyMasked(string log, string token)
    {
        var lines = log.Split('\n');
        Assert.Equal([$"::add-mask::{token}"], lines.Where(l => l.Contains(token, StringComparison.Ordinal)));
    }

    /// <summary>The `with:` of the example workflow's Graystep step, evaluated against an event payload.</summary>
    private static Dictionary<string, string> ExampleWorkflowInputs(JsonNode payload, Dictionary<string, string> secrets, Dictionary<string, string> vars)
    {
        var workflow = WorkflowYaml.Load(ExampleWorkflow);
        var step = workflow.Steps().Single(s => WorkflowYaml.Scalar(s, "id") == "graystep");
        Assert.EndsWith("/action@v1", WorkflowYaml.Scalar(step, "uses"), StringComparison.Ordinal);
        return WorkflowYaml.Pairs(WorkflowYaml.Map(step, "with")).ToDictionary(
            p => p.Key,
            p => WorkflowYaml.Evaluate(p.Value, operand => operand switch
            {
                _ when operand.StartsWith("github.event.", StringComparison.Ordinal) => WorkflowYaml.EventValue(payload, operand["github.event.".Length..]),
                _ when operand.StartsWith("secrets.", StringComparison.Ordinal) => secrets.GetValueOrDefault(operand["secrets.".Length..]),
                _ when operand.StartsWith("vars.", StringComparison.Ordinal) => vars.GetValueOrDefault(operand["vars.".Length..]),
                "github.token" => ActionRunner.RunnerToken,
                _ => throw new InvalidOperationException($"the test does not know '{operand}'"),
            }),
            StringComparer.Ordinal);
    }

    /// <summary>A real webhook payload from @octokit/webhooks-examples.</summary>
    private static JsonNode WebhookExample(string eventName)
    {
        var index = Path.Combine(RepoPaths.Root, "tests", "js", "node_modules", "@octokit", "webhooks-examples", "api.github.com", "index.json");
        Assert.True(File.Exists(index), $"{index} is missing: run npm ci in tests/js (./build.sh deps)");
        var all = JsonNode.Parse(File.ReadAllText(index))!.AsArray();
        var entry = all.Single(e => (string?)e!["name"] == eventName)!;
        return entry["examples"]![0]!.DeepClone();
    }

    private static (int Exit, string Output) Validate(string file)
    {
        var validator = Path.Combine(RepoPaths.Root, "tests", "js", "node_modules", ".bin", "action-validator");
        Assert.True(File.Exists(validator), $"{validator} is missing: run npm ci in tests/js (./build.sh deps)");
        var start = new ProcessStartInfo(validator) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(file);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("action-validator did not finish within 60s");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
