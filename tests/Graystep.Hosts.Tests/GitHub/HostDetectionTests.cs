using Graystep.Hosts.GitHub;
using Graystep.Core.Errors;
using Graystep.Hosts.Tests.GitHub.Infrastructure;

namespace Graystep.Hosts.Tests.GitHub;

public sealed class HostDetectionTests
{
    [Theory]
    [InlineData("https://github.com/octo-org/gitops.git")]
    [InlineData("https://github.com/octo-org/gitops")]
    [InlineData("https://github.com/octo-org/gitops/")]
    [InlineData("HTTPS://GitHub.com/octo-org/gitops.git")]
    [InlineData("https://x-access-token:ghs_secret@github.com/octo-org/gitops.git")]
    [InlineData("git@github.com:octo-org/gitops.git")]
    [InlineData("ssh://git@github.com/octo-org/gitops.git")]
    [InlineData("ssh://git@ssh.github.com:443/octo-org/gitops.git")]
    [InlineData("git://github.com/octo-org/gitops.git")]
    public void GitHub_dot_com_remotes_are_supported(string remote)
    {
        Assert.True(TestHosts.Provider().IsSupported(remote));
        Assert.True(GitHubRepository.TryParse(remote, out var repository));
        Assert.Equal(("octo-org", "gitops"), (repository.Owner, repository.Name));
    }

    [Theory]
    [InlineData("https://gitlab.com/octo-org/gitops.git")]
    [InlineData("https://dev.azure.com/org/project/_git/gitops")]
    [InlineData("git@ghe.example.com:octo-org/gitops.git")]
    [InlineData("https://github.com/octo-org")]
    [InlineData("/srv/git/gitops.git")]
    [InlineData(@"C:\repos\gitops")]
    [InlineData("file:///srv/git/gitops.git")]
    [InlineData("")]
    public void Other_remotes_are_not_supported(string remote)
    {
        Assert.False(TestHosts.Provider().IsSupported(remote));
    }

    [Theory]
    [InlineData("GITHUB_SERVER_URL", "https://ghe.example.com", "https://ghe.example.com/octo-org/gitops.git")]
    [InlineData("GITHUB_SERVER_URL", "https://ghe.example.com", "git@ghe.example.com:octo-org/gitops.git")]
    [InlineData("GITHUB_API_URL", "https://ghe.example.com/api/v3", "https://ghe.example.com/octo-org/gitops.git")]
    [InlineData("GITHUB_API_URL", "https://api.octocorp.ghe.com", "https://octocorp.ghe.com/octo-org/gitops.git")]
    public void An_enterprise_server_is_supported_when_the_environment_names_it(string variable, string value, string remote)
    {
        var environment = new FakeEnvironment().With(variable, value);
        Assert.True(GitHubHost.Supports(remote, environment));
        Assert.False(GitHubHost.Supports(remote, new FakeEnvironment()));
    }

    [Fact]
    public void The_id_is_github()
    {
        Assert.Equal("github", TestHosts.Provider().Id);
        using var pullRequests = TestHosts.Create(new RecordingHandler());
        Assert.Equal("github", pullRequests.HostId);
    }

    [Theory]
    [InlineData(null, null, "https://github.com/o/r.git", "https://api.github.com/")]
    [InlineData("https://ghe.example.com/api/v3", null, "https://github.com/o/r.git", "https://ghe.example.com/api/v3")]
    [InlineData(null, "https://ghe.example.com", "https://ghe.example.com/o/r.git", "https://ghe.example.com/api/v3")]
    [InlineData(null, "https://github.com", "https://github.com/o/r.git", "https://api.github.com/")]
    [InlineData(null, null, "git@ghe.example.com:o/r.git", "https://ghe.example.com/api/v3")]
    public void The_api_url_comes_from_the_environment_or_the_remote(string? apiUrl, string? serverUrl, string remote, string expected)
    {
        var environment = new FakeEnvironment();
        if (apiUrl is not null)
        {
            environment = environment.With("GITHUB_API_URL", apiUrl);
        }

        if (serverUrl is not null)
        {
            environment = environment.With("GITHUB_SERVER_URL", serverUrl);
        }

        using var host = TestHosts.Create(new RecordingHandler(), environment, remoteUrl: remote);
        Assert.Equal(expected, host.ApiBaseUrl.AbsoluteUri);
    }

    [Fact]
    public async Task Requests_go_under_an_enterprise_servers_api_path()
    {
        var handler = new RecordingHandler().Answer(204);
        using var host = TestHosts.Create(handler, new FakeEnvironment().With("GITHUB_API_URL", "https://ghe.example.com/api/v3/"), remoteUrl: "https://ghe.example.com/o/r.git");

        await host.DeleteBranchAsync("b", CancellationToken.None);

        Assert.Equal("https://ghe.example.com/api/v3/repos/o/r/git/refs/heads/b", handler.Requests[0].Uri.AbsoluteUri);
    }

    [Theory]
    [InlineData("from-option", "from-github-token", "from-gh-token", "from-option")]
    [InlineData(null, "from-github-token", "from-gh-token", "from-github-token")]
    [InlineData(null, null, "from-gh-token", "from-gh-token")]
    [InlineData(null, "  ", "from-gh-token", "from-gh-token")]
    public async Task The_token_is_the_option_else_GITHUB_TOKEN_else_GH_TOKEN(string? option, string? githubToken, string? ghToken, string expected)
    {
        var environment = new FakeEnvironment();
        if (githubToken is not null)
        {
            environment = environment.With("GITHUB_TOKEN", githubToken);
        }

        if (ghToken is not null)
        {
            environment = environment.With("GH_TOKEN", ghToken);
        }

        var handler = new RecordingHandler().Answer(204);
        using var host = TestHosts.Create(handler, environment, token: option);

        await host.DeleteBranchAsync("b", CancellationToken.None);

        Assert.Equal($"Bearer {expected}", handler.Requests[0].Header("Authorization"));
    }

    [Fact]
    public async Task Without_a_token_nothing_is_sent_and_the_error_says_where_to_set_one()
    {
        var handler = new RecordingHandler();
        using var host = TestHosts.Create(handler, token: null);

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => host.GetAsync(1, CancellationToken.None));

        Assert.Equal("no GitHub token: set GITHUB_TOKEN (or GH_TOKEN), or pass --github-token", error.Message);
        Assert.Contains("secrets.GITHUB_TOKEN", error.Hint, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failure, error.ExitCode);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public void Options_never_print_the_token()
    {
        var options = new GitHubHostOptions { RemoteUrl = "https://github.com/o/r", Token = "ghp_secret" };
        Assert.DoesNotContain("ghp_secret", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_remote_without_owner_and_name_is_a_usage_error_that_hides_credentials_in_the_url()
    {
        using var host = TestHosts.Create(new RecordingHandler(), remoteUrl: "https://x-access-token:ghs_secret@github.com/only-owner");

        var error = await Assert.ThrowsAsync<GraystepException>(() => host.GetAsync(1, CancellationToken.None));

        Assert.Equal("cannot read a GitHub owner/repository from the remote URL https://***@github.com/only-owner", error.Message);
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
    }
}
