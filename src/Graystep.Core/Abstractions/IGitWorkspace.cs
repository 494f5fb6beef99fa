using Graystep.Core.History;

namespace Graystep.Core.Abstractions;

public enum PushOutcome
{
    Pushed,

    /// <summary>The branch moved since we fetched (non-fast-forward). Re-read the state and re-decide.</summary>
    BranchMoved,
}

/// <summary>
/// A working copy of the GitOps branch that Graystep may write to. It is either a managed clone or a reused CI
/// checkout; the user's own working tree and index are never touched.
/// </summary>
public interface IGitWorkspace
{
    /// <summary>Absolute path of the working tree root.</summary>
    string Root { get; }

    string Branch { get; }

    /// <summary>Fetches and moves the working copy to the remote tip of <see cref="Branch"/>, dropping unpushed commits.</summary>
    Task RefreshAsync(CancellationToken cancellationToken);

    Task<string> HeadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stages exactly <paramref name="paths"/> (relative to <see cref="Root"/>; additions, changes and deletions) and
    /// commits them. Returns the new commit's SHA, or null when nothing changed (no empty commits).
    /// </summary>
    Task<string?> CommitAsync(IReadOnlyList<string> paths, CommitMessage message, CancellationToken cancellationToken);

    /// <summary>Pushes <see cref="Branch"/> without force. A hook rejection or auth failure throws.</summary>
    Task<PushOutcome> PushAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="path"/> (a folder relative to <see cref="Root"/>) in the working tree and the index exactly
    /// what it is at <paramref name="commit"/>: the same bytes, and files that were not there removed. No commit.
    /// </summary>
    Task RestoreAsync(string commit, string path, CancellationToken cancellationToken);

    /// <summary>Commits on <see cref="Branch"/> newest first, optionally only those touching <paramref name="path"/>.</summary>
    Task<IReadOnlyList<CommitRecord>> LogAsync(string? path, int maxCount, CancellationToken cancellationToken);

    /// <summary>
    /// <paramref name="text"/> with every secret this process holds masked: what a commit records (its message and
    /// the status file) is an output sink like any other. The default masks nothing.
    /// </summary>
    string Redact(string text) => text;
}
