using System.Diagnostics;
using System.Text;
using Graystep.Cli.Tests.Support;
using Graystep.TestKit;
using Graystep.TestKit.Processes;

namespace Graystep.Cli.Tests;

/// <summary>
/// The GitOps repository is untrusted input (issue 13), probed through the published CLI as a pipeline runs it, so
/// that an abort (stack overflow: exit 134) or a runaway allocation would show as such.
/// </summary>
public sealed class UntrustedRepoTests
{
    private static readonly string[] Run = ["run", "rollout.yaml", "--version", "v2", "--image", "reviews=registry.example/reviews:2.0.0"];

    /// <summary>The managed heap is capped at 1 GB: a render that grew the way the alias bomb did would die of it.</summary>
    private static readonly (string, string?) HeapLimit = ("DOTNET_GCHeapHardLimit", "0x40000000");

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_committed_symlink_output_folder_is_refused_and_nothing_is_written_outside()
    {
        using var repo = new GitOpsRepo();
        var outside = repo.Combine("outside");
        Directory.CreateDirectory(outside);
        CommitFromElsewhere(repo, other => File.CreateSymbolicLink(Path.Combine(other, "rendered"), outside), "Link the output away");
        var tip = repo.Tip();

        var result = await repo.RunInAsync(repo.Root, repo.Env(), [.. Run, "--repo", repo.Remote]);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("rendered is a symbolic link to " + outside + ", outside the repository", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        Assert.Equal(tip, repo.Tip());
    }

    [Fact]
    public async Task A_committed_symlink_template_folder_is_not_read_and_validate_names_it()
    {
        using var repo = new GitOpsRepo();
        var checkout = repo.Checkout("mine");
        var outside = repo.Combine("outside-templates");
        Directory.Move(Path.Combine(checkout, "templates"), outside);
        File.CreateSymbolicLink(Path.Combine(checkout, "templates"), outside);

        var validate = await repo.RunInAsync(checkout, repo.Env(), "validate", ".");
        var render = await repo.RunInAsync(checkout, repo.Env(), "render", "rollout.yaml", "--version", "v2");

        Assert.True(validate.ExitCode == 3, validate.ToString());
        Assert.Contains("templates:1:1: error: templates is a symbolic link to " + outside + ", outside the repository", validate.Stderr, StringComparison.Ordinal);
        Assert.True(render.ExitCode == 3, render.ToString());
        Assert.False(Directory.Exists(Path.Combine(checkout, "rendered")));
    }

    [Fact]
    public async Task Output_inside_dot_git_is_refused_by_validate_and_run()
    {
        using var repo = new GitOpsRepo("bookinfo", "1s", ("output: rendered/", "output: .git/"));
        var checkout = repo.Checkout("mine");
        var gitBefore = RawGit.Snapshot(Path.Combine(checkout, ".git"));

        var validate = await repo.RunInAsync(checkout, repo.Env(), "validate", "rollout.yaml");
        var run = await repo.RunInAsync(repo.Root, repo.Env(), [.. Run, "--repo", repo.Remote]);

        Assert.True(validate.ExitCode == 3, validate.ToString());
        Assert.Contains("error: spec.output: output \".git/\" is inside a .git folder, which is git's own", validate.Stderr, StringComparison.Ordinal);
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal(gitBefore, RawGit.Snapshot(Path.Combine(checkout, ".git")));
        Assert.Empty(repo.RolloutCommits());
    }

    [Fact]
    public async Task Forty_thousand_levels_of_nesting_exit_3_not_a_stack_overflow()
    {
        using var repo = new GitOpsRepo();
        var checkout = repo.Checkout("mine");
        var deep = string.Concat(Enumerable.Repeat("[", 40_000)) + string.Concat(Enumerable.Repeat("]", 40_000)) + "\n";
        File.WriteAllText(Path.Combine(checkout, "templates", "deep.yaml"), deep);

        var validate = await repo.RunInAsync(checkout, repo.Env(HeapLimit), ["validate", "."]);
        var render = await repo.RunInAsync(checkout, repo.Env(HeapLimit), ["render", "rollout.yaml", "--version", "v2"]);

        Assert.True(validate.ExitCode == 3, validate.ToString());
        Assert.Contains("templates/deep.yaml:1:101: error: YAML nested more than 100 levels deep", validate.Stderr, StringComparison.Ordinal);
        Assert.True(render.ExitCode == 3, render.ToString());
        Assert.Contains("templates/deep.yaml:1:101: YAML nested more than 100 levels deep", render.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_alias_bomb_in_a_template_fails_validate_render_and_run_quickly_in_bounded_memory()
    {
        using var repo = new GitOpsRepo();
        var bomb = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol, namespace: bookinfo}\ndata:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var level = 1; level < 9; level++)
        {
            bomb.Append("  ").Append((char)('a' + level)).Append(": &").Append((char)('a' + level)).Append(" [")
                .AppendJoin(",", Enumerable.Repeat("*" + (char)('a' + level - 1), 9)).Append("]\n");
        }

        // Inside the target's template file, where render copies every object it finds.
        var deployment = File.ReadAllText(Path.Combine(RepoPaths.Example("bookinfo"), "templates", "reviews-deployment.yaml"));
        CommitFromElsewhere(repo, other => File.WriteAllText(Path.Combine(other, "templates", "reviews-deployment.yaml"), deployment + "\n---\n" + bomb), "A template with an alias bomb");
        var checkout = repo.Checkout("mine");
        var clock = Stopwatch.StartNew();

        var validate = await repo.RunInAsync(checkout, repo.Env(HeapLimit), ["validate", "."]);
        var render = await GraystepProcess.RunAsync(["render", "rollout.yaml", "--version", "v2"], checkout, repo.Env(HeapLimit), Bound);
        var run = await GraystepProcess.RunAsync([.. Run, "--repo", repo.Remote, "--once"], repo.Root, repo.Env(HeapLimit), Bound);

        Assert.True(validate.ExitCode == 3, validate.ToString());
        Assert.Contains("templates/reviews-deployment.yaml:", validate.Stderr, StringComparison.Ordinal);
        Assert.Contains("more than 250,000 YAML nodes", validate.Stderr, StringComparison.Ordinal);
        Assert.True(render.ExitCode == 3, render.ToString());
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.True(clock.Elapsed < Bound, $"took {clock.Elapsed}");
        Assert.Empty(repo.RolloutCommits());
    }

    [Fact]
    public async Task A_fifty_megabyte_spec_is_refused_by_its_size_without_being_parsed()
    {
        using var repo = new GitOpsRepo();
        var checkout = repo.Checkout("mine");
        using (var big = File.CreateText(Path.Combine(checkout, "huge.yaml")))
        {
            var line = "- " + new string('x', 98) + "\n";
            for (var i = 0; i < 500_000; i++)
            {
                big.Write(line);
            }
        }

        var clock = Stopwatch.StartNew();
        var validate = await repo.RunInAsync(checkout, repo.Env(HeapLimit), ["validate", "."]);
        clock.Stop();

        Assert.True(validate.ExitCode == 3, validate.ToString());
        Assert.Contains("huge.yaml:1:1: error: the file is 48.2 MiB; Graystep reads YAML files up to 4 MiB", validate.Stderr, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    private static void CommitFromElsewhere(GitOpsRepo repo, Action<string> change, string message)
    {
        var other = repo.Combine("elsewhere-" + Guid.NewGuid().ToString("N")[..8]);
        RawGit.Run(repo.Root, "clone", "-q", repo.Remote, other);
        change(other);
        RawGit.Run(other, "add", "-A");
        RawGit.Run(other, "commit", "-q", "-m", message);
        RawGit.Run(other, "push", "-q", "origin", "main");
    }
}
