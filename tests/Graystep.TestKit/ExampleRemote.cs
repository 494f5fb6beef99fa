using Xunit;

namespace Graystep.TestKit;

/// <summary>A bare GitOps remote seeded with one of the examples, and the checkout that seeded it.</summary>
/// <param name="Remote">The bare repository; it refuses anything but a fast-forward, as history is never rewritten.</param>
/// <param name="Seed">The checkout the seed commit was pushed from; the caller reads it and deletes it.</param>
/// <param name="SpecPath">The spec's path in the repository, e.g. <c>apps/bookinfo/rollout.yaml</c>.</param>
public sealed record ExampleRemote(string Remote, string Seed, string App, string SpecPath, string SeedSha)
{
    private static readonly string[] UnreadFiles = [".github", "Jenkinsfile", "azure-pipelines.yml", "README.md"];

    /// <summary>
    /// Creates <c>remote.git</c> and <c>seed</c> under <paramref name="root"/>: <c>examples/EXAMPLE</c> copied to
    /// <c>apps/EXAMPLE</c>, the spec edited by <paramref name="tweaks"/> (each must match), a README and
    /// <paramref name="extraFiles"/>, committed as "Seed EXAMPLE" (at <paramref name="committedAt"/> when given) and pushed.
    /// </summary>
    public static ExampleRemote Create(
        string root,
        string example,
        string specFile,
        IEnumerable<(string Find, string Replace)> tweaks,
        IReadOnlyDictionary<string, string>? extraFiles = null,
        DateTimeOffset? committedAt = null)
    {
        ArgumentNullException.ThrowIfNull(tweaks);
        var remote = Path.Combine(root, "remote.git");
        RawGit.Run(root, "init", "-q", "--bare", "-b", "main", remote);
        RawGit.Run(remote, "config", "receive.denyNonFastForwards", "true");
        var seed = Path.Combine(root, "seed");
        RawGit.Run(root, "clone", "-q", remote, seed);
        var app = "apps/" + example;
        RepoPaths.CopyDirectory(RepoPaths.Example(example), Path.Combine(seed, app));
        // The examples' CI pipeline definitions and READMEs are not what a rollout reads; leaving them out keeps the
        // seed (and every commit hash the golden transcripts pin) the same when a pipeline example or its prose is edited.
        foreach (var unread in UnreadFiles)
        {
            var full = Path.Combine(seed, app, unread);
            if (Directory.Exists(full))
            {
                Directory.Delete(full, recursive: true);
            }
            else
            {
                File.Delete(full);
            }
        }

        var specFull = Path.Combine(seed, app, specFile);
        var text = File.ReadAllText(specFull);
        foreach (var (find, replace) in tweaks)
        {
            Assert.True(text.Contains(find, StringComparison.Ordinal), $"tweak: '{find}' is not in {example}/{specFile}");
            text = text.Replace(find, replace, StringComparison.Ordinal);
        }

        File.WriteAllText(specFull, text);
        RawGit.Write(seed, "README.md", "# GitOps\n");
        foreach (var (path, content) in extraFiles ?? new Dictionary<string, string>())
        {
            RawGit.Write(seed, path, content);
        }

        RawGit.Run(seed, "add", "-A");
        var sha = committedAt is { } at
            ? RawGit.CommitAt(seed, "Seed " + example, at)
            : Commit(seed, "Seed " + example);
        RawGit.Run(seed, "push", "-q", "origin", "main");
        return new ExampleRemote(remote, seed, app, $"{app}/{specFile}", sha);
    }

    private static string Commit(string seed, string message)
    {
        RawGit.Run(seed, "commit", "-q", "-m", message);
        return RawGit.Run(seed, "rev-parse", "HEAD");
    }
}
