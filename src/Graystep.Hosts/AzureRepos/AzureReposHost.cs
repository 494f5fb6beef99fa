using Graystep.Core.Abstractions;
using Graystep.Core.Hosts;
using Graystep.Core.Providers;
using Graystep.Core.Spec;

namespace Graystep.Hosts.AzureRepos;

/// <summary>
/// Azure Repos on Azure DevOps Services and Server as a git host: detected from the remote URL (dev.azure.com,
/// *.visualstudio.com, ssh.dev.azure.com, or a URL under the collection that <c>--azure-url</c> or
/// <c>SYSTEM_COLLECTIONURI</c> names), with pull requests (<see cref="AzureReposPullRequests"/>).
/// </summary>
public sealed class AzureReposHost(ISecretSource secrets, IEnvironment environment, Func<HttpMessageHandler> handler, TimeProvider time) : IGitHost, IReadsSecrets
{
    public const string HostId = "azure";

    /// <summary>The variable Azure Pipelines sets to the collection's URL on every job.</summary>
    public const string CollectionVariable = "SYSTEM_COLLECTIONURI";

    /// <summary>A personal access token (Basic, empty user) or an OAuth token; never printed.</summary>
    public static SecretSetting Token { get; } = new(
        "--azure-token",
        ["GRAYSTEP_AZURE_TOKEN", "AZURE_DEVOPS_EXT_PAT"],
        "Azure DevOps personal access token for pull requests on Azure Repos; never printed");

    /// <summary>The pipeline job's token, which a step receives only when mapped: <c>env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)</c>.</summary>
    public static SecretSetting AccessToken { get; } = new(
        null,
        ["SYSTEM_ACCESSTOKEN"],
        "Azure Pipelines job access token (Bearer)");

    /// <summary>The Azure DevOps Server collection URL, when given on the command line (<c>--azure-url</c>).</summary>
    public Uri? CollectionUrl { get; init; }

    public string Id => HostId;

    public string Name => "Azure Repos";

    public bool HasPullRequests => true;

    public IReadOnlyCollection<MergeMethod> MergeMethods => [MergeMethod.Merge, MergeMethod.Squash, MergeMethod.Rebase, MergeMethod.RebaseMerge];

    public IReadOnlyList<SecretSetting> Secrets => [Token, AccessToken];

    public bool IsSupported(string input) => Supports(input, Collection());

    public IPullRequestHost PullRequests(string remoteUrl) =>
        new AzureReposPullRequests(
            new AzureReposHostOptions
            {
                RemoteUrl = remoteUrl,
                Token = secrets.Get(Token),
                AccessToken = secrets.Get(AccessToken),
                CollectionUrl = Collection(),
            },
            environment,
            handler(),
            time);

    /// <summary>
    /// Azure DevOps Services remotes in every form git accepts, and any remote under <paramref name="collection"/>
    /// (an Azure DevOps Server). Reads only the URL.
    /// </summary>
    public static bool Supports(string remoteUrl, Uri? collection)
    {
        if (!AzureReposRepository.TryParse(remoteUrl, collection, out var repository))
        {
            return false;
        }

        return repository.IsServices
            || (collection is not null && Uri.TryCreate(remoteUrl.Trim(), UriKind.Absolute, out var uri) && AzureReposRepository.Under(uri, collection, out _));
    }

    /// <summary><c>--azure-url</c>, else <c>SYSTEM_COLLECTIONURI</c>; null when neither names an http(s) URL.</summary>
    private Uri? Collection()
    {
        if (CollectionUrl is not null)
        {
            return CollectionUrl;
        }

        var value = environment.GetVariable(CollectionVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        // Detection must not fail on a variable another tool set: an unusable value is ignored.
        return Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : null;
    }
}
