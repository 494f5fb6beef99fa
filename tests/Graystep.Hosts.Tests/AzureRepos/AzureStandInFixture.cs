using Graystep.AzureReposStandIn;
using Graystep.Hosts.AzureRepos;
using Graystep.Hosts.Tests.GitHub.Infrastructure;
using Graystep.TestKit;

namespace Graystep.Hosts.Tests.AzureRepos;

/// <summary>One Azure Repos stand-in per test class; each test makes its own repository.</summary>
public sealed class AzureStandInFixture : IAsyncLifetime
{
    public const string Pat = "azdopat0standin0full0access0000000000000000000000000";
    public const string JobToken = "job-access-token-0123456789";
    public const string Organization = "fabrikam";

    private readonly TempDirectory _root = new("azure-standin");
    private int _repositories;

    public AzureReposStandIn.AzureReposStandIn Server { get; private set; } = null!;

    public SocketsHttpHandler Handler { get; } = new();

    public async Task InitializeAsync()
    {
        Server = await AzureReposStandIn.AzureReposStandIn.StartAsync(_root.Path);
        Server.AddToken(Pat, "graystep-bot");
        Server.AddToken(JobToken, "Project Collection Build Service");
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Handler.Dispose();
        _root.Dispose();
    }

    public Task<AzureStandInRepository> NewRepositoryAsync() =>
        Server.CreateRepositoryAsync(Organization, "Fabrikam Fiber", $"gitops-{Interlocked.Increment(ref _repositories)}");

    /// <summary>The host as the CLI builds it on Azure DevOps Server: the collection from SYSTEM_COLLECTIONURI.</summary>
    public AzureReposPullRequests Host(AzureStandInRepository repository, string? pat = Pat, string? jobToken = null, TimeProvider? time = null, HttpMessageHandler? handler = null) =>
        new(
            new AzureReposHostOptions
            {
                RemoteUrl = Server.RemoteUrl(repository),
                Token = pat,
                AccessToken = jobToken,
                CollectionUrl = new Uri(Server.CollectionUrl(Organization)),
                MaxThrottleWait = TimeSpan.FromMinutes(2),
                CompletionWait = TimeSpan.FromSeconds(2),
            },
            new FakeEnvironment(),
            handler ?? Handler,
            time ?? TimeProvider.System);
}
