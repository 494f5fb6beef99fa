using Graystep.CiAgents.Azure;
using Graystep.CiAgents.GitHub;
using Graystep.CiAgents.Jenkins;
using Graystep.CiAgents.Local;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.Providers;

namespace Graystep.CiAgents;

/// <summary>
/// The CI agents in an explicit order, one registration line each. <c>GRAYSTEP_CI</c> forces one by id; otherwise
/// the first whose detection matches wins (CI systems nest: a Jenkins agent may run a job that sets Azure's
/// variables, and the order says which one speaks), and local is the fallback.
/// </summary>
public sealed class CiAgentRegistry() : ProviderRegistry<ICiAgent, IEnvironment>("CI system", "auto", Ambiguity.FirstRegisteredWins)
{
    public const string OverrideVariable = "GRAYSTEP_CI";

    /// <summary>GitHub Actions, Azure Pipelines, Jenkins, then local (always matches).</summary>
    public static CiAgentRegistry CreateDefault() => new()
    {
        new GitHubActionsAgent(),
        new AzurePipelinesAgent(),
        new JenkinsAgent(),
        { new LocalAgent(), ProviderPriority.Fallback },
    };

    public IReadOnlyList<ICiAgent> Agents => Providers;

    protected override string Show(IEnvironment input) => "this environment";

    protected override GraystepException UnknownProvider(string id) => new(
        $"unknown CI system '{id}' in {OverrideVariable}",
        ExitCodes.Usage,
        $"set {OverrideVariable} to one of: {string.Join(", ", KnownIds)}");
}
