namespace Graystep.Hosts.AzureRepos;

/// <summary>
/// What the Azure Repos host needs besides its seams. A class, not a record: a record's generated ToString would
/// print the token.
/// </summary>
public sealed class AzureReposHostOptions
{
    /// <summary>The GitOps repository's remote URL; collection, project and repository come from it.</summary>
    public required string RemoteUrl { get; init; }

    /// <summary>
    /// <c>--azure-token</c> (or <c>GRAYSTEP_AZURE_TOKEN</c>, <c>AZURE_DEVOPS_EXT_PAT</c>): a personal access token,
    /// sent as Basic with an empty user; a JWT-shaped value (an OAuth token) is sent as Bearer.
    /// </summary>
    public string? Token { get; init; }

    /// <summary><c>SYSTEM_ACCESSTOKEN</c>: the pipeline job's OAuth token, sent as Bearer. Used when <see cref="Token"/> is not set.</summary>
    public string? AccessToken { get; init; }

    /// <summary>The Azure DevOps Server collection URL (<c>--azure-url</c>, else <c>SYSTEM_COLLECTIONURI</c>).</summary>
    public Uri? CollectionUrl { get; init; }

    /// <summary>The longest single wait on throttling; a longer one fails with the time to retry.</summary>
    public TimeSpan MaxThrottleWait { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How many times one request is retried after throttling answers before giving up.</summary>
    public int MaxThrottleRetries { get; init; } = 5;

    /// <summary>How long a completion Azure DevOps queued is watched before it counts as "not merged yet".</summary>
    public TimeSpan CompletionWait { get; init; } = TimeSpan.FromSeconds(10);

    public override string ToString() =>
        $"AzureReposHostOptions {{ RemoteUrl = {RemoteUrl}, CollectionUrl = {CollectionUrl}, Token = {(Token is null && AccessToken is null ? "(none)" : "***")} }}";
}
