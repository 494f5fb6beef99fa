namespace Graystep.Hosts.GitHub;

/// <summary>
/// What the GitHub host needs besides its seams. A class, not a record: a record's generated ToString would print
/// the token.
/// </summary>
public sealed class GitHubHostOptions
{
    /// <summary>The GitOps repository's remote URL (https, ssh or scp-like); owner and name come from it.</summary>
    public required string RemoteUrl { get; init; }

    /// <summary><c>--github-token</c>. When null, <c>GITHUB_TOKEN</c> and then <c>GH_TOKEN</c> are read.</summary>
    public string? Token { get; init; }

    /// <summary>The longest single wait for a rate limit to reset; a longer one fails with the reset time.</summary>
    public TimeSpan MaxRateLimitWait { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How many times one request is retried after rate-limit answers before giving up.</summary>
    public int MaxRateLimitRetries { get; init; } = 5;

    public override string ToString() =>
        $"GitHubHostOptions {{ RemoteUrl = {RemoteUrl}, Token = {(Token is null ? "(from environment)" : "***")} }}";
}
