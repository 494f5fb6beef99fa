using Graystep.Core.Abstractions;

namespace Graystep.CiAgents.Azure;

/// <summary>Azure Pipelines: detected by <c>TF_BUILD=True</c>, which the agent sets for every task.</summary>
public sealed class AzurePipelinesAgent : ICiAgent
{
    public string Id => "azure";

    public string Name => "Azure Pipelines";

    public bool Detect(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return string.Equals(environment.GetVariable("TF_BUILD"), "True", StringComparison.OrdinalIgnoreCase);
    }

    public CiContext ReadContext(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var collection = environment.GetVariable("SYSTEM_COLLECTIONURI");
        var project = environment.GetVariable("SYSTEM_TEAMPROJECT");
        var buildId = environment.GetVariable("BUILD_BUILDID");
        var url = string.IsNullOrEmpty(collection) || string.IsNullOrEmpty(project) || string.IsNullOrEmpty(buildId)
            ? null
            : $"{collection.TrimEnd('/')}/{Uri.EscapeDataString(project)}/_build/results?buildId={buildId}";
        var sources = environment.GetVariable("BUILD_SOURCESDIRECTORY");
        return new CiContext(Id, url, string.IsNullOrEmpty(sources) ? null : sources);
    }

    public ICiWriter CreateWriter(CiSinks sinks)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        return new AzurePipelinesWriter(sinks, ReadContext(sinks.Environment).Workspace);
    }
}
