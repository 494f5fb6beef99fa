using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;

// The build program behind build.sh and build.ps1. Plain C#: Cake.Frosting is not served by this machine's mirror.
var root = FindRoot();

// Marketplace and Azure DevOps Server refuse extension packages over 25 MiB.
const long VsixLimit = 26_214_400;
var target = args.Length > 0 ? args[0] : "build";
var rest = args.Skip(1).ToArray();

try
{
    return target switch
    {
        "build" => Build(),
        "publish" => Publish(),
        "package" => Package(),
        "deps" => Deps(),
        "test" => Test(rest),
        "bench" => Bench(rest),
        "demo" => Demo(rest),
        "help" or "--help" or "-h" => Help(0),
        _ => Help(2),
    };
}
catch (BuildFailure failure)
{
    Console.Error.WriteLine($"error: {failure.Message}");
    return 1;
}

int Help(int code)
{
    Console.WriteLine("usage: ./build.sh <target> [args]");
    Console.WriteLine("  build     compile the solution (Release)");
    Console.WriteLine("  publish   publish the CLI to artifacts/graystep/graystep (ReadyToRun)");
    Console.WriteLine("  package   publish + the Graystep.Cli .nupkg (artifacts/nupkg) + the Azure DevOps .vsix (artifacts/extension)");
    Console.WriteLine("  deps      install what the tests and the demo need (prometheus, npm validators, the task's packages)");
    Console.WriteLine("  test      deps + publish + every test; ends with 'N passed, N failed'");
    Console.WriteLine("  bench     run the benchmarks; figures go to artifacts/bench/");
    Console.WriteLine("  demo      the main job: a rollout on a throwaway GitOps repo with the sandbox");
    return code;
}

int Build()
{
    Run("dotnet", ["build", "Pipeline.sln", "-c", "Release", "-nologo", "-v", "q", "-clp:ErrorsOnly"]);
    return 0;
}

int Publish()
{
    var output = Path.Combine(root, "artifacts", "graystep");
    Run("dotnet", ["publish", "src/Graystep.Cli/Graystep.Cli.csproj", "-c", "Release", "-nologo", "-v", "q",
        "-o", output, "-p:PublishReadyToRun=true", "-r", RuntimeId(), "--self-contained", "false", "-clp:ErrorsOnly"]);
    var sandbox = Path.Combine(root, "artifacts", "sandbox");
    if (File.Exists(Path.Combine(root, "src", "Graystep.Sandbox", "Program.cs")))
    {
        Run("dotnet", ["publish", "src/Graystep.Sandbox/Graystep.Sandbox.csproj", "-c", "Release", "-nologo", "-v", "q",
            "-o", sandbox, "-r", RuntimeId(), "--self-contained", "false", "-clp:ErrorsOnly"]);
    }

    Console.WriteLine($"published {Path.Combine(output, "graystep")}");
    return 0;
}

int Deps()
{
    if (!OnPath("prometheus"))
    {
        if (!OnPath("apt-get"))
        {
            throw new BuildFailure("prometheus is missing and apt-get is not available; install Prometheus 2.x and put it on PATH");
        }

        Console.WriteLine("installing prometheus (Debian package)...");
        var sudo = Environment.UserName == "root" || !OnPath("sudo") ? [] : new[] { "sudo" };
        RunShell([.. sudo, "apt-get", "update", "-qq"]);
        RunShell([.. sudo, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "--no-install-recommends", "prometheus"]);
    }

    // Debian's package starts a system Prometheus on :9090; the tests start their own on free ports.
    NpmCi(Path.Combine(root, "tests", "js"), "the npm schema validators");
    NpmCi(Path.Combine(root, "tasks", "GraystepRolloutV1"), "the Azure Pipelines task's packages");
    NpmCi(Path.Combine(root, "tasks"), "the extension's packaging and test tools (tfx-cli, ajv)");
    return 0;
}

