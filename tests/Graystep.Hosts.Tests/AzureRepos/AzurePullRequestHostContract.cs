using Graystep.AzureReposStandIn;
using Graystep.Core.Hosts;
using Graystep.Hosts.AzureRepos;
using Graystep.Hosts.Tests.Contract;

namespace Graystep.Hosts.Tests.AzureRepos;

/// <summary>Azure Repos runs the pull-request host contract against its stand-in (real git over HTTP, Azure DevOps' REST shapes).</summary>
[ContractFor(AzureReposHost.HostId)]
public sealed class AzurePullRequestHostContract(AzureStandInFixture fixture) : PullRequestHostContract, IClassFixture<AzureStandInFixture>
{
    protected override async Task<IHostBench> CreateAsync()
    {
        var repository = await fixture.NewRepositoryAsync();
        return new Bench(fixture, repository, fixture.Host(repository));
    }

    private sealed class Bench(AzureStandInFixture fixture, AzureStandInRepository repository, AzureReposPullRequests host) : IHostBench
    {
        public IPullRequestHost Host => host;

        public string BaseBranch => "main";

        public Task<string> PushAsync(string branch, string content) =>
            fixture.Server.CommitAsync(repository, branch, new Dictionary<string, string> { ["apps/reviews/rendered/change.yaml"] = content }, "change " + branch);

        public Task ApproveAsync(int number, string reviewer)
        {
            fixture.Server.Vote(repository, number, reviewer, ReviewerVotes.Approved);
            return Task.CompletedTask;
        }

        public Task RequestChangesAsync(int number, string reviewer)
        {
            fixture.Server.Vote(repository, number, reviewer, ReviewerVotes.Rejected);
            return Task.CompletedTask;
        }

        public Task CloseAsync(int number)
        {
            fixture.Server.Abandon(repository, number);
            return Task.CompletedTask;
        }

        public void RefuseNextMerge(string message)
        {
            foreach (var pull in fixture.Server.PullRequests(repository).Where(p => p.Status == "active"))
            {
                fixture.Server.RefuseNextCompletion(repository, pull.Id, message);
            }
        }

        public IReadOnlyList<(string Context, string State, string? Description)> Statuses(string sha) =>
            [.. fixture.Server.Statuses(repository, sha).Select(s => ($"{s.Genre}/{s.Name}", s.State == "succeeded" ? "success" : s.State, s.Description))];

        public IReadOnlyList<string> Comments(int number) => fixture.Server.PullRequest(repository, number).Comments;

        public ValueTask DisposeAsync()
        {
            host.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
