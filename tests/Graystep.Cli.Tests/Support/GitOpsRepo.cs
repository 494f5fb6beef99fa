using System.Text.RegularExpressions;
using Graystep.Core.History;
using Graystep.TestKit;

namespace Graystep.Cli.Tests.Support;

/// <summary>
/// A GitOps repository for process tests: an example in a bare remote with a short analysis interval, no metrics
/// and <c>sync: {kind: none}</c>, so a whole rollout takes seconds; plus a workspace root and helpers to run
/// graystep against it and to read the results with plain git.
/// </summary>
public sealed partial class GitOpsRepo : IDisposable
{
    private readonly TempDirectory _temp = new("graystep-cli");

    public GitOpsRepo(string example = "bookinfo", string interval = "1s", params (string Find, string Replace)[] tweaks)
    {
        Remote = _temp.Combine("remote.git");
        RawGit.Run(_temp.Path, "init", "-q", "--bare", "-b", "main", Remote);
        // History is never rewritten: the remote refuses anything but a fast-forward, so a force push would fail the test.
        RawGit.Run(Remote, "config", "receive.denyNonFastForwards", "true");
        RawGit.Run(Remote, "config", "receive.denyDeletes", "true");
        var seed = _temp.Combine("seed");
        RawGit.Run(_temp.Path, "clone", "-q", Remote, seed);
        RepoPaths.CopyDirectory(RepoPaths.Example(example), seed);
        var text = File.ReadAllText(Path.Combine(seed, "rollout.yaml"));
        text = Metrics().Replace(text, string.Empty);
        text = text.Replace("    interval: 1m", "    interval: " + interval, StringComparison.Ordinal);
        text = text.Replace("    kind: delay\n    delay: 30s", "    kind: none", StringComparison.Ordinal);

        // These tests drive the commands: the version that lost its traffic leaves in the switch commit, unless a
        // tweak sets scaleDownDelay.
        if (!tweaks.Any(t => t.Replace.Contains("scaleDownDelay", StringComparison.Ordinal)))
        {
            text = RetireDelay.Pinned(text);
        }

        foreach (var (find, replace) in tweaks)
        {
            Assert.True(text.Contains(find, StringComparison.Ordinal), $"tweak: '{find}' is not in {example}/rollout.yaml");
            text = text.Replace(find, replace, StringComparison.Ordinal);
        }

        File.WriteAllText(Path.Combine(seed, "rollout.yaml"), text);
        RawGit.Write(seed, "other/config.yaml", "name: other\n");
        RawGit.Run(seed, "add", "-A");
        RawGit.Run(seed, "commit", "-q", "-m", "Seed " + example);
        RawGit.Run(seed, "push", "-q", "origin", "main");
        Directory.Delete(seed, recursive: true);
        Workspaces = _temp.Combine("workspaces");
    }

    public string Root => _temp.Path;

    public string Remote { get; }

    /// <summary>GRAYSTEP_WORKSPACE for the runs: managed clones live here, never in a user's checkout.</summary>
    public string Workspaces { get; }

    public string Combine(params string[] parts) => _temp.Combine(parts);

    /// <summary>The variables every run gets; <paramref name="extra"/> adds or overrides (null removes).</summary>
    public Dictionary<string, string?> Env(params (string Name, string? Value)[] extra)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal) { ["GRAYSTEP_WORKSPACE"] = Workspaces };
        foreach (var (name, value) in extra)
        {
            env[name] = value;
        }

        return env;
    }

    /// <summary>graystep ARGS from <see cref="Root"/> (or <paramref name="cwd"/>), with <see cref="Env"/>.</summary>
    public Task<ChildProcessResult> RunAsync(params string[] args) => GraystepProcess.RunAsync(args, Root, Env());

    public Task<ChildProcessResult> RunInAsync(string cwd, IReadOnlyDictionary<string, string?> env, params string[] args) => GraystepProcess.RunAsync(args, cwd, env);

    /// <summary>A working checkout of the remote, as a user or a CI job has it.</summary>
    public string Checkout(string name)
    {
        var path = Combine(name);
        RawGit.Run(Root, "clone", "-q", Remote, path);
        return path;
    }

    public IReadOnlyList<RemoteCommit> Log() => RawGit.Log(Remote);

    public IReadOnlyList<RemoteCommit> RolloutCommits(string id = "bookinfo/reviews") => [.. Log().Where(c => c.Trailer(Trailers.Rollout) == id)];

    /// <summary>"action version weight step" for each of the rollout's commits, oldest first.</summary>
    public IReadOnlyList<string> Timeline(string id = "bookinfo/reviews") =>
        [.. RolloutCommits(id).Select(c => $"{c.Action} {c.Trailer(Trailers.Version)} {c.Trailer(Trailers.Weight)} {c.Trailer(Trailers.Step)}")];

    public string Tip() => RawGit.Run(Remote, "rev-parse", "refs/heads/main");

    /// <summary>Someone else pushes a commit to the remote.</summary>
    public string PushFromElsewhere(string path, string content, string message)
    {
        var other = Combine("elsewhere-" + Guid.NewGuid().ToString("N")[..8]);
        RawGit.Run(Root, "clone", "-q", Remote, other);
        RawGit.Write(other, path, content);
        RawGit.Run(other, "add", "-A");
        RawGit.Run(other, "commit", "-q", "-m", message);
        RawGit.Run(other, "push", "-q", "origin", "main");
        Directory.Delete(other, recursive: true);
        return Tip();
    }

    /// <summary>The whole history is linear: nothing was rewritten or merged.</summary>
    public void AssertLinear()
    {
        var log = Log();
        for (var i = 1; i < log.Count; i++)
        {
            Assert.Equal(log[i - 1].Sha, Assert.Single(log[i].Parents));
        }
    }

    /// <summary>Every tip seen earlier is an ancestor of the tip now: the branch only ever moved forward.</summary>
    public void AssertOnlyMovedForward(IEnumerable<string> earlierTips)
    {
        var tip = Tip();
        foreach (var earlier in earlierTips.Distinct(StringComparer.Ordinal))
        {
            var (code, _, error) = RawGit.TryRun(Remote, "merge-base", "--is-ancestor", earlier, tip);
            Assert.True(code == 0, $"{earlier} was on main and is not an ancestor of {tip}: history was rewritten {error}");
        }
    }

    public void Dispose() => _temp.Dispose();

    [GeneratedRegex(@"(?m)^    metrics:\n(?:^      .*\n)*")]
    private static partial Regex Metrics();

    /// <summary>initialize, the retire that ends the adoption of the user's Deployment, start, one step per weight, promote, as "action version weight step".</summary>
    public static string[] Canary(string stable, string canary, params int[] weights) =>
    [
        $"initialize {stable} 100 0/0",
        $"retire {stable} 100 0/0",
        $"start {canary} 0 0/{weights.Length}",
        .. weights.Select((w, i) => $"step {canary} {w} {i + 1}/{weights.Length}"),
        $"promote {canary} 100 {weights.Length}/{weights.Length}",
    ];
}
