namespace Graystep.GitHubStandIn;

public sealed class GitHubStandInOptions
{
    /// <summary>Where the bare repositories and scratch clones live; the caller owns and deletes it.</summary>
    public required string RootDirectory { get; init; }

    /// <summary>"" serves the API at the root like api.github.com; "/api/v3" serves it like GitHub Enterprise Server.</summary>
    public string PathBase { get; init; } = string.Empty;

    /// <summary>The clock for timestamps and rate-limit headers.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// When set (<c>user:password</c>), git over smart HTTP requires this HTTP Basic credential, as github.com
    /// does for a private repository: anything else gets 401 with a Basic challenge. Null: no authentication.
    /// </summary>
    public string? GitBasicCredential { get; init; }

    /// <summary>The largest page the stand-in serves, whatever per_page asks; small values exercise pagination.</summary>
    public int MaxPageSize { get; init; } = 100;
}
