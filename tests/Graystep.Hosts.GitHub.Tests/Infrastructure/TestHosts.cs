using Graystep.Core.Abstractions;

namespace Graystep.Hosts.GitHub.Tests.Infrastructure;

/// <summary>Builds hosts the way the CLI will: options, environment, handler, clock.</summary>
internal static class TestHosts
{
    public const string Token = "ghp_test_token_0123456789abcdef";
    public const string Owner = "octo-org";
    public const string Name = "gitops";

    public static GitHubHost Create(
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
            time ?? new ManualTimeProvider());
}