void NpmCi(string folder, string what)
{
    if (!Directory.Exists(folder) || Directory.Exists(Path.Combine(folder, "node_modules")))
    {
        return;
    }

    if (!OnPath("npm"))
    {
        throw new BuildFailure("npm is missing; install Node.js 20+ (Debian: apt-get install nodejs npm)");
    }

    Console.WriteLine($"installing {what} (npm ci)...");
    Run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], folder);
}

int Package()
{
    Deps();
    Publish();
    var nupkgs = Path.Combine(root, "artifacts", "nupkg");
    if (Directory.Exists(nupkgs))
    {
        Directory.Delete(nupkgs, recursive: true);
    }

    Run("dotnet", ["pack", "src/Graystep.Cli/Graystep.Cli.csproj", "-c", "Release", "-nologo", "-v", "q", "-o", nupkgs, "-clp:ErrorsOnly"]);
    foreach (var nupkg in Directory.EnumerateFiles(nupkgs, "*.nupkg"))
    {
        Console.WriteLine($"packed {nupkg} ({new FileInfo(nupkg).Length} bytes)");
    }

    var vsix = Vsix(Path.Combine(root, "artifacts", "extension"));
    Console.WriteLine($"packed {vsix} ({new FileInfo(vsix).Length} bytes, limit {VsixLimit})");
    return 0;
}

// The Azure DevOps extension: tasks/vss-extension.json with the task folder and its runtime node_modules, by tfx.
string Vsix(string output)
{
    var tasks = Path.Combine(root, "tasks");
    var tfx = Path.Combine(tasks, "node_modules", "tfx-cli", "_build", "tfx-cli.js");
    if (!File.Exists(tfx))
    {
        throw new BuildFailure($"tfx-cli is missing at {tfx}; run ./build.sh deps (npm ci in tasks/)");
    }

    if (Directory.Exists(output))
    {
        Directory.Delete(output, recursive: true);
    }

    Directory.CreateDirectory(output);
    Run("node", [tfx, "extension", "create", "--root", tasks, "--manifest-globs", "vss-extension.json",
        "--output-path", output, "--no-prompt", "--no-color"]);
    var vsix = Directory.EnumerateFiles(output, "*.vsix").SingleOrDefault()
        ?? throw new BuildFailure($"tfx extension create left no .vsix in {output}");
    var size = new FileInfo(vsix).Length;
    if (size > VsixLimit)
    {
        throw new BuildFailure($"{vsix} is {size} bytes; Marketplace and Azure DevOps Server refuse packages over {VsixLimit} bytes");
    }

    return vsix;
}

int Test(string[] filter)
{
    Deps();
    Publish();
    var results = Path.Combine(root, "artifacts", "test-results");
    if (Directory.Exists(results))
    {
        Directory.Delete(results, recursive: true);
    }

    var testArgs = new List<string>
    {
        "test", "Pipeline.sln", "-c", "Release", "-nologo", "--logger", "trx", "--logger", "console;verbosity=minimal",
        "--results-directory", results,
    };
    testArgs.AddRange(filter);
    var exit = Run("dotnet", testArgs, throwOnFailure: false);

    int passed = 0, failed = 0, skipped = 0;
    foreach (var trx in Directory.Exists(results) ? Directory.EnumerateFiles(results, "*.trx") : [])
    {
        var counters = XDocument.Load(trx).Descendants().FirstOrDefault(e => e.Name.LocalName == "Counters");
        if (counters is null)
        {
            continue;
        }

        passed += Count(counters, "passed");
        failed += Count(counters, "failed") + Count(counters, "error") + Count(counters, "timeout") + Count(counters, "aborted");
        skipped += Count(counters, "notExecuted");
    }

    var (jsPassed, jsFailed) = TaskTests(results);
    passed += jsPassed;
    failed += jsFailed;

    if (exit != 0 && failed == 0)
    {
        // The build or a test host failed before any result was written: count it, never report green.
        failed = 1;
        Console.Error.WriteLine("error: dotnet test failed without a failing test result (build error or crashed test host)");
    }

    Console.WriteLine(skipped > 0
        ? $"{passed} passed, {failed} failed, {skipped} skipped"
        : $"{passed} passed, {failed} failed");
    return failed == 0 ? 0 : 1;
}

