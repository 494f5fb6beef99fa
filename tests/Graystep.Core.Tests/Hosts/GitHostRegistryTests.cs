using Graystep.Core.Errors;
using Graystep.Core.Hosts;
using Graystep.Core.Providers;
using Graystep.Core.Secrets;

namespace Graystep.Core.Tests.Hosts;

public sealed class GitHostRegistryTests
{
    private static readonly StubHost Local = new("local", _ => true);
    private static readonly StubHost GitHub = new("github", url => url.Contains("github.com", StringComparison.Ordinal));
    private static readonly StubHost Azure = new("azure", url => url.Contains("dev.azure.com", StringComparison.Ordinal));

    private static GitHostRegistry Registry() => new()
    {
        { Local, ProviderPriority.Fallback },
        { GitHub, ProviderPriority.Normal },
        { Azure, ProviderPriority.Normal },
    };

    [Theory]
    [InlineData("https://github.com/acme/gitops.git", "github")]
    [InlineData("git@github.com:acme/gitops.git", "github")]
    [InlineData("https://dev.azure.com/acme/p/_git/gitops", "azure")]
    [InlineData("/srv/git/gitops.git", "local")]
    [InlineData("file:///srv/git/gitops.git", "local")]
    public void Auto_picks_the_first_host_that_supports_the_remote_and_local_last(string url, string expected)
    {
        Assert.Equal(expected, Registry().Resolve("auto", url).Id);
        Assert.Equal(expected, Registry().Resolve(null, url).Id);
    }

    [Fact]
    public void A_forced_host_is_used_even_when_its_detection_says_no()
    {
        Assert.Equal("github", Registry().Resolve("GitHub", "https://git.acme.internal/acme/gitops.git").Id);
        Assert.Equal("local", Registry().Resolve("local", "https://github.com/acme/gitops.git").Id);
    }

    [Fact]
    public void An_unknown_id_is_a_usage_error_that_lists_the_known_ids()
    {
        var error = Assert.Throws<GraystepException>(() => Registry().Resolve("bitbucket", "https://bitbucket.org/a/b"));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Equal("--git-host bitbucket: unknown git host", error.Message);
        Assert.Equal("use one of: auto, local, github, azure", error.Hint);
    }

    [Fact]
    public void Two_hosts_at_the_same_priority_that_both_accept_are_an_error_not_a_silent_pick()
    {
        var registry = Registry();
        registry.Add(new StubHost("gitlab", url => url.Contains("acme", StringComparison.Ordinal)), ProviderPriority.Normal);
        var error = Assert.Throws<GraystepException>(() => registry.Resolve("auto", "https://token:s3cret@github.com/acme/gitops.git"));
        Assert.Contains("github, gitlab", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
        Assert.Contains("--git-host", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_higher_priority_host_wins_over_a_lower_one_that_also_accepts()
    {
        var enterprise = new StubHost("ghe", url => url.Contains("github", StringComparison.Ordinal));
        var registry = Registry();
        registry.Add(enterprise, ProviderPriority.High);
        Assert.Equal("ghe", registry.Resolve("auto", "https://github.com/a/b").Id);
        Assert.Equal(["auto", "local", "github", "azure", "ghe"], registry.KnownIds);
    }

    [Fact]
    public void Without_a_fallback_an_unsupported_remote_is_an_error()
    {
        var registry = new GitHostRegistry { GitHub };
        var error = Assert.Throws<GraystepException>(() => registry.Resolve("auto", "/srv/git/x.git"));
        Assert.Contains("no git host supports", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_refuses_duplicate_ids_a_second_fallback_and_the_reserved_auto()
    {
        Assert.Throws<ArgumentException>(() => Registry().Add(new StubHost("GITHUB", _ => false), ProviderPriority.Low));
        Assert.Throws<ArgumentException>(() => Registry().Add(new StubHost("other", _ => true), ProviderPriority.Fallback));
        Assert.Throws<ArgumentException>(() => Registry().Add(new StubHost("auto", _ => true), ProviderPriority.Low));
    }

    [Fact]
    public void A_planned_host_is_listed_and_refused_with_its_own_error_until_it_lands()
    {
        var registry = new GitHostRegistry { { Local, ProviderPriority.Fallback }, GitHub };
        registry.Plan("gitlab");

        Assert.Equal(["auto", "local", "github", "gitlab"], registry.KnownIds);
        var error = Assert.Throws<GraystepException>(() => registry.Resolve("GitLab", "https://gitlab.com/a/b.git"));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Equal("--git-host GitLab: pull requests on this host are not implemented yet", error.Message);
        Assert.Equal("local", registry.Resolve("auto", "https://gitlab.com/a/b.git").Id);
        Assert.Throws<ArgumentException>(() => registry.Plan("github"));
    }

    [Theory]
    [InlineData("https://user:ghp_secret@github.com/a/b.git", "https://***@github.com/a/b.git")]
    [InlineData("fatal: unable to access 'https://x-access-token:abc@github.com/a/b/': 403", "fatal: unable to access 'https://***@github.com/a/b/': 403")]
    [InlineData("git@github.com:a/b.git", "git@github.com:a/b.git")]
    [InlineData("ssh://git@host:22/a/b.git", "ssh://***@host:22/a/b.git")]
    public void Remote_urls_lose_their_credentials_when_shown(string text, string expected)
    {
        Assert.Equal(expected, UrlCredentials.Redact(text));
    }

    private sealed class StubHost(string id, Func<string, bool> supports) : IGitHost
    {
        public string Id => id;

        public string Name => id;

        public bool HasPullRequests => false;

        public bool IsSupported(string input) => supports(input);

        public IPullRequestHost? PullRequests(string remoteUrl) => null;
    }
}
