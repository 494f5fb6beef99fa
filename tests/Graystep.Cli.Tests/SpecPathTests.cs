using Graystep.Cli.Tests.Support;

namespace Graystep.Cli.Tests;

/// <summary>
/// A spec path is taken relative to the working directory when the file exists there (the spec's own folder, even
/// with <c>--repo</c> naming the remote), else relative to the repository root; not found, the error names both.
/// </summary>
public sealed class SpecPathTests
{
    [Fact]
    public async Task A_path_is_read_from_the_working_directory_first_then_the_repository_root_and_a_miss_names_both()
    {
        using var repo = new GitOpsRepo();
        var checkout = repo.Checkout("work");
        var templates = Path.Combine(checkout, "templates");
        var env = repo.Env();

        var beside = await repo.RunInAsync(templates, env, "status", "../rollout.yaml", "--repo", repo.Remote);
        var fromRoot = await repo.RunInAsync(templates, env, "status", "rollout.yaml", "--repo", repo.Remote);
        var missing = await repo.RunInAsync(templates, env, "status", "nowhere.yaml", "--repo", repo.Remote);

        Assert.True(beside.ExitCode == 0, beside.ToString());
        Assert.StartsWith("bookinfo/reviews", beside.Stdout, StringComparison.Ordinal);
        Assert.True(fromRoot.ExitCode == 0, fromRoot.ToString());
        Assert.Equal(beside.Stdout, fromRoot.Stdout);
        Assert.Equal(3, missing.ExitCode);
        var error = missing.ErrorLines[0];
        Assert.StartsWith($"error: nowhere.yaml: no such file or folder in the working directory ({templates}) or the repository root (", error, StringComparison.Ordinal);
        Assert.Empty(repo.RolloutCommits());
    }

    [Fact]
    public async Task Validate_and_render_find_a_root_relative_path_from_a_subfolder()
    {
        using var repo = new GitOpsRepo();
        var checkout = repo.Checkout("work");
        var templates = Path.Combine(checkout, "templates");

        var validate = await repo.RunInAsync(templates, repo.Env(), "validate", "rollout.yaml");
        var render = await repo.RunInAsync(templates, repo.Env(), "render", "rollout.yaml", "--version", "v2");
        var missing = await repo.RunInAsync(templates, repo.Env(), "validate", "nowhere.yaml");

        Assert.True(validate.ExitCode == 0, validate.ToString());
        Assert.True(render.ExitCode == 0, render.ToString());
        Assert.True(File.Exists(Path.Combine(checkout, "rendered", "deployment-reviews-v2.yaml")), render.ToString());
        Assert.Equal(3, missing.ExitCode);
        Assert.Equal($"error: nowhere.yaml: no such file or folder in the working directory ({templates}) or the repository root ({checkout})", missing.ErrorLines[0]);
    }
}
