using Graystep.Core.Rollouts;
using Graystep.Engine.Rollouts;

namespace Graystep.Engine.Publishing;

/// <summary>What became of a transition the runner decided.</summary>
public abstract record PublishResult
{
    /// <summary>What a run says when it lost a race: the decision is thrown away and made again on fresh state.</summary>
    public const string BranchMovedNote = "the branch moved while we decided; fetching and deciding again";

    /// <summary>The transition is on the branch: <paramref name="Sha"/> is the commit the cluster will sync to.</summary>
    public sealed record Published(string Sha) : PublishResult;

    /// <summary>The branch (or the pull request's head) moved while we decided: re-read the state and decide again.</summary>
    public sealed record BranchMoved : PublishResult;

    /// <summary>
    /// Not on the branch yet, and nothing to do but look again later: a pull request waits for a review, or cannot be
    /// merged yet. <paramref name="Since"/> is when the wait began (the pull request was opened), for the progress
    /// deadline; <paramref name="ForApproval"/> says whether a person is the one to act.
    /// </summary>
    public sealed record Waiting(string Reason, DateTimeOffset? Since, bool ForApproval) : PublishResult;

    /// <summary>A person vetoed the transition (closed its pull request unmerged): the rollout stops where it is.</summary>
    public sealed record Stopped(string Reason, string Hint) : PublishResult;
}

/// <summary>
/// How a decided transition reaches the branch: straight commits (<see cref="DirectPublisher"/>) or one pull request
/// per transition (<see cref="PullRequestPublisher"/>). The runner decides; the publisher only carries the decision.
/// </summary>
public interface ITransitionPublisher
{
    Task<PublishResult> PublishAsync(RolloutState state, Transition transition, CancellationToken cancellationToken);
}

/// <summary>Commit and push straight to the branch, without force; a lost push race asks for a new decision.</summary>
public sealed class DirectPublisher(RolloutStore store) : ITransitionPublisher
{
    public async Task<PublishResult> PublishAsync(RolloutState state, Transition transition, CancellationToken cancellationToken)
    {
        var sha = await store.ApplyAsync(state, transition, cancellationToken).ConfigureAwait(false);
        return sha is null ? new PublishResult.BranchMoved() : new PublishResult.Published(sha);
    }
}
