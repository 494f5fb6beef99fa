using Graystep.Core.Hosts;
using Graystep.GitHubStandIn;
using Graystep.Hosts.GitHub;
using Graystep.Hosts.Tests.Contract;
using Graystep.Hosts.Tests.GitHub.StandIn;

namespace Graystep.Hosts.Tests.GitHub;

/// <summary>GitHub runs the pull-request host contract against the stand-in (real git over HTTP, GitHub's REST shapes).</summary>
[ContractFor(GitHubHost.HostId)]
public sealed class GitHubPullRequestHostContract(StandInFixture fixture) : PullRequestHostContract, IClassFixture<StandInFixture>
{
    protected override async Task<IHostBench> CreateAsync()
    {
        var repository = await fixture.NewRepositoryAsync();
        return new Bench(fixture, repository, fixture.Host(repository));
    }

    private sealed class Bench(StandInFixture fixture, StandInRepository repository, GitHubPullRequests host) : IHostBench
    {
        public IPullRequestHost Host => host;

        public string BaseBranch => "main";

        public async Task<string> PushAsync(string branch, string content) =>
            await fixture.Server.CommitAsync(repository, branch, new Dictionary<string, string> { ["apps/reviews/rendered/change.yaml"] = content }, "change " + branch);

        public Task ApproveAsync(int number, string reviewer) => fixture.Server.ApproveAsync(repository, number, reviewer);

        public Task RequestChangesAsync(int number, string reviewer) => fixture.Server.RequestChangesAsync(repository, number, reviewer);

        public Task CloseAsync(int number) => fixture.Server.CloseAsync(repository, number);

        public void RefuseNextMerge(string message) =>
            fixture.Server.InjectError(405, message, method: "PUT", pathContains: $"{repository.FullName}/pulls/");

        public IReadOnlyList<(string Context, string State, string? Description)> Statuses(string sha) =>
            [.. fixture.Server.Statuses(repository, sha).OrderBy(s => s.Id).Select(s => (s.Context, s.State, s.Description))];

        public IReadOnlyList<string> Comments(int number) => [.. fixture.Server.PullRequest(repository, number).Comments.Select(c => c.Body)];

        public ValueTask DisposeAsync()
        {
            host.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
