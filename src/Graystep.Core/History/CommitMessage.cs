namespace Graystep.Core.History;

/// <summary>The trailer keys pinned by DESIGN.md §4, in the order they are written.</summary>
public static class Trailers
{
    public const string Rollout = "Graystep-Rollout";
    public const string Version = "Graystep-Version";
    public const string Action = "Graystep-Action";
    public const string Weight = "Graystep-Weight";
    public const string Step = "Graystep-Step";

    /// <summary>The attempt of a version started again after a rollback (<c>run --retry</c>); only written from 2 on.</summary>
    public const string Attempt = "Graystep-Attempt";
}

/// <summary>What a commit did to a rollout; the value of the <c>Graystep-Action</c> trailer.</summary>
public enum RolloutAction
{
    Initialize,
    Start,
    Step,
    Pause,
    Resume,
    Promote,
    Rollback,

    /// <summary>
    /// A failed analysis check below the threshold, recorded with <c>run --once</c> so that the next run counts on
    /// from it (a run that keeps going counts in memory and commits nothing for it).
    /// </summary>
    Check,

    /// <summary>A person set the canary's weight by hand (<c>graystep set-weight</c>); the rollout is paused there.</summary>
    SetWeight,

    /// <summary>The version that lost its traffic stops running (after <c>analysis.scaleDownDelay</c>).</summary>
    Retire,
}

/// <summary>A commit message: a subject a person can read, a body that says why, and the trailers.</summary>
public sealed record CommitMessage(string Subject, string Body, IReadOnlyList<KeyValuePair<string, string>> Trailers);

/// <summary>A commit as read back from <c>git log</c>.</summary>
public sealed record CommitRecord(
    string Sha,
    DateTimeOffset CommittedAt,
    string AuthorName,
    string AuthorEmail,
    CommitMessage Message);
