using System.Text.RegularExpressions;
using Graystep.TestKit;

namespace Graystep.Benchmarks;

/// <summary>A throwaway GitOps repository: a bare remote seeded from an example, with spec tweaks for speed.</summary>
internal sealed partial class Scenario : IDisposable
{
    private readonly TempDirectory _temp = new("graystep-bench");

    public Scenario(string example, string interval, string prometheus, string subfolder = "", Action<string>? prepare = null)
    {
        Bare = _temp.Combine("remote.git");
        Seed = _temp.Combine("seed");
        Workspaces = _temp.Combine("workspaces");
        Git(_temp.Path, "init", "-q", "--bare", "-b", "main", Bare);
        Git(_temp.Path, "init", "-q", "-b", "main", Seed);
        var target = Path.Combine(Seed, subfolder);
        RepoPaths.CopyDirectory(RepoPaths.Example(example), target);
        var spec = Path.Combine(target, "rollout.yaml");
        var text = File.ReadAllText(spec);
        text = IntervalLine().Replace(text, $"$1interval: {interval}");
        text = SyncBlock().Replace(text, "  sync:\n    kind: none\n");
        text = text.Replace("http://prometheus.istio-system:9090", prometheus, StringComparison.Ordinal)
            .Replace("http://prometheus:9090", prometheus, StringComparison.Ordinal);
        File.WriteAllText(spec, text);
        prepare?.Invoke(Seed);
        Git(Seed, "add", "-A");
        Git(Seed, "-c", "user.name=bench", "-c", "user.email=bench@local", "commit", "-q", "-m", "seed");
        Git(Seed, "push", "-q", Bare, "main");
        SpecPath = (subfolder.Length > 0 ? subfolder + "/" : string.Empty) + "rollout.yaml";
    }

    public string Bare { get; }

    public string Seed { get; }

    public string Workspaces { get; }

    public string SpecPath { get; }

    public static void Git(string cwd, params string[] args)
    {
        var (code, output, _) = Measure.Run("git", args, cwd);
        if (code != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)}: {output}");
        }
    }

    public void Dispose() => _temp.Dispose();

    [GeneratedRegex(@"(?m)^(\s{4})interval: .*$")]
    private static partial Regex IntervalLine();

    [GeneratedRegex(@"(?ms)^  sync:\n(    .*?\n)+")]
    private static partial Regex SyncBlock();
}
