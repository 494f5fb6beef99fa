using System.Globalization;
using Graystep.Core.History;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;

namespace Graystep.Engine.Publishing;

/// <summary>
/// The head branch of a transition's pull request: <c>graystep/&lt;namespace&gt;/&lt;name&gt;/&lt;version&gt;/&lt;action&gt;[-&lt;step&gt;]-&lt;basis&gt;</c>,
/// where basis is the short SHA of the status commit the decision was made on. The same transition decided again
/// from the same state (a re-run after a killed job) gets the same branch, so its pull request is found and reused;
/// a decision on a newer state gets a new one, so a stale pull request is never merged.
/// </summary>
public static class StepBranch
{
    public const string Root = "graystep";

    private const int BasisLength = 7;

    public static string For(RolloutSpec spec, Transition transition, string basisSha)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(transition);
        ArgumentException.ThrowIfNullOrWhiteSpace(basisSha);
        var version = transition.Message.Trailers.LastOrDefault(t => t.Key == Trailers.Version).Value
            ?? transition.Status.Canary?.Name
            ?? transition.Status.Stable.Name;
        var action = Core.History.RolloutActionText.Format(transition.Action);
        var what = transition.Action == RolloutAction.Step
            ? string.Create(CultureInfo.InvariantCulture, $"{action}-{transition.Status.StepIndex}")
            : action;
        // The DNS form keeps the branch a valid git ref whatever the version ("1..0" or "v1.lock" are label values).
        return $"{Prefix(spec)}{VersionName.ObjectName(version)}/{what}-{Short(basisSha)}";
    }

    /// <summary>Every step branch of one rollout starts with this.</summary>
    public static string Prefix(RolloutSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return $"{Root}/{spec.Namespace}/{spec.Name}/";
    }

    /// <summary>True when <paramref name="branch"/> was decided on the state whose status commit is <paramref name="basisSha"/>.</summary>
    public static bool DecidedOn(string branch, string basisSha)
    {
        ArgumentNullException.ThrowIfNull(branch);
        return branch.EndsWith("-" + Short(basisSha), StringComparison.OrdinalIgnoreCase);
    }

    private static string Short(string sha) => sha.Length > BasisLength ? sha[..BasisLength].ToLowerInvariant() : sha.ToLowerInvariant();
}
