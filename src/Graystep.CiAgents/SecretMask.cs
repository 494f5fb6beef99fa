namespace Graystep.CiAgents;

/// <summary>
/// The secrets a writer must never write. Values are masked before they are escaped or formatted, so no escaped
/// form of a secret leaks either, and the final text is masked again as a backstop.
/// </summary>
public sealed class SecretMask
{
    public const string Placeholder = "***";

    private readonly List<string> _secrets = [];

    public IReadOnlyList<string> Secrets => _secrets;

    /// <summary>
    /// Adds a secret, and each line of a multi-line secret (a PEM key is often printed line by line). Returns the
    /// values that were new, so the caller can register exactly those with the CI system.
    /// </summary>
    public IReadOnlyList<string> Add(string secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return [];
        }

        var added = new List<string>();
        IEnumerable<string> parts = [secret, .. secret.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)];
        foreach (var part in parts.Where(p => !string.IsNullOrWhiteSpace(p)).Distinct(StringComparer.Ordinal))
        {
            if (!_secrets.Contains(part, StringComparer.Ordinal))
            {
                _secrets.Add(part);
                added.Add(part);
            }
        }

        // Longest first, so a secret that contains another is masked whole.
        _secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
        return added;
    }

    public string Apply(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Placeholder, StringComparison.Ordinal);
        }

        return text;
    }

    public RunReport Apply(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_secrets.Count == 0)
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
