using System.Globalization;
using System.Text;

namespace Graystep.CiAgents.Azure;

/// <summary>
/// The exact bytes of Azure Pipelines logging commands, shaped as azure-pipelines-task-lib node/taskcommand.ts
/// writes them: <c>##vso[area.action key=value;key=value;]message</c>, each property followed by ';', empty
/// properties left out. Pure: the writer only moves these strings. Every line ends with LF.
/// </summary>
public static class AzurePipelinesCommands
{
    /// <summary>
    /// The message, as taskcommand.ts <c>escapedata</c>: '%' becomes '%AZP25' (the agent decodes it back; a plain
    /// '%25' would be ambiguous with text that really says %25), then CR and LF.
    /// </summary>
    public static string EscapeData(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value
            .Replace("%", "%AZP25", StringComparison.Ordinal)
            .Replace("\r", "%0D", StringComparison.Ordinal)
            .Replace("\n", "%0A", StringComparison.Ordinal);
    }

    /// <summary>A property value, as taskcommand.ts <c>escape</c>: the data escapes plus ']' and ';', which end the properties.</summary>
    public static string EscapeProperty(string value) =>
        EscapeData(value)
            .Replace("]", "%5D", StringComparison.Ordinal)
            .Replace(";", "%3B", StringComparison.Ordinal);

    public static string Command(string name, IEnumerable<KeyValuePair<string, string?>> properties, string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(properties);
        var text = new StringBuilder("##vso[").Append(name);
        var written = properties.Where(p => !string.IsNullOrEmpty(p.Value)).ToList();
        if (written.Count > 0)
        {
            text.Append(' ');
            foreach (var (key, value) in written)
            {
                text.Append(key).Append('=').Append(EscapeProperty(value!)).Append(';');
            }
        }

        return text.Append(']').Append(EscapeData(message ?? string.Empty)).Append('\n').ToString();
    }

    /// <summary><c>##vso[task.setvariable variable=X;isOutput=true;issecret=false;]value</c>, as task-lib's <c>setVariable</c>.</summary>
    public static string SetOutputVariable(string name, string value) =>
        Command("task.setvariable", [new("variable", name), new("isOutput", "true"), new("issecret", "false")], value);

    /// <summary>All step outputs of a run as output variables, in the fixed order of <see cref="RunReport.Outputs"/>.</summary>
    public static string Outputs(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        foreach (var (key, value) in report.Outputs())
        {
            text.Append(SetOutputVariable(key, value));
        }

        return text.ToString();
    }

    /// <summary>
    /// A run Graystep could not finish: the <c>result</c> (failed) and <c>reason</c> output variables, then
    /// <c>##vso[task.complete result=Failed;]</c> with the reason.
    /// </summary>
    public static string FailureOutputs(string reason) =>
        SetOutputVariable("result", StepResult.Failed.ToWire())
        + SetOutputVariable("reason", reason)
        + Command("task.complete", [new("result", "Failed")], $"graystep failed: {reason}");

    /// <summary><c>##vso[task.logissue type=error;]message</c>: a failure that is not about a place in a file.</summary>
    public static string ErrorIssue(string message) => Command("task.logissue", [new("type", "error")], message);

    /// <summary><c>##vso[task.logissue type=error;sourcepath=F;linenumber=L;columnnumber=C;]message</c>.</summary>
    public static string LogIssue(Problem problem, string? sourcesDirectory)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return Command("task.logissue",
        [
            new("type", problem.Severity == ProblemSeverity.Warning ? "warning" : "error"),
            new("sourcepath", Paths.RelativeTo(problem.File, sourcesDirectory)),
            new("linenumber", Number(problem.Line)),
            new("columnnumber", Number(problem.Column)),
        ], problem.Message);
    }

    /// <summary>
    /// <c>##vso[task.complete result=...;]message</c>: promoted or ok is Succeeded, still pending is
    /// SucceededWithIssues (run again to continue), rolled back or failed is Failed.
    /// </summary>
    public static string Complete(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var result = report.Result.IsFailure() ? "Failed" : report.Result.IsPending() ? "SucceededWithIssues" : "Succeeded";
        return Command("task.complete", [new("result", result)], $"{report.RolloutId} {report.Result.ToText()}: {report.Reason}");
    }

    public static string SetSecret(string secret) => Command("task.setsecret", [], secret);

    /// <summary>
    /// <c>##[group]title</c>. A formatting command, not a <c>##vso</c> one: the agent decodes nothing in it, so line
    /// breaks (which would end it) become spaces instead of being escaped.
    /// </summary>
    public static string Group(string title) =>
        "##[group]" + (title ?? string.Empty).Replace('\r', ' ').Replace('\n', ' ') + "\n";

    public static string EndGroup() => "##[endgroup]\n";

    private static string? Number(int? n) => n is > 0 ? n.Value.ToString(CultureInfo.InvariantCulture) : null;
}
