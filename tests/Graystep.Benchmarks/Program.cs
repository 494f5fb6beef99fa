using System.Diagnostics;
using System.Globalization;
using System.Text;
using Graystep.Benchmarks;
using Graystep.TestKit;

// ./build.sh bench [validate|bulk|git|analysis|rollout|e2e|decisions ...]: measures the figures the issues name and writes them to
// artifacts/bench/results.md. Every loop is bounded in count; servers are started on loopback and stopped.
var selected = args.Length == 0 ? ["validate", "bulk", "analysis", "rollout", "git"] : args;
var results = new List<string>();
void Report(string line)
{
    Console.WriteLine(line);
    results.Add(line);
}

// GRAYSTEP_BENCH_CLI points the benchmarks at another published CLI (an older build, to compare side by side).
var graystep = Environment.GetEnvironmentVariable("GRAYSTEP_BENCH_CLI") is { Length: > 0 } other ? other : RepoPaths.GraystepExecutable;
if (!selected.All(s => s == "decisions") && !File.Exists(graystep))
{
    Console.Error.WriteLine($"error: {graystep} is missing; run ./build.sh publish first");
    return 1;
}

foreach (var name in selected)
{
    switch (name)
    {
        case "validate":
            ValidateBench.Run(graystep, Report);
            break;
        case "bulk":
            BulkBench.Run(Report);
            break;
        case "analysis":
            await AnalysisBench.RunAsync(Report);
            break;
        case "rollout":
            await RolloutBench.RunAsync(graystep, Report);
            break;
        case "git":
            GitBench.Run(graystep, Report);
            break;
        case "e2e":
            await E2eBench.RunAsync(Report);
            break;
        case "e2e-judge":
            await E2eBench.RunAsync(Report, E2eBench.SequentialJudge);
            break;
        case "decisions":
            DecisionBench.Run(Report);
            break;
        default:
            Console.Error.WriteLine($"error: unknown benchmark '{name}' (validate, bulk, analysis, rollout, git, e2e, e2e-judge, decisions)");
            return 2;
    }
}

var folder = Path.Combine(RepoPaths.Root, "artifacts", "bench");
Directory.CreateDirectory(folder);
var file = Path.Combine(folder, "results.md");
File.WriteAllText(file, "# Benchmark results\n\n" + string.Join('\n', results.Select(r => "- " + r)) + "\n", new UTF8Encoding(false));
Console.WriteLine($"written to {file}");
return 0;

namespace Graystep.Benchmarks
{
    internal static class Measure
    {
        public static double Median(List<double> values)
        {
            values.Sort();
            return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
        }

        public static (int ExitCode, string Output, double Millis) Run(string file, IEnumerable<string> args, string? cwd = null, IDictionary<string, string>? env = null)
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = cwd ?? Environment.CurrentDirectory };
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            foreach (var (k, v) in env ?? new Dictionary<string, string>())
            {
                psi.Environment[k] = v;
            }

            var watch = Stopwatch.StartNew();
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{file} {string.Join(' ', args)} took more than 5 minutes");
            }

            watch.Stop();
            return (process.ExitCode, stdout.Result + stderr.Result, watch.Elapsed.TotalMilliseconds);
        }

        public static string Ms(double ms) => ms.ToString("0", CultureInfo.InvariantCulture) + " ms";
    }

    internal static class ValidateBench
    {
        public static void Run(string graystep, Action<string> report)
        {
            var spec = Path.Combine(RepoPaths.Example("bookinfo"), "rollout.yaml");
            Measure.Run(graystep, ["validate", spec]);
            var times = new List<double>();
            for (var i = 0; i < 15; i++)
            {
                var (code, output, ms) = Measure.Run(graystep, ["validate", spec]);
                if (code != 0)
                {
                    throw new InvalidOperationException("validate failed: " + output);
                }

                times.Add(ms);
            }

            report($"validate one spec (whole process, ReadyToRun, 15 runs): median {Measure.Ms(Measure.Median(times))} (min {Measure.Ms(times.Min())}, max {Measure.Ms(times.Max())}); goal < 250 ms");
        }
    }
}
