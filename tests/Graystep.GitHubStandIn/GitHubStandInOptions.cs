namespace Graystep.GitHubStandIn;

public sealed class GitHubStandInOptions
{
    /// <summary>Where the bare repositories and scratch clones live; the caller owns and deletes it.</summary>
    public required string RootDirectory { get; init; }

    /// <summary>"" serves the API at the root like api.github.com; "/api/v3" serves it like GitHub Enterprise Server.</summary>
    public string PathBase { get; init; } = string.Empty;

    /// <summary>The clock for timestamps and rate-limit headers.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The largest page the stand-in serves, whatever per_page asks; small values exercise pagination.</summary>
    public int MaxPageSize { get; init; } = 100;
}
