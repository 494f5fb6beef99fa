using Graystep.CiAgents.Azure;
using Graystep.CiAgents.GitHub;
using Graystep.CiAgents.Jenkins;
using Graystep.CiAgents.Local;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;

namespace Graystep.CiAgents;

/// <summary>
/// The CI agents in an explicit order. The first whose detection matches wins; the last one is the fallback.
/// <c>GRAYSTEP_CI</c> forces one by id.
/// </summary>
public sealed class CiAgentRegistry
{
    public const string OverrideVariable = "GRAYSTEP_CI";

    public CiAgentRegistry(IReadOnlyList<ICiAgent> agents)
    {
        ArgumentNullException.ThrowIfNull(agents);
        if (agents.Count == 0)
        {
            throw new ArgumentException("at least one CI agent (the fallback) is required", nameof(agents));
        }

        var duplicate = agents.GroupBy(a => a.Id, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"two CI agents share the id '{duplicate.Key}'", nameof(agents));
        }

        Agents = agents;
    }

    /// <summary>GitHub Actions, Azure Pipelines, Jenkins, then local (always matches).</summary>
    public static CiAgentRegistry CreateDefault() =>
        new([new GitHubActionsAgent(), new AzurePipelinesAgent(), new JenkinsAgent(), new LocalAgent()]);

    public IReadOnlyList<ICiAgent> Agents { get; }

    public ICiAgent Resolve(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var forced = environment.GetVariable(OverrideVariable)?.Trim();
        if (!string.IsNullOrEmpty(forced) && !forced.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return Agents.FirstOrDefault(a => a.Id.Equals(forced, StringComparison.OrdinalIgnoreCase))
                ?? throw new GraystepException(
                    $"unknown CI system '{forced}' in {OverrideVariable}",
                    ExitCodes.Usage,
                    $"set {OverrideVariable} to one of: auto, {string.Join(", ", Agents.Select(a => a.Id))}");
        }

        return Agents.FirstOrDefault(a => a.Detect(environment)) ?? Agents[^1];
    }
}
