namespace Graystep.Core.Abstractions;

/// <summary>
/// Branches other than the workspace's own, for the pull-request flow: a host pushes each step's commit to a
/// deterministic head branch, and deletes it when the pull request is done. Never with force.
/// </summary>
public interface IRemoteBranches
{
    /// <summary>
    /// Creates <paramref name="remoteBranch"/> at <paramref name="sha"/> (a commit in the workspace), or fast-forwards
    /// it there. <see cref="PushOutcome.BranchMoved"/>: it exists at a commit that <paramref name="sha"/> does not
    /// descend from, and is left as it is. A hook rejection or auth failure throws.
    /// </summary>
    Task<PushOutcome> PushBranchAsync(string sha, string remoteBranch, CancellationToken cancellationToken);

    /// <summary>Deletes <paramref name="remoteBranch"/> on the remote; one that is already gone is not an error.</summary>
    Task DeleteRemoteBranchAsync(string remoteBranch, CancellationToken cancellationToken);
}
