using System.Diagnostics;
using System.Globalization;
using System.Text;
using Graystep.TestKit;

namespace Graystep.Benchmarks;

/// <summary>
/// One <c>graystep run --once</c> step (fetch, render, commit, push) on a GitOps repository of 20,000 files and
/// 10,000 commits served from a bare remote on disk: cold (first run, fresh workspace) and warm (median).
/// </summary>
internal static class GitBench
{
    private const int Files = 20_000;
    private const int Commits = 10_000;

    private const int WarmRuns = 12;
    private const int ColdRuns = 5;

    public static void Run(string graystep, Action<string> report)
    {
        using var temp = new TempDirectory("graystep-gitbench");
        var bare = temp.Combine("remote.git");
        var watch = Stopwatch.StartNew();
        Generate(bare);
        Console.WriteLine($"generated {Files} files / {Commits} commits in {watch.Elapsed.TotalSeconds:0.0}s");

        // The process alone (runtime start, command line, no git): what any command costs before it does anything.
        var startup = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            startup.Add(Measure.Run(graystep, ["--help"]).Millis);
        }

        var workspaces = temp.Combine("workspaces");
        string[] once = ["run", "apps/bookinfo/rollout.yaml", "--repo", bare, "--once"];
        var env = new Dictionary<string, string> { ["GRAYSTEP_WORKSPACE"] = workspaces };
        var (code, output, first) = Measure.Run(graystep, [.. once, "--version", "v2"], env: env);
        Check(code, output);

        // Warm: the managed workspace exists; a step fetches, renders, commits and pushes.
        var warm = new List<Sample>();
        for (var i = 0; i < WarmRuns; i++)
        {
            warm.Add(Step(graystep, once, workspaces, temp.Combine($"trace-warm-{i}.json")));
        }

        // Cold: a fresh workspace folder each time (a new CI machine): clone, then the step.
        var cold = new List<Sample>();
        for (var i = 0; i < ColdRuns; i++)
        {
            cold.Add(Step(graystep, once, temp.Combine($"workspaces-cold-{i}"), temp.Combine($"trace-cold-{i}.json")));
        }

        // The same through a URL (file://): a local path clones by hard links, a URL transfers a pack as a network
        // remote does (a partial clone, blob:none, as with GitHub).
        string[] onceUrl = ["run", "apps/bookinfo/rollout.yaml", "--repo", new Uri(bare).AbsoluteUri, "--once"];
        var coldUrl = new List<Sample>();
        for (var i = 0; i < ColdRuns; i++)
        {
            coldUrl.Add(Step(graystep, onceUrl, temp.Combine($"workspaces-cold-url-{i}"), temp.Combine($"trace-cold-url-{i}.json")));
        }

        var warmUrl = new List<Sample>();
        for (var i = 0; i < ColdRuns; i++)
        {
            warmUrl.Add(Step(graystep, onceUrl, workspaces, temp.Combine($"trace-warm-url-{i}.json")));
        }

        static string Split(List<Sample> samples)
        {
            var total = Measure.Median([.. samples.Select(s => s.Millis)]);
            var git = Measure.Median([.. samples.Select(s => s.GitMillis)]);
            var calls = Measure.Median([.. samples.Select(s => (double)s.GitCalls)]);
            return string.Create(CultureInfo.InvariantCulture,
                $"median {total:0} ms (min {samples.Min(s => s.Millis):0}, max {samples.Max(s => s.Millis):0}); git {git:0} ms in {calls:0} git processes, Graystep {total - git:0} ms");
        }

