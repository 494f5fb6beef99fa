using Graystep.Core.Abstractions;
using Graystep.Core.History;

namespace Graystep.CiAgents.GitHub;

/// <summary>GitHub Actions: detected by <c>GITHUB_ACTIONS=true</c>, which the runner sets for every step.</summary>
public sealed class GitHubActionsAgent : CiAgentBase
{
    private readonly Func<string> _newDelimiter;

    /// <param name="newDelimiter">Draws heredoc delimiters; tests pass their own to force collisions.</param>
    public GitHubActionsAgent(Func<string>? newDelimiter = null) =>
        _newDelimiter = newDelimiter ?? GitHubActionsCommands.NewDelimiter;

    public override string Id => "github";

    public override string Name => "GitHub Actions";

    protected override string DetectionVariable => "GITHUB_ACTIONS";

    protected override string WorkspaceVariable => "GITHUB_WORKSPACE";

    public override ICiWriter CreateWriter(CiSinks sinks)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        return new GitHubActionsWriter(sinks, ReadContext(sinks.Environment).Workspace, _newDelimiter);
    }

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
