using System.Globalization;
using System.Text;

namespace Graystep.CiAgents.GitHub;

/// <summary>
/// The exact bytes of GitHub Actions workflow commands and file commands. Pure: the writer only moves these strings.
/// Every line ends with LF, which the runner accepts on every OS.
/// </summary>
public static class GitHubActionsCommands
{
    /// <summary>
    /// Command data (the message after <c>::</c>), as actions/toolkit packages/core/src/command.ts
    /// <c>escapeData</c>: '%' first, then CR and LF.
    /// </summary>
    public static string EscapeData(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value
            .Replace("%", "%25", StringComparison.Ordinal)
            .Replace("\r", "%0D", StringComparison.Ordinal)
            .Replace("\n", "%0A", StringComparison.Ordinal);
    }

    /// <summary>
    /// A property value (<c>key=value</c>), as actions/toolkit packages/core/src/command.ts <c>escapeProperty</c>:
    /// the data escapes plus ':' and ',' which separate properties.
    /// </summary>
    public static string EscapeProperty(string value) =>
        EscapeData(value)
            .Replace(":", "%3A", StringComparison.Ordinal)
            .Replace(",", "%2C", StringComparison.Ordinal);

    /// <summary>
    /// <c>::name key=value,key=value::message</c>. Empty property values are left out, as the toolkit does.
    /// </summary>
    public static string Command(string name, IEnumerable<KeyValuePair<string, string?>> properties, string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(properties);
        var written = properties.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Key}={EscapeProperty(p.Value!)}").ToList();
        var head = written.Count == 0 ? name : $"{name} {string.Join(',', written)}";
        return $"::{head}::{EscapeData(message ?? string.Empty)}\n";
    }

    public static string Command(string name, string message) => Command(name, [], message);

    /// <summary><c>::error file=F,line=L,col=C::message</c> (or <c>::warning</c>), pinned to the file in the PR diff.</summary>
    public static string Annotation(Problem problem, string? workspace)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var kind = problem.Severity == ProblemSeverity.Warning ? "warning" : "error";
        return Command(kind,
        [
            new("file", Paths.RelativeTo(problem.File, workspace)),
            new("line", Number(problem.Line)),
            new("col", Number(problem.Column)),
        ], problem.Message);
    }

    public static string AddMask(string secret) => Command("add-mask", secret);

    public static string Group(string title) => Command("group", title);

    public static string EndGroup() => "::endgroup::\n";

    /// <summary>The delimiter GitHub's toolkit uses: random, so that no value can end the heredoc early.</summary>
    public static string NewDelimiter() => "ghadelimiter_" + Guid.NewGuid().ToString("D");

    /// <summary>
    /// One entry of the <c>$GITHUB_OUTPUT</c> file. A single-line value is <c>key=value</c>; a value with CR or LF
    /// uses the heredoc form <c>key&lt;&lt;DELIM</c> with a delimiter from <paramref name="newDelimiter"/> that does
    /// not occur in the key or the value (drawn again until it does not).
    /// </summary>
    public static string OutputEntry(string key, string value, Func<string> newDelimiter)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(newDelimiter);
        if (key.Contains('=', StringComparison.Ordinal) || key.Contains('<', StringComparison.Ordinal) || key.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException($"'{key}' cannot be a step output name", nameof(key));
        }

        if (value.AsSpan().IndexOfAny('\r', '\n') < 0)
        {
            return $"{key}={value}\n";
        }

        for (var attempt = 0; attempt < 32; attempt++)
        {
            var delimiter = newDelimiter();
            if (!string.IsNullOrEmpty(delimiter) &&
                delimiter.AsSpan().IndexOfAny('\r', '\n') < 0 &&
                !value.Contains(delimiter, StringComparison.Ordinal) &&
                !key.Contains(delimiter, StringComparison.Ordinal))
            {
                return $"{key}<<{delimiter}\n{value}\n{delimiter}\n";
            }
        }

        throw new InvalidOperationException("could not draw a heredoc delimiter that does not occur in the output value");
    }

    /// <summary>All step outputs of a run (phase, version, weight, result, stable, canary, reason), in that order.</summary>
    public static string Outputs(RunReport report, Func<string> newDelimiter)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        foreach (var (key, value) in report.Outputs())
        {
            text.Append(OutputEntry(key, value, newDelimiter));
        }

        return text.ToString();
    }

    /// <summary>The step outputs of a run Graystep could not finish: <c>result=failed</c> and the reason.</summary>
    public static string FailureOutputs(string reason, Func<string> newDelimiter) =>
        OutputEntry("result", StepResult.Failed.ToWire(), newDelimiter) + OutputEntry("reason", reason, newDelimiter);

    /// <summary>The log line that marks the run's end in the job's annotations, when it needs attention.</summary>
    public static string? RunAnnotation(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var kind = report.Result.IsFailure() ? "error" : report.Result == StepResult.WaitingApproval ? "notice" : null;
        return kind is null
            ? null
            : Command(kind, [new("title", $"Graystep: {report.RolloutId} {report.Result.ToText()}")], report.Reason);
    }

    private static string? Number(int? n) => n is > 0 ? n.Value.ToString(CultureInfo.InvariantCulture) : null;
}
