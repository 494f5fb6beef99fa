using Graystep.Core.History;

namespace Graystep.Git;

/// <summary>How Graystep works with git on this machine, as the settings read it once.</summary>
public sealed record GitSettings
{
    /// <summary>Where managed workspaces live: <c>GRAYSTEP_WORKSPACE</c>, else the user's cache folder.</summary>
    public required string WorkspaceRoot { get; init; }

    /// <summary>The process's secrets: every commit message is masked through it before git sees it.</summary>
    public Core.Secrets.Redactor? Redactor { get; init; }

    /// <summary>The commit author and committer.</summary>
    public GitIdentity Identity { get; init; } = GitIdentity.Default;

    /// <summary>Whether a CI system runs this job, which decides whether its checkout may be reused in place.</summary>
    public bool InCi { get; init; }
}

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

    /// <summary>The commit author and committer; null means the settings' <see cref="GitSettings.Identity"/>.</summary>
    public GitIdentity? Identity { get; init; }

    /// <summary>Where managed workspaces live; null means the settings' <see cref="GitSettings.WorkspaceRoot"/>.</summary>
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