        report(string.Create(CultureInfo.InvariantCulture,
            $"run --once, one step on {Files} files / {Commits} commits (bare remote on disk, load average {LoadAverage()}): --repo PATH warm ({WarmRuns} runs) {Split(warm)}; --repo PATH cold ({ColdRuns} runs, fresh workspace: clone + step) {Split(cold)}; --repo file:// URL warm ({ColdRuns} runs) {Split(warmUrl)}; --repo file:// URL cold ({ColdRuns} runs) {Split(coldUrl)}; process start alone (graystep --help) median {Measure.Median(startup):0} ms; first run (clone, initialize, start) {first:0} ms; goal < 1500 ms warm"));
    }

    private sealed record Sample(double Millis, double GitMillis, int GitCalls);

    private static Sample Step(string graystep, string[] once, string workspaces, string trace)
    {
        Thread.Sleep(1100); // let the 1 s analysis interval pass outside the measurement
        var env = new Dictionary<string, string> { ["GRAYSTEP_WORKSPACE"] = workspaces, ["GIT_TRACE2_EVENT"] = trace };
        var (code, output, ms) = Measure.Run(graystep, once, env: env);
        Check(code, output);
        if (!output.Contains("committed ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("the step committed nothing: " + output);
        }

        var (gitMs, calls) = GitMillis(trace);
        return new Sample(ms, gitMs, calls);
    }

    private static void Check(int code, string output)
    {
        if (code != 5 && code != 0)
        {
            throw new InvalidOperationException($"graystep exited {code}: {output}");
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    /// <summary>
    /// Sums the wall time of the git processes Graystep started, from a GIT_TRACE2 event file: the "exit" events of
    /// top-level processes (a session id without '/'; git's own children, such as index-pack, nest under their parent).
    /// </summary>
    private static (double Millis, int Calls) GitMillis(string traceFile)
    {
        if (!File.Exists(traceFile))
        {
            return (0, 0);
        }

        double total = 0;
        var calls = 0;
        foreach (var line in File.ReadLines(traceFile))
        {
            if (!line.Contains("\"event\":\"exit\"", StringComparison.Ordinal))
            {
                continue;
            }

            var sid = line.IndexOf("\"sid\":\"", StringComparison.Ordinal);
            if (sid < 0 || line[(sid + 7)..line.IndexOf('"', sid + 7)].Contains('/', StringComparison.Ordinal))
            {
                continue;
            }

            var at = line.IndexOf("\"t_abs\":", StringComparison.Ordinal);
            if (at >= 0)
            {
                var end = line.IndexOfAny([',', '}'], at + 8);
                if (double.TryParse(line[(at + 8)..end], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                {
                    total += seconds * 1000;
                    calls++;
                }
            }
        }

        return (total, calls);
    }

    private static void Generate(string bare)
    {
        Scenario.Git(Path.GetDirectoryName(bare)!, "init", "-q", "--bare", "-b", "main", bare);
        var stream = new StringBuilder();
        var mark = 1;
        var when = 1_700_000_000L;
        void Commit(string message, Action<StringBuilder> body)
        {
            stream.Append("commit refs/heads/main\n");
            stream.Append(CultureInfo.InvariantCulture, $"mark :{mark++}\n");
            stream.Append(CultureInfo.InvariantCulture, $"committer Bench <bench@local> {when++} +0000\n");
            stream.Append(CultureInfo.InvariantCulture, $"data {Encoding.UTF8.GetByteCount(message)}\n{message}\n");
            body(stream);
            stream.Append('\n');
        }

        void File(StringBuilder sb, string path, string content) =>
            sb.Append(CultureInfo.InvariantCulture, $"M 100644 inline {path}\ndata {Encoding.UTF8.GetByteCount(content)}\n{content}\n");

        Commit("generated: 20,000 files", sb =>
        {
            for (var i = 0; i < Files; i++)
            {
                File(sb, $"services/svc-{i / 100:000}/config-{i % 100:00}.yaml", $"name: svc-{i}\nreplicas: {i % 5 + 1}\n");
            }
        });
        for (var c = 1; c < Commits - 1; c++)
        {
            Commit($"tweak svc-{c % Files}", sb => File(sb, $"services/svc-{c % Files / 100:000}/config-{c % Files % 100:00}.yaml", $"name: svc-{c % Files}\nreplicas: {c % 7 + 1}\nrev: {c}\n"));
        }

        var example = RepoPaths.Example("bookinfo");
        Commit("add bookinfo", sb =>
        {
            foreach (var path in Directory.EnumerateFiles(example, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(example, path).Replace('\\', '/');
                if (relative.StartsWith("rendered/", StringComparison.Ordinal) || relative.StartsWith(".github/", StringComparison.Ordinal) || relative == "rollout.yaml")
                {
                    continue;
                }

                File(sb, "apps/bookinfo/" + relative, System.IO.File.ReadAllText(path));
            }

            File(sb, "apps/bookinfo/rollout.yaml", """
                apiVersion: graystep.io/v1alpha1
                kind: Rollout
                metadata: {name: reviews, namespace: bookinfo}
                spec:
                  provider: istio
                  targetRef: {kind: Deployment, name: reviews}
                  service: {port: 9080, hosts: [reviews], gateways: [mesh]}
                  analysis:
                    interval: 1s
                    threshold: 5
                    stepWeight: 2
                    maxWeight: 80
                  output: rendered/
                  sync: {kind: none}

                """);
        });

        Scenario.Git(bare, "config", "uploadpack.allowFilter", "true");
        var psi = new ProcessStartInfo("git") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = bare };
        psi.ArgumentList.Add("fast-import");
        psi.ArgumentList.Add("--quiet");
        using var process = Process.Start(psi)!;
        process.StandardInput.Write(stream.ToString());
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("git fast-import failed: " + errors);
        }
    }
}
