using Graystep.Core.Providers;
using Graystep.Core.Spec;

namespace Graystep.Core.Hosts;

/// <summary>
/// A git host (GCM's provider shape): its id for <c>--git-host</c> (github, local), a cheap,
/// network-free <see cref="IProvider{TInput}.IsSupported"/> on the remote URL, then the operations for one
/// repository. Plain git commits and pushes; a host with pull requests opens them through
/// <see cref="PullRequests"/>.
/// </summary>
public interface IGitHost : IProvider<string>
{
    /// <summary>What people call it: "GitHub", "plain git".</summary>
    string Name { get; }

    /// <summary>Whether it can carry steps as pull requests (known without a remote or the network).</summary>
    bool HasPullRequests { get; }

    /// <summary>
    /// The pull-request operations on the repository at <paramref name="remoteUrl"/>, or null when the host has none
    /// (plain git). Opening them makes no network call; dispose what is returned.
    /// </summary>
    IPullRequestHost? PullRequests(string remoteUrl);

    /// <summary>The <c>git.mergeMethod</c> values its pull requests can complete with.</summary>
    IReadOnlyCollection<MergeMethod> MergeMethods => [MergeMethod.Merge, MergeMethod.Squash, MergeMethod.Rebase];
}

public enum ReviewDecision
{
    Pending,
    Approved,
    ChangesRequested,
}

public enum PullRequestLifecycle
{
    Open,
    Merged,
    ClosedUnmerged,
}

/// <param name="OpenedAt">When the pull request was opened, by the host's clock; null when the host does not say.</param>
public sealed record PullRequestInfo(
    int Number,
    string Url,
    string HeadBranch,
    string HeadSha,
    PullRequestLifecycle Lifecycle,
    ReviewDecision Review,
    string? MergeCommitSha,
    DateTimeOffset? OpenedAt = null);

public sealed record PullRequestRequest(string BaseBranch, string HeadBranch, string HeadSha, string Title, string Body);

public enum GateState
{
    Pending,
    Success,
    Failure,
    Error,
}

public abstract record MergeOutcome
{
    public sealed record Merged(string MergeCommitSha) : MergeOutcome;

    /// <summary>409: the head moved since we decided; re-read and re-decide.</summary>
    public sealed record HeadMoved(string Message) : MergeOutcome;

    /// <summary>405: not mergeable now (checks, conflicts, protection); re-read and re-decide.</summary>
    public sealed record NotMergeable(string Message) : MergeOutcome;
}

/// <summary>
/// One repository on a host that carries each step as a pull request. Every host runs the same contract suite
/// (tests/Graystep.Hosts.Tests/Contract/PullRequestHostContract.cs).
/// </summary>
public interface IPullRequestHost : IDisposable
{
    /// <summary>The host's id, as <c>--git-host</c> names it.</summary>
    string HostId { get; }

    /// <summary>Idempotent: returns the open PR for this head branch (and SHA) if there is one.</summary>
    Task<PullRequestInfo> OpenOrReuseAsync(PullRequestRequest request, CancellationToken cancellationToken);

    Task<PullRequestInfo> GetAsync(int number, CancellationToken cancellationToken);

    /// <summary>
    /// Every pull request from <paramref name="headBranch"/> into <paramref name="baseBranch"/>, open, merged or
    /// closed, newest first: a re-run finds the one it opened, and sees when a person closed it. Reviews are read
    /// for the open ones only; a closed one reports <see cref="ReviewDecision.Pending"/>.
    /// </summary>
    Task<IReadOnlyList<PullRequestInfo>> FindAsync(string headBranch, string baseBranch, CancellationToken cancellationToken);

    /// <summary>The open pull requests into <paramref name="baseBranch"/> whose head branch starts with <paramref name="headPrefix"/>.</summary>
    Task<IReadOnlyList<PullRequestInfo>> ListOpenAsync(string headPrefix, string baseBranch, CancellationToken cancellationToken);

    /// <summary>Merges with the head-SHA guard.</summary>
    Task<MergeOutcome> MergeAsync(int number, string expectedHeadSha, MergeMethod method, string commitTitle, string commitMessage, CancellationToken cancellationToken);

    Task DeleteBranchAsync(string branch, CancellationToken cancellationToken);

    Task SetStatusAsync(string sha, string context, GateState state, string description, CancellationToken cancellationToken);

    Task CommentAsync(int number, string body, CancellationToken cancellationToken);
}
