using Graystep.Core.Secrets;

namespace Graystep.CiAgents;

/// <summary>
/// The secrets a writer must never write: a <see cref="SecretSet"/>, applied to every part of a report. Values are
/// masked before they are escaped or formatted, so no escaped form of a secret leaks either, and the final text is
/// masked again as a backstop.
/// </summary>
public sealed class SecretMask
{
    public const string Placeholder = SecretSet.Placeholder;

    private readonly SecretSet _secrets = new();

    public IReadOnlyList<string> Secrets => _secrets.Values;

    /// <summary>
    /// Adds a secret, and each line of a multi-line secret (a PEM key is often printed line by line). Returns the
    /// values that were new, so the caller can register exactly those with the CI system.
    /// </summary>
    public IReadOnlyList<string> Add(string secret) => _secrets.Add(secret);

    public string Apply(string text) => _secrets.Apply(text);

    public RunReport Apply(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_secrets.Values.Count == 0)
        {
            return report;
        }

        return report with
        {
            RolloutId = Apply(report.RolloutId),
            Stable = Apply(report.Stable),
            Canary = report.Canary is null ? null : Apply(report.Canary),
            Reason = Apply(report.Reason),
            Analysis = [.. report.Analysis.Select(r => r with
            {
                Metric = Apply(r.Metric),
                Value = Apply(r.Value),
                Threshold = Apply(r.Threshold),
                Verdict = Apply(r.Verdict),
            })],
            Timeline = [.. report.Timeline.Select(p => p with { Action = Apply(p.Action), Version = Apply(p.Version) })],
        };
    }

    public Problem Apply(Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return problem with
        {
            File = problem.File is null ? null : Apply(problem.File),
            Message = Apply(problem.Message),
        };
    }
}
