using System.Diagnostics;
using System.Text;
using Graystep.TestKit;
using YamlDotNet.RepresentationModel;

namespace Graystep.CiAgents.Tests.Action;

/// <summary>What one run of the action's step left behind.</summary>
internal sealed record ActionRun(
    int ExitCode,
    string Log,
    IReadOnlyDictionary<string, string> StepEnvironment,
    IReadOnlyList<KeyValuePair<string, string>> StepOutputs,
    IReadOnlyDictionary<string, string> ActionOutputs);

/// <summary>
/// Runs action/action.yml's bash step the way the runner does: the step's `env:` evaluated from the inputs
/// (defaults from action.yml), GitHub's runner variables, the `run:` text written to a file and run with
/// `bash --noprofile --norc -eo pipefail`, then the action's outputs mapped from the step's $GITHUB_OUTPUT file.
/// </summary>
internal sealed class ActionRunner : IDisposable
{
    public const string RunnerToken = "ghs_RunnerDefaultToken0000000001";

    private readonly TempDirectory _temp = new("graystep-action");
    private readonly WorkflowYaml _action = WorkflowYaml.Load(Path.Combine(RepoPaths.Root, "action", "action.yml"));

    public ActionRunner()
    {
        Directory.CreateDirectory(Workspace);
        Directory.CreateDirectory(RunnerTemp);
        Directory.CreateDirectory(Bin);
        File.WriteAllText(OutputFile, string.Empty);
        File.WriteAllText(SummaryFile, "# Build\n\nearlier step's summary\n");
    }

    public string Workspace => _temp.Combine("workspace");

    public string RunnerTemp => _temp.Combine("runner-temp");

    /// <summary>Put first on PATH, for fake tools such as dotnet.</summary>
    public string Bin => _temp.Combine("bin");

    public string OutputFile => _temp.Combine("set_output_0001");

    public string SummaryFile => _temp.Combine("step_summary_0001");

    public string EventFile => _temp.Combine("event.json");

    public string TempPath(string name) => _temp.Combine(name);

    public string EventName { get; set; } = "workflow_dispatch";

    public ActionRun Run(IReadOnlyDictionary<string, string> inputs, IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        var declared = WorkflowYaml.Map(_action.Root, "inputs")!;
        foreach (var name in inputs.Keys)
        {
            Assert.True(declared.Children.ContainsKey(new YamlScalarNode(name)), $"action.yml declares no input '{name}'");
        }

        string? Lookup(string operand)
        {
            if (operand.StartsWith("inputs.", StringComparison.Ordinal))
            {
                var name = operand["inputs.".Length..];
                var input = WorkflowYaml.Map(declared, name) ?? throw new InvalidOperationException($"unknown input {name}");
                return inputs.TryGetValue(name, out var given)
                    ? given
                    : WorkflowYaml.Evaluate(WorkflowYaml.Scalar(input, "default") ?? string.Empty, Lookup);
            }

            return operand == "github.token" ? RunnerToken : throw new InvalidOperationException($"the test runner does not know '{operand}'");
        }

        var step = _action.Steps().Single(s => WorkflowYaml.Scalar(s, "id") == "graystep");
        Assert.Equal("bash", WorkflowYaml.Scalar(step, "shell"));
        var stepEnv = WorkflowYaml.Pairs(WorkflowYaml.Map(step, "env")).ToDictionary(p => p.Key, p => WorkflowYaml.Evaluate(p.Value, Lookup), StringComparer.Ordinal);

        var script = _temp.Combine($"step-{Guid.NewGuid():N}.sh");
        File.WriteAllText(script, WorkflowYaml.Scalar(step, "run"));
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = Workspace,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--noprofile", "--norc", "-eo", "pipefail", script })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = $"{Bin}:/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = _temp.Path,
            ["CI"] = "true",
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_ACTION_PATH"] = Path.Combine(RepoPaths.Root, "action"),
            ["GITHUB_WORKSPACE"] = Workspace,
            ["GITHUB_OUTPUT"] = OutputFile,
            ["GITHUB_STEP_SUMMARY"] = SummaryFile,
            ["GITHUB_EVENT_NAME"] = EventName,
            ["GITHUB_EVENT_PATH"] = EventFile,
            ["GITHUB_REPOSITORY"] = "octo-org/octo-repo",
            ["GITHUB_SERVER_URL"] = "https://github.com",
            ["GITHUB_RUN_ID"] = "1234",
            ["RUNNER_TEMP"] = RunnerTemp,
        };
        foreach (var (key, value) in extraEnvironment ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        foreach (var (key, value) in stepEnv)
        {
            env[key] = value;
        }

        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var log = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the action step did not finish within 60s");
        }

        log.Append(stdout.Result).Append(stderr.Result);
        var stepOutputs = RunnerParsers.ParseGitHubOutputFile(File.ReadAllText(OutputFile));
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in stepOutputs)
        {
            byName[key] = value; // a later write of the same output wins, as in the runner
        }

        var actionOutputs = WorkflowYaml.Map(_action.Root, "outputs")!.Children.ToDictionary(
            p => ((YamlScalarNode)p.Key).Value!,
            p => WorkflowYaml.Evaluate(WorkflowYaml.Scalar((YamlMappingNode)p.Value, "value")!, operand =>
            {
                const string prefix = "steps.graystep.outputs.";
                Assert.StartsWith(prefix, operand, StringComparison.Ordinal);
                return byName.GetValueOrDefault(operand[prefix.Length..]);
            }),
            StringComparer.Ordinal);
        return new ActionRun(process.ExitCode, log.ToString(), stepEnv, stepOutputs, actionOutputs);
    }

    /// <summary>
    /// A stand-in graystep: records its argv (NUL-separated) and environment, writes known outputs (one of them
    /// multi-line, as a heredoc) and a summary the way the real one does, and exits with FAKE_EXIT.
    /// </summary>
    public string WriteFakeGraystep(string path)
    {
        var record = _temp.Combine("graystep-calls");
        Directory.CreateDirectory(record);
        var script = $$"""
            #!/usr/bin/env bash
            set -euo pipefail
            n=$(ls '{{record}}' | grep -c '^argv-' || true)
            printf '%s\0' "$@" > '{{record}}/argv-'"$n"
            env -0 > '{{record}}/env-'"$n"
            {
              echo "phase=Progressing"
              echo "version=v2"
              echo "weight=20"
              echo "result=in-progress"
              echo "stable=v1"
              echo "canary=v2"
              echo "reason<<ghadelimiter_fake"
              echo "step 2/3 at 20%"
              echo "request-success-rate 99.9 >= 99"
              echo "ghadelimiter_fake"
            } >> "$GITHUB_OUTPUT"
            printf '## Graystep: bookinfo/reviews in progress\n' >> "$GITHUB_STEP_SUMMARY"
            echo "graystep: bookinfo/reviews shifted 20% to v2"
            exit "${FAKE_EXIT:-0}"
            """;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, script.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        MakeExecutable(path);
        return record;
    }

    public static IReadOnlyList<string> Argv(string record, int call = 0) =>
        File.ReadAllText(Path.Combine(record, $"argv-{call}")).Split('\0')[..^1];

    public static IReadOnlyDictionary<string, string> Env(string record, int call = 0) =>
        File.ReadAllText(Path.Combine(record, $"env-{call}"))
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    public static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public static int Calls(string record) => Directory.GetFiles(record, "argv-*").Length;

    public void Dispose() => _temp.Dispose();
}
