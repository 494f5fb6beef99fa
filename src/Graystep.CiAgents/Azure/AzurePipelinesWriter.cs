namespace Graystep.CiAgents.Azure;

/// <summary>Writes Azure's protocol: <c>##vso</c> logging commands on the log, which the agent reads.</summary>
internal sealed class AzurePipelinesWriter(CiSinks sinks, string? sourcesDirectory) : ICiWriter
{
    private readonly SecretMask _mask = new();

    public bool HasGroups => true;

    public void AddMask(string secret)
    {
        foreach (var value in _mask.Add(secret))
        {
            // The one place a secret is written: the agent's own masking command.
            (sinks.Masks ?? sinks.Log).Write(AzurePipelinesCommands.SetSecret(value));
        }
    }

    public void BeginGroup(string title) => Log(AzurePipelinesCommands.Group(_mask.Apply(title)));

    public void EndGroup() => Log(AzurePipelinesCommands.EndGroup());

    public void ReportProblems(IReadOnlyList<Problem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        foreach (var problem in problems)
        {
            Log(AzurePipelinesCommands.LogIssue(_mask.Apply(problem), sourcesDirectory));
        }
    }

    public void ReportRun(RunReport report)
    {
        var masked = _mask.Apply(report);
        Log(AzurePipelinesCommands.Outputs(masked));
        Log(AzurePipelinesCommands.Complete(masked));
    }

    public void ReportFailure(string reason, IReadOnlyList<Problem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ReportProblems(problems);
        if (problems.Count == 0)
        {
            // The agent lists issues on the run's summary; stderr alone would leave the failure without one.
            Log(AzurePipelinesCommands.ErrorIssue(_mask.Apply(reason)));
        }

        Log(AzurePipelinesCommands.FailureOutputs(_mask.Apply(reason)));
    }

    private void Log(string text) => sinks.Log.Write(_mask.Apply(text));
}
