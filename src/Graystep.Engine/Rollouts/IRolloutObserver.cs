using Graystep.Core.Analysis;
using Graystep.Core.Gates;
using Graystep.Core.Rollouts;

namespace Graystep.Engine.Rollouts;

/// <summary>What a run tells the person or CI system watching it. Implemented by the CLI's output writers.</summary>
public interface IRolloutObserver
{
    void Info(string message);

    /// <summary>Progress while waiting: what we wait for and, when known, until when.</summary>
    void Waiting(string what, DateTimeOffset? until);

    void Committed(Transition transition, string sha);

    void Analysis(IReadOnlyList<MetricResult> results, IReadOnlyList<WebhookResult> hooks, int failedChecks, int threshold);
}

/// <summary>An observer that says nothing; for commands and tests that do not need progress.</summary>
public sealed class SilentObserver : IRolloutObserver
{
    public static SilentObserver Instance { get; } = new();

    public void Info(string message)
    {
    }

    public void Waiting(string what, DateTimeOffset? until)
    {
    }

    public void Committed(Transition transition, string sha)
    {
    }

    public void Analysis(IReadOnlyList<MetricResult> results, IReadOnlyList<WebhookResult> hooks, int failedChecks, int threshold)
    {
    }
}
