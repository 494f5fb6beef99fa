using Graystep.Hosts.GitHub;
using Graystep.GitHubStandIn;
using Graystep.Hosts.Tests.GitHub.Infrastructure;
using Graystep.TestKit;

namespace Graystep.Hosts.Tests.GitHub.StandIn;

/// <summary>One stand-in per test class; each test makes its own repository, so tests never share state.</summary>
public sealed class StandInFixture : IAsyncLifetime
{
    public const string Token = "ghp_standin_full_0123456789";
    public const string Bot = "graystep-bot";

    private readonly TempDirectory _root = new("gh-standin");
    private int _repositories;

    public GitHubStandIn.GitHubStandIn Server { get; private set; } = null!;

    public SocketsHttpHandler Handler { get; } = new();

    public async Task InitializeAsync()
    {
        Server = await GitHubStandIn.GitHubStandIn.StartAsync(new GitHubStandInOptions { RootDirectory = _root.Path });
        Server.AddToken(Token, Bot);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Handler.Dispose();
        _root.Dispose();
    }

    public Task<StandInRepository> NewRepositoryAsync(string owner = "octo-org") =>
        Server.CreateRepositoryAsync(owner, $"gitops-{Interlocked.Increment(ref _repositories)}");

    public GitHubPullRequests Host(StandInRepository repository, string token = Token, TimeProvider? time = null, TimeSpan? maxWait = null, int? maxRetries = null) =>
        TestHosts.Create(
            Handler,
            new FakeEnvironment().With("GITHUB_API_URL", Server.ApiUrl),
            time,
            $"https://github.com/{repository.FullName}.git",
            token,
            maxWait,
            maxRetries);

    /// <summary>Pushes a step commit to <paramref name="branch"/> as the engine would before opening its pull request.</summary>
    public Task<string> PushStepAsync(StandInRepository repository, string branch, string weight = "20", string file = "rendered/virtualservice.yaml") =>
        Server.CommitAsync(repository, branch, new Dictionary<string, string> { [file] = $"weight: {weight}\n" }, $"reviews: shift {weight}% to v2");
}
