using Graystep.Core.Providers;
using Graystep.Hosts.Local;
using Graystep.Hosts.Tests.GitHub.Infrastructure;
using Graystep.TestKit;

namespace Graystep.Hosts.Tests.Local;

/// <summary>Plain git: it takes any remote, opens no pull requests, and is what detection falls back to.</summary>
public sealed class LocalGitHostTests
{
    [Fact]
    public void The_local_host_supports_any_remote_and_is_the_registry_fallback()
    {
        var local = new LocalGitHost();
        var registry = GitHosts.Create(new NoSecrets(), new FakeEnvironment(), () => new HttpClientHandler(), new RecordingTimeProvider());

        Assert.Equal("local", local.Id);
        Assert.False(local.HasPullRequests);
        Assert.Null(local.PullRequests("/srv/git/gitops.git"));
        Assert.Equal("local", registry.Resolve("auto", "/srv/git/gitops.git").Id);
        Assert.Equal("local", registry.Resolve("auto", "https://git.example.com/acme/gitops.git").Id);
        Assert.Equal("local", registry.Resolve("local", "https://github.com/acme/gitops.git").Id);
        Assert.Equal("github", registry.Resolve("auto", "https://github.com/acme/gitops.git").Id);
        Assert.Equal("local", registry.Providers[^1].Id);
    }

    private sealed class NoSecrets : ISecretSource
    {
        public string? Get(SecretSetting setting) => null;
    }
}
