using System.Reflection;
using Graystep.Core.Providers;
using Graystep.Hosts.Tests.GitHub.Infrastructure;
using Graystep.TestKit;

namespace Graystep.Hosts.Tests.Contract;

/// <summary>Names the registered git host a <see cref="PullRequestHostContract"/> class runs the contract for.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ContractForAttribute(string hostId) : Attribute
{
    public string HostId { get; } = hostId;
}

/// <summary>Every registered host with pull requests runs the contract: a new host cannot be added without it.</summary>
public sealed class PullRequestHostCoverage
{
    [Fact]
    public void Every_registered_host_with_pull_requests_has_a_contract_class()
    {
        var hosts = GitHosts.Create(new NoSecrets(), new FakeEnvironment(), () => new HttpClientHandler(), new RecordingTimeProvider());
        var covered = typeof(PullRequestHostCoverage).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.IsSubclassOf(typeof(PullRequestHostContract)))
            .Select(t => t.GetCustomAttribute<ContractForAttribute>()?.HostId ?? throw new InvalidOperationException($"{t.Name} has no [ContractFor]"))
            .ToHashSet(StringComparer.Ordinal);

        var withPullRequests = hosts.Providers.Where(h => h.HasPullRequests).Select(h => h.Id).ToList();

        Assert.NotEmpty(withPullRequests);
        Assert.All(withPullRequests, id => Assert.Contains(id, covered));
        Assert.All(covered, id => Assert.Contains(id, withPullRequests));
    }

    private sealed class NoSecrets : ISecretSource
    {
        public string? Get(SecretSetting setting) => null;
    }
}
