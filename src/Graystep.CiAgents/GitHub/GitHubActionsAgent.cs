using Graystep.Core.Abstractions;

namespace Graystep.CiAgents.GitHub;

/// <summary>GitHub Actions: detected by <c>GITHUB_ACTIONS=true</c>, which the runner sets for every step.</summary>
public sealed class GitHubActionsAgent : ICiAgent
{
    private readonly Func<string> _newDelimiter;

    /// <param name="newDelimiter">Draws heredoc delimiters; tests pass their own to force collisions.</param>
    public GitHubActionsAgent(Func<string>? newDelimiter = null) =>
        _newDelimiter = newDelimiter ?? GitHubActionsCommands.NewDelimiter;

    public string Id => "github";

    public string Name => "GitHub Actions";

    public bool Detect(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return string.Equals(environment.GetVariable("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase);
    }

    public CiContext ReadContext(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var server = environment.GetVariable("GITHUB_SERVER_URL");
        var repository = environment.GetVariable("GITHUB_REPOSITORY");
        var runId = environment.GetVariable("GITHUB_RUN_ID");
        var url = string.IsNullOrEmpty(server) || string.IsNullOrEmpty(repository) || string.IsNullOrEmpty(runId)
            ? null
            : $"{server.TrimEnd('/')}/{repository}/actions/runs/{runId}";
        return new CiContext(Id, url, NullIfEmpty(environment.GetVariable("GITHUB_WORKSPACE")));
    }

    public ICiWriter CreateWriter(CiSinks sinks)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        return new GitHubActionsWriter(sinks, ReadContext(sinks.Environment).Workspace, _newDelimiter);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
