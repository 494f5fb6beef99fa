namespace Graystep.CiAgents.GitHub;

/// <summary>
/// Writes GitHub's protocol: workflow commands to the log, step outputs appended to the file named by
/// <c>$GITHUB_OUTPUT</c> and the summary to <c>$GITHUB_STEP_SUMMARY</c>. Outputs never go to the log: the runner
/// only reads them from the file.
/// </summary>
internal sealed class GitHubActionsWriter(CiSinks sinks, string? workspace, Func<string> newDelimiter) : ICiWriter
{
    private readonly SecretMask _mask = new();

    public bool HasGroups => true;

    public void AddMask(string secret)
    {
        foreach (var value in _mask.Add(secret))
        {
            // The one place a secret is written: the runner's own masking command.
            (sinks.Masks ?? sinks.Log).Write(GitHubActionsCommands.AddMask(value));
        }
    }

    public void BeginGroup(string title) => Log(GitHubActionsCommands.Group(_mask.Apply(title)));

    public void EndGroup() => Log(GitHubActionsCommands.EndGroup());

    public void ReportProblems(IReadOnlyList<Problem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        foreach (var problem in problems)
        {
            Log(GitHubActionsCommands.Annotation(_mask.Apply(problem), workspace));
        }
    }

    public void ReportRun(RunReport report)
    {
        var masked = _mask.Apply(report);
        var outputFile = sinks.Environment.GetVariable("GITHUB_OUTPUT");
        if (string.IsNullOrEmpty(outputFile))
        {
            Log(GitHubActionsCommands.Command("warning", "GITHUB_OUTPUT is not set: the step outputs (phase, version, weight, result) were not written"));
        }
        else
        {
            sinks.Files.Append(outputFile, _mask.Apply(GitHubActionsCommands.Outputs(masked, newDelimiter)));
        }

        var summaryFile = sinks.Environment.GetVariable("GITHUB_STEP_SUMMARY");
        if (!string.IsNullOrEmpty(summaryFile))
        {
            sinks.Files.Append(summaryFile, _mask.Apply(GitHubStepSummary.Render(masked)));
        }

        if (GitHubActionsCommands.RunAnnotation(masked) is { } annotation)
        {
            Log(annotation);
        }
    }

    public void ReportFailure(string reason, IReadOnlyList<Problem> problems)
    {
        ReportProblems(problems);
        var outputFile = sinks.Environment.GetVariable("GITHUB_OUTPUT");
        if (!string.IsNullOrEmpty(outputFile))
        {
            sinks.Files.Append(outputFile, _mask.Apply(GitHubActionsCommands.FailureOutputs(_mask.Apply(reason), newDelimiter)));
        }

        var summaryFile = sinks.Environment.GetVariable("GITHUB_STEP_SUMMARY");
        if (!string.IsNullOrEmpty(summaryFile))
        {
            sinks.Files.Append(summaryFile, _mask.Apply(GitHubStepSummary.RenderFailure(_mask.Apply(reason))));
        }

        Log(GitHubActionsCommands.Command("error", [new("title", "Graystep failed")], _mask.Apply(reason)));
    }

    private void Log(string text) => sinks.Log.Write(_mask.Apply(text));
}
