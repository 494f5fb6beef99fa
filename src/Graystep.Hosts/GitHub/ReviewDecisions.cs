using Graystep.Core.Hosts;
using Graystep.Hosts.GitHub.Api;

namespace Graystep.Hosts.GitHub;

/// <summary>
/// The approval rule GitHub itself applies: each reviewer's latest decisive review counts. A comment-only review
/// changes nothing, a dismissed review clears that reviewer, and one standing "changes requested" blocks.
/// </summary>
internal static class ReviewDecisions
{
    public static ReviewDecision Decide(IEnumerable<ReviewDto> chronological)
    {
        var latest = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var review in chronological)
        {
            // A deleted account ("ghost") has no user; its review cannot be attributed, so it cannot count.
            if (review.User?.Login is not { Length: > 0 } login)
            {
                continue;
            }

            switch (review.State.ToUpperInvariant())
            {
                case "APPROVED":
                case "CHANGES_REQUESTED":
                case "DISMISSED":
                    latest[login] = review.State.ToUpperInvariant();
                    break;

                // COMMENTED leaves the reviewer's standing decision; PENDING is an unsubmitted draft.
                default:
                    break;
            }
        }

        if (latest.ContainsValue("CHANGES_REQUESTED"))
        {
            return ReviewDecision.ChangesRequested;
        }

        return latest.ContainsValue("APPROVED") ? ReviewDecision.Approved : ReviewDecision.Pending;
    }
}
