using Graystep.TestKit;
using Graystep.Hosts.GitHub;
using Graystep.Core.Abstractions;

namespace Graystep.Hosts.Tests.GitHub.Infrastructure;

/// <summary>Builds hosts the way the CLI will: options, environment, handler, clock.</summary>
internal static class TestHosts
{
    public const string Token = "ghp_test_token_0123456789abcdef";
    public const string Owner = "octo-org";
    public const string Name = "gitops";

    /// <summary>The git host itself (detection, secrets), with the token as the settings would give it.</summary>
    public static GitHubHost Provider(IEnvironment? environment = null, string? token = Token) =>
        new(new Secrets(token), environment ?? new FakeEnvironment(), () => new RecordingHandler(), new RecordingTimeProvider());

    public static GitHubPullRequests Create(
        HttpMessageHandler handler,
        IEnvironment? environment = null,
        TimeProvider? time = null,
        string remoteUrl = $"https://github.com/{Owner}/{Name}.git",
        string? token = Token,
        TimeSpan? maxWait = null,
        int? maxRetries = null) =>
        new(
            new GitHubHostOptions
            {
                RemoteUrl = remoteUrl,
                Token = token,
                MaxRateLimitWait = maxWait ?? TimeSpan.FromMinutes(10),
                MaxRateLimitRetries = maxRetries ?? 5,
            },
            environment ?? new FakeEnvironment(),
            handler,
            time ?? new RecordingTimeProvider());

    private sealed class Secrets(string? token) : Core.Providers.ISecretSource
    {
        public string? Get(Core.Providers.SecretSetting setting) => setting == GitHubHost.Token ? token : null;
    }
}
