using System.Globalization;
using Graystep.Core.Abstractions;
using Graystep.Core.History;
using Graystep.Core.Rollouts;

namespace Graystep.Engine.Rollouts;

/// <summary>One traffic or phase change, read back from a commit's trailers.</summary>
public sealed record TimelineEntry(
    DateTimeOffset Time,
    string Action,
    string Version,
    int Weight,
    string Step,
    string Reason,
    string Sha,
    string Subject,
    string Author)
{
    /// <summary>Which attempt at the version the commit belongs to (the <c>Graystep-Attempt</c> trailer; 1 without it).</summary>
    public int Attempt { get; init; } = 1;
}

/// <summary>Rebuilds a rollout's timeline from <c>git log</c> alone: the trailers say what each commit did.</summary>
public static class HistoryReader
{
    public const int MaxCommits = 100_000;

    public static async Task<IReadOnlyList<TimelineEntry>> ReadAsync(IGitWorkspace workspace, LoadedRollout loaded, CancellationToken ct)
    {
        var log = await workspace.LogAsync(loaded.OutputPath, MaxCommits, ct).ConfigureAwait(false);
        return Timeline(log, loaded.Spec.Id);
    }

    /// <summary>Oldest first. Commits without this rollout's trailer (hand edits, other rollouts) are skipped.</summary>
    public static IReadOnlyList<TimelineEntry> Timeline(IEnumerable<CommitRecord> newestFirst, string rolloutId)
    {
        var entries = new List<TimelineEntry>();
        foreach (var commit in newestFirst.Reverse())
        {
            var trailers = commit.Message.Trailers;
            string? Get(string key) => trailers.LastOrDefault(t => t.Key.Equals(key, StringComparison.OrdinalIgnoreCase)).Value;
            if (Get(Trailers.Rollout) != rolloutId || Get(Trailers.Action) is not { } action)
            {
                continue;
            }

            var reason = commit.Message.Body.Split('\n')
                .FirstOrDefault(l => l.StartsWith("Reason: ", StringComparison.Ordinal))?["Reason: ".Length..]
                ?? commit.Message.Subject;
            entries.Add(new TimelineEntry(
                commit.CommittedAt,
                action,
                Get(Trailers.Version) ?? string.Empty,
                int.TryParse(Get(Trailers.Weight), NumberStyles.Integer, CultureInfo.InvariantCulture, out var w) ? w : 0,
                Get(Trailers.Step) ?? string.Empty,
                reason,
                commit.Sha,
                commit.Message.Subject,
                commit.AuthorName)
            {
                Attempt = int.TryParse(Get(Trailers.Attempt), NumberStyles.None, CultureInfo.InvariantCulture, out var a) && a > 1 ? a : 1,
            });
        }

        return entries;
    }
}
