using Graystep.Core.Abstractions;
using Graystep.Core.History;

namespace Graystep.CiAgents.GitHub;

/// <summary>GitHub Actions: detected by <c>GITHUB_ACTIONS=true</c>, which the runner sets for every step.</summary>
public sealed class GitHubActionsAgent : CiAgentBase
{
    private readonly Func<string> _newDelimiter;
    private readonly Lazy<string> _stopToken;

    /// <param name="newDelimiter">Draws heredoc delimiters; tests pass their own to force collisions.</param>
    /// <param name="newStopToken">Draws the stop-commands token of <see cref="Inert"/>; tests pass a fixed one.</param>
    public GitHubActionsAgent(Func<string>? newDelimiter = null, Func<string>? newStopToken = null)
    {
        _newDelimiter = newDelimiter ?? GitHubActionsCommands.NewDelimiter;
        _stopToken = new Lazy<string>(newStopToken ?? CiLogText.NewStopToken);
    }

    public override string Id => "github";

    public override string Name => "GitHub Actions";

    protected override string DetectionVariable => "GITHUB_ACTIONS";

    protected override string WorkspaceVariable => "GITHUB_WORKSPACE";

    public override ICiWriter CreateWriter(CiSinks sinks)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        return new GitHubActionsWriter(sinks, ReadContext(sinks.Environment).Workspace, _newDelimiter);
    }

    /// <summary>A line that the runner would read as a command, wrapped in <c>::stop-commands::</c> (<see cref="CiLogText.GitHub"/>).</summary>
    public override string Inert(string line) => CiLogText.GitHub(line, _stopToken.Value);

    public override bool HasLogCommands => true;

    protected override string? RunUrl(IEnvironment environment) =>
        Value(environment, "GITHUB_SERVER_URL") is { } server
        && Value(environment, "GITHUB_REPOSITORY") is { } repository
        && Value(environment, "GITHUB_RUN_ID") is { } runId
            ? $"{server.TrimEnd('/')}/{repository}/actions/runs/{runId}"
            : null;

    /// <summary>
    /// The actor that started the workflow, with their no-reply address: GitHub links
    /// <c>&lt;id&gt;+&lt;login&gt;@users.noreply.github.com</c> to the account; the plain form is the older fallback.
    /// </summary>
    protected override GitIdentity? Committer(IEnvironment environment)
    {
        if (Trimmed(environment, "GITHUB_ACTOR") is not { } actor)
        {
            return null;
        }

        var id = Trimmed(environment, "GITHUB_ACTOR_ID");
        return new GitIdentity(actor, id is null ? $"{actor}@users.noreply.github.com" : $"{id}+{actor}@users.noreply.github.com");
    }
}
