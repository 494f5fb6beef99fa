using Graystep.Core.History;
using Graystep.TestKit;

namespace Graystep.Engine.Tests.Support;

/// <summary>One expected commit of a rollout: what its trailers must say.</summary>
internal sealed record Expected(string Action, string Version, int Weight, string Step)
{
    public override string ToString() => $"{Action} {Version} {Weight} {Step}";
}

/// <summary>Checks that a rollout's history on the remote is valid: the right commits, once each, well formed.</summary>
internal static class HistoryAssert
{
    private static readonly string[] TrailerOrder = [Trailers.Rollout, Trailers.Version, Trailers.Action, Trailers.Weight, Trailers.Step];

    /// <summary>
    /// The rollout's commits are exactly <paramref name="expected"/>, in order; the branch is linear; every commit touches
    /// only the output folder, changes the status file, and carries a readable subject, a body and the trailers in order.
    /// </summary>
    public static IReadOnlyList<RemoteCommit> Timeline(RolloutRig rig, params Expected[] expected)
    {
        var log = rig.Log();
        Assert.All(log, c => Assert.True(c.Parents.Count <= 1, $"{c.Sha} is a merge: history must stay linear"));
        for (var i = 1; i < log.Count; i++)
        {
            Assert.Equal(log[i - 1].Sha, log[i].Parents.Single());
        }

        var commits = rig.RolloutCommits();
        var actual = commits.Select(c => new Expected(
            c.Trailer(Trailers.Action)!, c.Trailer(Trailers.Version)!, int.Parse(c.Trailer(Trailers.Weight)!, System.Globalization.CultureInfo.InvariantCulture), c.Trailer(Trailers.Step)!)).ToList();
        Assert.Equal(expected.Select(e => e.ToString()), actual.Select(a => a.ToString()));

        foreach (var commit in commits)
        {
            Assert.StartsWith(rig.Loaded.Spec.Name + ": ", commit.Message.Subject, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(commit.Message.Body), $"{commit.Message.Subject}: the body must say why");
            Assert.Equal(TrailerOrder, commit.Message.Trailers.Select(t => t.Key));
            Assert.Equal(rig.Id, commit.Trailer(Trailers.Rollout));
            var changed = RawGit.Run(rig.Remote, "diff-tree", "--no-commit-id", "-r", "--name-only", commit.Sha)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(rig.StatusPath, changed);
            Assert.All(changed, p => Assert.StartsWith(rig.OutputPath + "/", p, StringComparison.Ordinal));
        }

        return commits;
    }

    public static Expected Initialize(string version) => new("initialize", version, 100, "0/0");

    /// <summary>The retire commit that ends the adoption of the user's own Deployment on a first rollout.</summary>
    public static Expected Adopted(string version) => new("retire", version, 100, "0/0");

    public static Expected Start(string version, int steps) => new("start", version, 0, $"0/{steps}");

    public static Expected Step(string version, int weight, int index, int steps) => new("step", version, weight, $"{index}/{steps}");

    public static Expected Promote(string version, int steps) => new("promote", version, 100, $"{steps}/{steps}");

    public static Expected Rollback(string version, int index, int steps) => new("rollback", version, 0, $"{index}/{steps}");

    /// <summary>initialize (and the adoption's retire), start, each weight once, promote.</summary>
    public static Expected[] Canary(string stable, string canary, params int[] weights) =>
    [
        Initialize(stable),
        Adopted(stable),
        Start(canary, weights.Length),
        .. weights.Select((w, i) => Step(canary, w, i + 1, weights.Length)),
        Promote(canary, weights.Length),
    ];
}
