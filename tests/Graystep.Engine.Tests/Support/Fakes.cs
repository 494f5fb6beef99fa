using Graystep.Core.Abstractions;
using Graystep.Core.Analysis;
using Graystep.Core.Gates;
using Graystep.Core.History;
using Graystep.Core.Spec;

namespace Graystep.Engine.Tests.Support;

/// <summary>Metrics without Prometheus: every metric of the spec passes unless <see cref="Healthy"/> says otherwise.</summary>
internal sealed class FakeAnalysis(TimeProvider time) : IAnalysisRunner
{
    private readonly Lock _gate = new();

    /// <summary>Called with the 1-based round number; false makes every metric of that round fail.</summary>
    public Func<int, bool> Healthy { get; set; } = _ => true;

    public List<(DateTimeOffset At, AnalysisContext Context)> Calls { get; } = [];

    public Task<IReadOnlyList<MetricResult>> RunAsync(AnalysisContext context, CancellationToken cancellationToken)
    {
        int round;
        lock (_gate)
        {
            Calls.Add((time.GetUtcNow(), context));
            round = Calls.Count;
        }

        var healthy = Healthy(round);
        IReadOnlyList<MetricResult> results = [.. context.Spec.Analysis.Metrics.Select(m => Result(m, healthy))];
        return Task.FromResult(results);
    }

    private static MetricResult Result(MetricSpec metric, bool healthy)
    {
        var range = metric.ThresholdRange;
        // Inside the range when healthy; clearly outside it when not.
        var value = range.Min is { } min ? (healthy ? min + 0.5 : min - 10) : range.Max is { } max ? (healthy ? max / 2 : max * 2) : 1;
        return new MetricResult(metric.Name, $"fake query for {metric.Name}", value, range, metric.Interval, healthy ? Verdict.Pass : Verdict.Fail);
    }
}

/// <summary>Webhooks without HTTP: every call succeeds unless <see cref="Succeeds"/> says otherwise; calls are recorded.</summary>
internal sealed class FakeWebhooks : IWebhookCaller
{
    private readonly Lock _gate = new();

    public Func<WebhookSpec, WebhookPayload, bool> Succeeds { get; set; } = (_, _) => true;

    public string Id => "fake";

    public bool IsSupported(Uri input) => true;

    public List<(WebhookSpec Hook, WebhookPayload Payload)> Calls { get; } = [];

    public Task<WebhookResult> CallAsync(WebhookSpec hook, WebhookPayload payload, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Calls.Add((hook, payload));
        }

        var ok = Succeeds(hook, payload);
        return Task.FromResult(new WebhookResult(hook.Name, hook.Type, ok, ok ? 200 : 500, ok ? string.Empty : "HTTP 500"));
    }
}

/// <summary>The Kubernetes API is never called with sync kinds none and delay; a call is a test failure.</summary>
internal sealed class NoKubeApi : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("unexpected Kubernetes API call: " + request.RequestUri);
}

internal sealed class TestEnvironment(string workspaceRoot) : IEnvironment
{
    public Dictionary<string, string?> Variables { get; } = new(StringComparer.Ordinal)
    {
        ["PATH"] = Environment.GetEnvironmentVariable("PATH"),
        ["HOME"] = Environment.GetEnvironmentVariable("HOME"),
        ["GRAYSTEP_WORKSPACE"] = workspaceRoot,
    };

    public string? GetVariable(string name) => Variables.GetValueOrDefault(name);
}

/// <summary>Where a simulated kill strikes, relative to one commit of the rollout.</summary>
public enum KillPoint
{
    /// <summary>The output and status files are written, nothing is committed.</summary>
    BeforeCommit,

    /// <summary>The commit exists in the workspace and was never pushed.</summary>
    AfterCommit,

    /// <summary>The commit is pushed; the process dies before it goes on.</summary>
    AfterPush,
}

internal sealed class SimulatedKillException(string message) : Exception(message);

/// <summary>
/// A workspace that "dies" at one point of its <see cref="CommitNumber"/>-th commit (1-based), as a CI job killed at
/// that moment; everything else goes to the real workspace.
/// </summary>
internal sealed class KillingWorkspace(IGitWorkspace inner, int commitNumber, KillPoint point) : IGitWorkspace
{
    private int _commits;

    public int CommitNumber => commitNumber;

    public bool Killed { get; private set; }

    public string Root => inner.Root;

    public string Branch => inner.Branch;

    public Task RefreshAsync(CancellationToken cancellationToken) => inner.RefreshAsync(cancellationToken);

    public Task<string> HeadAsync(CancellationToken cancellationToken) => inner.HeadAsync(cancellationToken);

    public async Task<string?> CommitAsync(IReadOnlyList<string> paths, CommitMessage message, CancellationToken cancellationToken)
    {
        _commits++;
        if (_commits == commitNumber && point == KillPoint.BeforeCommit)
        {
            throw Kill(message);
        }

        var sha = await inner.CommitAsync(paths, message, cancellationToken);
        if (_commits == commitNumber && point == KillPoint.AfterCommit)
        {
            throw Kill(message);
        }

        return sha;
    }

    public async Task<PushOutcome> PushAsync(CancellationToken cancellationToken)
    {
        var outcome = await inner.PushAsync(cancellationToken);
        if (_commits == commitNumber && point == KillPoint.AfterPush)
        {
            throw Kill(null);
        }

        return outcome;
    }

    public Task RestoreAsync(string commit, string path, CancellationToken cancellationToken) => inner.RestoreAsync(commit, path, cancellationToken);

    public Task<IReadOnlyList<CommitRecord>> LogAsync(string? path, int maxCount, CancellationToken cancellationToken) =>
        inner.LogAsync(path, maxCount, cancellationToken);

    private SimulatedKillException Kill(CommitMessage? message)
    {
        Killed = true;
        return new SimulatedKillException($"killed {point} of commit {commitNumber} {message?.Subject}");
    }
}

/// <summary>A workspace that runs <see cref="BeforePush"/> once, just before its next push: to make another runner win the race.</summary>
internal sealed class RacingWorkspace(IGitWorkspace inner) : IGitWorkspace
{
    public Func<Task>? BeforePush { get; set; }

    public List<PushOutcome> Pushes { get; } = [];

    public string Root => inner.Root;

    public string Branch => inner.Branch;

    public Task RefreshAsync(CancellationToken cancellationToken) => inner.RefreshAsync(cancellationToken);

    public Task<string> HeadAsync(CancellationToken cancellationToken) => inner.HeadAsync(cancellationToken);

    public Task<string?> CommitAsync(IReadOnlyList<string> paths, CommitMessage message, CancellationToken cancellationToken) =>
        inner.CommitAsync(paths, message, cancellationToken);

    public async Task<PushOutcome> PushAsync(CancellationToken cancellationToken)
    {
        if (BeforePush is { } before)
        {
            BeforePush = null;
            await before();
        }

        var outcome = await inner.PushAsync(cancellationToken);
        Pushes.Add(outcome);
        return outcome;
    }

    public Task RestoreAsync(string commit, string path, CancellationToken cancellationToken) => inner.RestoreAsync(commit, path, cancellationToken);

    public Task<IReadOnlyList<CommitRecord>> LogAsync(string? path, int maxCount, CancellationToken cancellationToken) =>
        inner.LogAsync(path, maxCount, cancellationToken);
}
