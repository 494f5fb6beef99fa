using Graystep.Cli.Tests.Support;

namespace Graystep.Cli.Tests;

/// <summary>Who Graystep's commits are by: its own identity by default, the CI system's when it gives one.</summary>
public sealed class IdentityTests
{
    private static readonly string[] Run = ["run", "rollout.yaml", "--version", "v2", "--image", "reviews=registry.example/reviews:2.0.0", "--once"];

    [Fact]
    public async Task By_default_commits_are_by_Graystep_whatever_the_git_config_says()
    {
        using var repo = new GitOpsRepo();
        // A git config with a user identity, as developers' machines have: it must not leak into the commits.
        var home = repo.Combine("home");
        Directory.CreateDirectory(home);
        File.WriteAllText(Path.Combine(home, ".gitconfig"), "[user]\n\tname = Some Developer\n\temail = dev@example.com\n");

        var result = await repo.RunInAsync(repo.Root, repo.Env(("HOME", home)), [.. Run, "--repo", repo.Remote]);

        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.Equal(3, repo.RolloutCommits().Count);
        Assert.All(repo.RolloutCommits(), c =>
        {
            Assert.Equal("Graystep <graystep@users.noreply.local>", $"{c.AuthorName} <{c.AuthorEmail}>");
            Assert.Equal("Graystep <graystep@users.noreply.local>", c.Committer);
        });
    }

    [Theory]
    [InlineData("github", "octocat <583231+octocat@users.noreply.github.com>")]
    [InlineData("azure", "Ada Lovelace <ada@example.com>")]
    [InlineData("explicit", "Release Bot <release-bot@example.com>")]
    public async Task Under_CI_commits_are_by_the_identity_the_CI_system_gives(string ci, string expected)
    {
        using var repo = new GitOpsRepo();
        var env = ci switch
        {
            "github" => repo.Env(("CI", "true"), ("GITHUB_ACTIONS", "true"), ("GITHUB_ACTOR", "octocat"), ("GITHUB_ACTOR_ID", "583231"),
                ("GITHUB_OUTPUT", repo.Combine("github-output")), ("GITHUB_STEP_SUMMARY", repo.Combine("github-summary"))),
            "azure" => repo.Env(("TF_BUILD", "True"), ("BUILD_REQUESTEDFOR", "Ada Lovelace"), ("BUILD_REQUESTEDFOREMAIL", "ada@example.com")),
            _ => repo.Env(("CI", "true"), ("GITHUB_ACTIONS", "true"), ("GITHUB_ACTOR", "octocat"),
                ("GITHUB_OUTPUT", repo.Combine("github-output")), ("GITHUB_STEP_SUMMARY", repo.Combine("github-summary")),
                ("GRAYSTEP_GIT_AUTHOR_NAME", "Release Bot"), ("GRAYSTEP_GIT_AUTHOR_EMAIL", "release-bot@example.com")),
        };

        var result = await repo.RunInAsync(repo.Root, env, [.. Run, "--repo", repo.Remote]);

        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.Equal(3, repo.RolloutCommits().Count);
        Assert.All(repo.RolloutCommits(), c =>
        {
            Assert.Equal(expected, $"{c.AuthorName} <{c.AuthorEmail}>");
            Assert.Equal(expected, c.Committer);
        });
    }
}
