using System.Text;
using Graystep.Core.Abstractions;
using Graystep.Core.History;
using Graystep.Core.Providers;

namespace Graystep.CiAgents;

/// <summary>
/// A CI system Graystep can run under (GitVersion's BuildAgentBase): the id users pass in <c>GRAYSTEP_CI</c>
/// (github, azure, jenkins, local), a cheap <see cref="IProvider{TInput}.IsSupported"/> that reads one or two
/// environment variables, the context it gives the job, and a writer that turns reports into its protocol.
/// </summary>
public interface ICiAgent : IProvider<IEnvironment>
{
    string Name { get; }

    /// <summary>Where this run lives in the CI system (run URL, workspace), for links in PR comments and reports.</summary>
    CiContext ReadContext(IEnvironment environment);

    ICiWriter CreateWriter(CiSinks sinks);

    /// <summary>
    /// One line of untrusted text (no LF) as it may appear in this CI system's log without being read as a logging
    /// command (<see cref="CiLogText"/>). Systems without logging commands return it as it is.
    /// </summary>
    string Inert(string line) => line;

    /// <summary>Whether the CI system reads logging commands from the log (its writer's commands then need a trusted channel).</summary>
    bool HasLogCommands => false;
}

/// <summary>What a CI agent knows about the run. Null when the CI system does not say.</summary>
/// <param name="Committer">Who the job runs for, to author Graystep's commits (the GitHub actor, the Azure requester).</param>
/// <param name="InCi">
/// Whether the environment says a CI system runs the job (whatever <c>GRAYSTEP_CI</c> forces for the output): only
/// then may its checkout be reused in place.
/// </param>
public sealed record CiContext(string AgentId, string? RunUrl, string? Workspace, GitIdentity? Committer = null, bool InCi = false);

/// <summary>
/// The thin writer of one protocol. Every value goes through the secret mask before it is written, and secrets
/// registered with <see cref="AddMask"/> never appear except in the CI system's own masking command.
/// </summary>
public interface ICiWriter
{
    /// <summary>Registers a secret: the CI system masks it in logs, and this writer never writes it.</summary>
    void AddMask(string secret);

    /// <summary>Whether the CI system folds <see cref="BeginGroup"/> sections in its log (GitHub Actions, Azure Pipelines).</summary>
    bool HasGroups { get; }

    /// <summary>Starts a collapsible log section (for example while waiting on a gate).</summary>
    void BeginGroup(string title);

    void EndGroup();

    /// <summary>Reports validation problems in the CI system's annotation format.</summary>
    void ReportProblems(IReadOnlyList<Problem> problems);

    /// <summary>Publishes the outcome of a run: step outputs, summaries, reports.</summary>
    void ReportRun(RunReport report);

    /// <summary>
    /// Publishes a run that Graystep itself could not finish (bad spec, unreachable remote, rejected token): the
    /// outputs say <c>result=failed</c> with the reason, and each problem is annotated, so a pipeline can branch on
    /// a failure as on any other result.
    /// </summary>
    void ReportFailure(string reason, IReadOnlyList<Problem> problems);
}

/// <summary>Files that CI protocols append to or write, behind a seam so the exact bytes are testable.</summary>
public interface ICiFiles
{
    /// <summary>Appends UTF-8 text (no BOM), creating the file when it does not exist.</summary>
    void Append(string path, string text);

    /// <summary>Replaces the file with UTF-8 text (no BOM).</summary>
    void Write(string path, string text);
}

public static class CiFiles
{
    /// <summary>The real file system.</summary>
    public static ICiFiles Physical { get; } = new PhysicalCiFiles();

    private sealed class PhysicalCiFiles : ICiFiles
    {
        private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

        public void Append(string path, string text) => File.AppendAllText(path, text, Utf8NoBom);

        public void Write(string path, string text)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            File.WriteAllText(path, text, Utf8NoBom);
        }
    }
}

/// <summary>
/// Where a writer sends its bytes: the log (stdout, where CI systems read logging commands), files, the environment
/// that names those files, and the working directory used when the CI system names no workspace.
/// </summary>
public sealed record CiSinks(TextWriter Log, IEnvironment Environment, ICiFiles Files, string WorkingDirectory)
{
    /// <summary>
    /// Where the CI system's own masking command goes: the one line that must hold a secret. The log masks every
    /// secret it knows, which would leave the command empty. Null: the log.
    /// </summary>
    public TextWriter? Masks { get; init; }
}
