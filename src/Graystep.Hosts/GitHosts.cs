using Graystep.Core.Abstractions;
using Graystep.Core.Hosts;
using Graystep.Core.Providers;
using Graystep.Hosts.AzureRepos;
using Graystep.Hosts.GitHub;
using Graystep.Hosts.Local;

namespace Graystep.Hosts;

/// <summary>
/// The git hosts Graystep ships, one registration line each. Plain git is the fallback: detection tries it last,
/// whatever the order here, which is the order <c>--help</c> lists them in.
/// </summary>
public static class GitHosts
{
    /// <param name="azureUrl">The Azure DevOps Server collection URL given as <c>--azure-url</c>, if any.</param>
    public static GitHostRegistry Create(ISecretSource secrets, IEnvironment environment, Func<HttpMessageHandler> handler, TimeProvider time, Uri? azureUrl = null)
    {
        var hosts = new GitHostRegistry
        {
            { new LocalGitHost(), ProviderPriority.Fallback },
            { new GitHubHost(secrets, environment, handler, time), ProviderPriority.Normal },
            { new AzureReposHost(secrets, environment, handler, time) { CollectionUrl = azureUrl }, ProviderPriority.Normal },
        };

        // Reserved by DESIGN.md's --git-host list; each becomes a registration line above when it lands.
        hosts.Plan("gitlab");
        return hosts;
    }
}
