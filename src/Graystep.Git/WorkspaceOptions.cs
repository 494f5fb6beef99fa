namespace Graystep.Git;

/// <summary>What <see cref="GitWorkspaceFactory.OpenAsync"/> needs to find the GitOps branch and a place to work on it.</summary>
public sealed record WorkspaceOptions
{
    /// <summary>
    /// <c>--repo</c>: a local path (working checkout or bare repository), a <c>file://</c> URL, or a remote URL
    /// (https, ssh, scp-like <c>git@host:org/repo</c>). Null means <see cref="WorkingDirectory"/>.
    /// </summary>
    public string? Repo { get; init; }

    /// <summary><c>--branch</c>: the branch to commit to. Null means the checkout's branch, or the remote's default branch.</summary>
    public string? Branch { get; init; }

    /// <summary>
    /// Folders (relative to the repository root) that a managed workspace checks out; empty means everything.
    /// Cone-mode sparse checkout: files at the top level are always present, and each entry is a folder.
    /// </summary>
    public IReadOnlyList<string> SparsePaths { get; init; } = [];

    /// <summary>Resolves a relative <see cref="Repo"/>; null means the process's current directory.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>The commit author and committer; null means <see cref="GitIdentity.FromEnvironment"/>.</summary>
    public GitIdentity? Identity { get; init; }

    /// <summary>Where managed workspaces live; null means <c>GRAYSTEP_WORKSPACE</c>, else the user's cache folder.</summary>
    public string? WorkspaceRoot { get; init; }

    /// <summary>How long to wait for another Graystep process that holds every managed workspace slot for this repository.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>How a workspace came to be.</summary>
public enum WorkspaceKind
{
    /// <summary>Graystep's own clone in the workspace cache; reset to the remote tip at will.</summary>
    Managed,

    /// <summary>The checkout a CI system made for this job, reused in place; pushes go to its upstream remote.</summary>
    CiCheckout,
}
