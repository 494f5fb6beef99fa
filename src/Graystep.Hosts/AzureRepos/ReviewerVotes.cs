using Graystep.Core.Hosts;
using Graystep.Hosts.AzureRepos.Api;

namespace Graystep.Hosts.AzureRepos;

/// <summary>
/// Approval from reviewer votes, as Azure Repos shows them: 10 approved, 5 approved with suggestions, 0 no vote,
/// -5 waiting for the author, -10 rejected. A standing -10 or -5 holds the step (changes requested); otherwise it
/// is approved when someone approved and every required reviewer approved.
/// </summary>
internal static class ReviewerVotes
{
    public const int Approved = 10;
    public const int ApprovedWithSuggestions = 5;
    public const int NoVote = 0;
    public const int WaitingForAuthor = -5;
    public const int Rejected = -10;

    public static ReviewDecision Decide(IReadOnlyList<AzureReviewer>? reviewers)
    {
        var voting = (reviewers ?? []).Where(r => r.HasDeclined != true).ToList();
        if (voting.Any(r => r.Vote <= WaitingForAuthor))
        {
            return ReviewDecision.ChangesRequested;
        }

        var anyApproval = voting.Any(r => r.Vote >= ApprovedWithSuggestions);
        var requiredApproved = voting.Where(r => r.IsRequired == true).All(r => r.Vote >= ApprovedWithSuggestions);
        return anyApproval && requiredApproved ? ReviewDecision.Approved : ReviewDecision.Pending;
    }
}