// The Azure Pipelines task's tests (node:test: mock runner, schemas, the real entry point against the published CLI),
// counted from node's JUnit report. A run that leaves no report counts as one failure.
(int Passed, int Failed) TaskTests(string results)
{
    var tests = Path.Combine(root, "tasks", "tests");
    if (!Directory.Exists(tests))
    {
        return (0, 0);
    }

    Directory.CreateDirectory(results);
    var report = Path.Combine(results, "tasks-junit.xml");
    var exit = Run("node", ["--test", "--test-reporter=spec", "--test-reporter-destination=stdout",
        "--test-reporter=junit", $"--test-reporter-destination={report}", tests], Path.Combine(root, "tasks"), throwOnFailure: false);
    if (!File.Exists(report))
    {
        Console.Error.WriteLine($"error: node --test left no report (exit code {exit})");
        return (0, 1);
    }

    var cases = XDocument.Load(report).Descendants("testcase").ToList();
    var failed = cases.Count(c => c.Element("failure") is not null);
    var skipped = cases.Count(c => c.Element("skipped") is not null);
    if (exit != 0 && failed == 0)
    {
        Console.Error.WriteLine($"error: node --test exited with {exit} without a failing test");
        failed = 1;
    }

    Console.WriteLine($"task tests: {cases.Count - failed - skipped} passed, {failed} failed");
    return (cases.Count - failed - skipped, failed);
}

int Bench(string[] benchArgs)
{
    Deps();

    // The decision benchmark simulates counters with the judge's code: it needs no published CLI.
    if (benchArgs.Length == 0 || benchArgs.Any(a => a != "decisions"))
    {
        Publish();
    }

    var project = Path.Combine(root, "tests", "Graystep.Benchmarks", "Graystep.Benchmarks.csproj");
    Run("dotnet", ["run", "-c", "Release", "--project", project, "--", .. benchArgs]);
    return 0;
}

int Demo(string[] demoArgs)
{
    Deps();
    Publish();
    var script = Path.Combine(root, "build", "demo.sh");
    if (!File.Exists(script))
    {
        Console.WriteLine("The demo (sandbox + Prometheus + two rollouts) arrives with the sandbox work (issue 5).");
        Console.WriteLine("Today, try: artifacts/graystep/graystep validate examples/ and the README's tour.");
        return 0;
    }

    return Run("bash", [script, .. demoArgs], throwOnFailure: false);
}

static int Count(XElement counters, string name) =>
    int.TryParse(counters.Attribute(name)?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;

int Run(string file, IEnumerable<string> arguments, string? cwd = null, bool throwOnFailure = true)
{
    var psi = new ProcessStartInfo(file) { WorkingDirectory = cwd ?? root, UseShellExecute = false };
    foreach (var a in arguments)
    {
        psi.ArgumentList.Add(a);
    }

    psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
    psi.Environment["DOTNET_NOLOGO"] = "1";
    using var process = Process.Start(psi) ?? throw new BuildFailure($"could not start {file}");
    process.WaitForExit();
    if (throwOnFailure && process.ExitCode != 0)
    {
        throw new BuildFailure($"{file} {string.Join(' ', psi.ArgumentList)} exited with {process.ExitCode}");
    }

    return process.ExitCode;
}

void RunShell(string[] command) => Run(command[0], command[1..]);

static bool OnPath(string name) =>
    (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => File.Exists(Path.Combine(dir, name)));

static string RuntimeId() =>
    System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;

static string FindRoot()
{
    var dir = new DirectoryInfo(Directory.GetCurrentDirectory());
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
    {
        dir = dir.Parent;
    }

    return dir?.FullName ?? throw new InvalidOperationException("run from inside the repository (Pipeline.sln not found)");
}

internal sealed class BuildFailure(string message) : Exception(message);
