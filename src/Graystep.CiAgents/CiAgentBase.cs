using Graystep.Core.Abstractions;
using Graystep.Core.History;

namespace Graystep.CiAgents;

/// <summary>
/// What every known CI system shares (GitVersion's BuildAgentBase): it is detected by one variable it sets in every
/// job, and its context is the run's URL, the checkout folder and who the job runs for, read from its variables.
/// A CI system is a subclass that names them and its protocol writer.
/// </summary>
public abstract class CiAgentBase : ICiAgent
{
    public abstract string Id { get; }

    public abstract string Name { get; }

    /// <summary>The variable the CI system sets in every job: <c>GITHUB_ACTIONS</c>, <c>TF_BUILD</c>.</summary>
    protected abstract string DetectionVariable { get; }

    /// <summary>The variable that holds the job's checkout folder.</summary>
    protected abstract string WorkspaceVariable { get; }

    /// <summary>A true value (<see cref="EnvironmentFlag.IsTrue"/>) of <see cref="DetectionVariable"/>.</summary>
    public virtual bool IsSupported(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return EnvironmentFlag.IsTrue(environment.GetVariable(DetectionVariable));
    }

    public CiContext ReadContext(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return new CiContext(Id, RunUrl(environment), Value(environment, WorkspaceVariable), Committer(environment), IsSupported(environment));
    }

    public abstract ICiWriter CreateWriter(CiSinks sinks);

    /// <summary>Plain by default; a CI system that reads logging commands overrides it (<see cref="CiLogText"/>).</summary>
    public virtual string Inert(string line) => line;

    public virtual bool HasLogCommands => false;

    /// <summary>The run's page in the CI system, or null when a variable it is made of is missing.</summary>
    protected abstract string? RunUrl(IEnvironment environment);

    /// <summary>Who the job runs for, to author Graystep's commits; null when the CI system does not say.</summary>
    protected virtual GitIdentity? Committer(IEnvironment environment) => null;

    /// <summary>A variable's value as set, or null when it is unset or empty.</summary>
    protected static string? Value(IEnvironment environment, string name)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment.GetVariable(name) is { Length: > 0 } value ? value : null;
    }

    /// <summary>A variable's value trimmed, or null when it is unset or blank (names and addresses).</summary>
    protected static string? Trimmed(IEnvironment environment, string name)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment.GetVariable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
    }
}
