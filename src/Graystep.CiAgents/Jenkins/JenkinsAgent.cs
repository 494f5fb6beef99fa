using Graystep.CiAgents.Local;
using Graystep.Core.Abstractions;

namespace Graystep.CiAgents.Jenkins;

/// <summary>
/// Jenkins: detected by <c>JENKINS_URL</c>, which Jenkins sets for every build. Jenkins has no logging-command
/// protocol: plain log lines, the exit code, and report files in the workspace.
/// </summary>
public sealed class JenkinsAgent : CiAgentBase
{
    public override string Id => "jenkins";

    public override string Name => "Jenkins";

    protected override string DetectionVariable => "JENKINS_URL";

    protected override string WorkspaceVariable => "WORKSPACE";

    /// <summary>Jenkins sets its URL, not a flag: any value counts.</summary>
    public override bool IsSupported(IEnvironment environment) => Value(environment, DetectionVariable) is not null;

    public override ICiWriter CreateWriter(CiSinks sinks)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        return new JenkinsWriter(sinks, ReadContext(sinks.Environment).Workspace ?? sinks.WorkingDirectory);
    }

    protected override string? RunUrl(IEnvironment environment) => Value(environment, "BUILD_URL");
}

/// <summary>Plain log text, and the JSON and JUnit reports written (replaced) in the workspace.</summary>
internal sealed class JenkinsWriter(CiSinks sinks, string workspace) : ICiWriter
{
    private readonly PlainTextWriter _log = new(sinks.Log);

    public bool HasGroups => false;

    public void AddMask(string secret) => _log.AddMask(secret);

    public void BeginGroup(string title) => _log.BeginGroup(title);

    public void EndGroup() => _log.EndGroup();

    public void ReportProblems(IReadOnlyList<Problem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        _log.ReportProblems(problems);
        Write(JenkinsReport.ReportFileName, JenkinsReport.Json([.. problems.Select(_log.Mask.Apply)]));
    }

    public void ReportRun(RunReport report)
    {
        var masked = _log.Mask.Apply(report);
        _log.ReportRun(masked);
        Write(JenkinsReport.ReportFileName, JenkinsReport.Json(masked));
        Write(JenkinsReport.JUnitFileName, JenkinsReport.JUnit(masked));
    }

    /// <summary>The reports say <c>failed</c> with the reason (and the problems); the log already holds the error line.</summary>
    public void ReportFailure(string reason, IReadOnlyList<Problem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var masked = _log.Mask.Apply(reason);
        Write(JenkinsReport.ReportFileName, JenkinsReport.Json([.. problems.Select(_log.Mask.Apply)], masked));
        Write(JenkinsReport.JUnitFileName, JenkinsReport.JUnitFailure(masked));
    }

    private void Write(string fileName, string text)
    {
        var path = Path.Combine(workspace, fileName);
        sinks.Files.Write(path, _log.Mask.Apply(text));
        _log.Log($"graystep: wrote {path}\n");
    }
}
