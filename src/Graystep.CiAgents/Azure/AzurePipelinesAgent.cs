using Graystep.Core.Abstractions;
using Graystep.Core.History;

namespace Graystep.CiAgents.Azure;

/// <summary>Azure Pipelines: detected by <c>TF_BUILD=True</c>, which the agent sets for every task.</summary>
public sealed class AzurePipelinesAgent : CiAgentBase
{
    public override string Id => "azure";

    public override string Name => "Azure Pipelines";

    protected override string DetectionVariable => "TF_BUILD";

    protected override string WorkspaceVariable => "BUILD_SOURCESDIRECTORY";

    public override ICiWriter CreateWriter(CiSinks sinks)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        return new AzurePipelinesWriter(sinks, ReadContext(sinks.Environment).Workspace);
    }

    /// <summary><c>##vso[</c> and <c>##[</c> broken up (<see cref="CiLogText.Azure"/>).</summary>
    public override string Inert(string line) => CiLogText.Azure(line);

    public override bool HasLogCommands => true;

    protected override string? RunUrl(IEnvironment environment) =>
        Value(environment, "SYSTEM_COLLECTIONURI") is { } collection
        && Value(environment, "SYSTEM_TEAMPROJECT") is { } project
        && Value(environment, "BUILD_BUILDID") is { } buildId
            ? $"{collection.TrimEnd('/')}/{Uri.EscapeDataString(project)}/_build/results?buildId={buildId}"
            : null;

    /// <summary>Who queued the build (<c>Build.RequestedFor</c> and its email).</summary>
    protected override GitIdentity? Committer(IEnvironment environment) =>
        Trimmed(environment, "BUILD_REQUESTEDFOR") is { } requester && Trimmed(environment, "BUILD_REQUESTEDFOREMAIL") is { } email
            ? new GitIdentity(requester, email)
            : null;
}
