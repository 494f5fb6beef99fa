using System.Diagnostics.CodeAnalysis;

namespace Graystep.Core.History;

/// <summary>Reading Graystep's trailers back from a commit message.</summary>
public static class CommitMessageExtensions
{
    /// <summary>The value of the last trailer named <paramref name="key"/> (keys compare case-insensitively, as in git), or null.</summary>
    public static string? Trailer(this CommitMessage message, string key)
    {
        ArgumentNullException.ThrowIfNull(message);
        for (var i = message.Trailers.Count - 1; i >= 0; i--)
        {
            if (string.Equals(message.Trailers[i].Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return message.Trailers[i].Value;
            }
        }

        return null;
    }

    /// <summary>The <c>Graystep-Action</c> trailer, when the commit has one that Graystep knows.</summary>
    public static RolloutAction? Action(this CommitMessage message) =>
        RolloutActionText.TryParse(message.Trailer(Trailers.Action), out var action) ? action : null;
}

/// <summary>The lower-case words used in the <c>Graystep-Action</c> trailer.</summary>
public static class RolloutActionText
{
    public static string Format(RolloutAction action) => action switch
    {
        RolloutAction.Initialize => "initialize",
        RolloutAction.Start => "start",
        RolloutAction.Step => "step",
        RolloutAction.Pause => "pause",
        RolloutAction.Resume => "resume",
        RolloutAction.Promote => "promote",
        RolloutAction.Rollback => "rollback",
        RolloutAction.Retire => "retire",
        RolloutAction.SetWeight => "set-weight",
        RolloutAction.Check => "check",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    public static bool TryParse(string? text, [NotNullWhen(true)] out RolloutAction? action)
    {
        action = text?.Trim().ToUpperInvariant() switch
        {
            "INITIALIZE" => RolloutAction.Initialize,
            "START" => RolloutAction.Start,
            "STEP" => RolloutAction.Step,
            "PAUSE" => RolloutAction.Pause,
            "RESUME" => RolloutAction.Resume,
            "PROMOTE" => RolloutAction.Promote,
            "ROLLBACK" => RolloutAction.Rollback,
            "RETIRE" => RolloutAction.Retire,
            "SET-WEIGHT" => RolloutAction.SetWeight,
            "CHECK" => RolloutAction.Check,
            _ => null,
        };
        return action is not null;
    }
}
