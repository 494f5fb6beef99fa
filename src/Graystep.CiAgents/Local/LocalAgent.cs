using Graystep.Core.Abstractions;

namespace Graystep.CiAgents.Local;

/// <summary>The fallback: a terminal or a CI system Graystep does not know. Plain text and nothing else.</summary>
public sealed class LocalAgent : ICiAgent
{
    public string Id => "local";

    public string Name => "Local";

    public bool IsSupported(IEnvironment environment) => true;

    /// <summary>A CI system Graystep does not know says so with <c>CI=true</c> (GitLab, CircleCI, Buildkite...).</summary>
    public CiContext ReadContext(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return new CiContext(Id, null, null, InCi: EnvironmentFlag.IsTrue(environment.GetVariable("CI")));
    }

    public ICiWriter CreateWriter(CiSinks sinks)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        return new PlainTextWriter(sinks.Log);
    }
}

/// <summary>Writes plain text to the log; secrets are masked, since no CI system does it for us.</summary>
internal sealed class PlainTextWriter(TextWriter log) : ICiWriter
{
    public SecretMask Mask { get; } = new();

    public bool HasGroups => false;

    public void AddMask(string secret) => Mask.Add(secret);

    public void BeginGroup(string title) => Log(PlainText.OneLine(Mask.Apply(title)) + "\n");

    public void EndGroup()
    {
    }

    public void ReportProblems(IReadOnlyList<Problem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        foreach (var problem in problems)
        {
            Log(PlainText.Problem(Mask.Apply(problem)));
        }
    }

    public void ReportRun(RunReport report) => Log(PlainText.Report(Mask.Apply(report)));

    /// <summary>Nothing more: the command's own <c>error:</c> line and problems are the plain-text report.</summary>
    public void ReportFailure(string reason, IReadOnlyList<Problem> problems)
    {
    }

    public void Log(string text) => log.Write(Mask.Apply(text));
}
