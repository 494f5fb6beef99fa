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

    public static void Run(string graystep, Action<string> report)
    {
        using var temp = new TempDirectory("graystep-gitbench");
        var bare = temp.Combine("remote.git");
        var watch = Stopwatch.StartNew();
        Generate(bare);
        Console.WriteLine($"generated {Files} files / {Commits} commits in {watch.Elapsed.TotalSeconds:0.0}s");

        var workspaces = temp.Combine("workspaces");
        var env = new Dictionary<string, string> { ["GRAYSTEP_WORKSPACE"] = workspaces };
        string[] once = ["run", "apps/bookinfo/rollout.yaml", "--repo", bare, "--once"];
        var (code, output, cold) = Measure.Run(graystep, once, env: env);
        Check(code, output, 5);
        (code, output, var start) = Measure.Run(graystep, [.. once, "--version", "v2"], env: env);
        Check(code, output, 5);

        var warm = new List<double>();
        var gitShare = new List<double>();
        for (var i = 0; i < 12; i++)
        {
            Thread.Sleep(1100); // let the 1 s analysis interval pass outside the measurement
            var trace = temp.Combine($"trace-{i}.txt");
            var withTrace = new Dictionary<string, string>(env) { ["GIT_TRACE2_EVENT"] = trace };
            (code, output, var ms) = Measure.Run(graystep, once, env: withTrace);
            Check(code, output, i == 11 ? 5 : 5);
            warm.Add(ms);
            gitShare.Add(GitMillis(trace));
        }

        report(string.Create(CultureInfo.InvariantCulture,
            $"run --once on {Files} files / {Commits} commits (bare remote on disk): cold first run {cold:0} ms (clone + initialize commit), start {start:0} ms, warm step median {Measure.Median(warm):0} ms (min {warm.Min():0}, max {warm.Max():0}); of a warm step, git processes took median {Measure.Median(gitShare):0} ms, Graystep the rest; goal < 1500 ms warm"));
    }

    private static void Check(int code, string output, int expected)
    {
        if (code != expected && code != 0)
        {
            throw new InvalidOperationException($"graystep exited {code}: {output}");
        }
    }

    /// <summary>Sums the wall time of top-level git processes from a GIT_TRACE2 event file.</summary>
    private static double GitMillis(string traceFile)
    {
        if (!File.Exists(traceFile))
        {
            return 0;
        }

        double total = 0;
        foreach (var line in File.ReadLines(traceFile))
        {
            // "exit" events of depth-0 processes carry t_abs: the process' own wall time in seconds.
            if (line.Contains("\"event\":\"exit\"", StringComparison.Ordinal) && !line.Contains("\"child_id\"", StringComparison.Ordinal))
            {
                var at = line.IndexOf("\"t_abs\":", StringComparison.Ordinal);
                if (at >= 0)
                {
                    var end = line.IndexOfAny([',', '}'], at + 8);
                    if (double.TryParse(line[(at + 8)..end], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                    {
                        total += seconds * 1000;
                    }
                }
            }
        }

        return total;
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
                    stepWeights: [5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70]
                  output: rendered/
                  sync: {kind: none}

                """);
        });

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
