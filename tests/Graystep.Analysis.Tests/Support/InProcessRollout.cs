using Graystep.Cli.Composition;
using Graystep.Core.Analysis;
using Graystep.Core.Gates;
using Graystep.Core.Rollouts;
using Graystep.Engine.Gates;
using Graystep.Engine.Rollouts;
using Graystep.Engine.Specs;
using Graystep.Gates;
using Graystep.Gates.Sync;
using Graystep.Gates.Webhooks;
using Graystep.Git;
using Graystep.Metrics;
using Graystep.Rendering.IO;
using Graystep.TestKit;
using Graystep.TestKit.Prometheus;

namespace Graystep.Analysis.Tests.Support;

/// <summary>An observer that lets a test act the moment a commit is pushed (as the cluster would apply it).</summary>
public sealed class CallbackObserver(Action<Transition, string>? committed = null) : IRolloutObserver
{
    public List<string> Lines { get; } = [];

    public void Info(string message) => Add(message);

    public void Waiting(string what, DateTimeOffset? until) => Add("waiting: " + what);

    public void Committed(Transition transition, string sha)
    {
        committed?.Invoke(transition, sha);
        Add($"committed {transition.Message.Subject}");
    }

    public void Analysis(IReadOnlyList<MetricResult> results, IReadOnlyList<WebhookResult> hooks, int failedChecks, int threshold) =>
        Add(new AnalysisRound(results).Summary);

    private void Add(string line)
    {
        lock (Lines)
        {
            Lines.Add(line);
        }
    }
}

/// <summary>
/// The run loop in this process with the real adapters (git workspace, Prometheus analysis, webhooks, sync gates),
/// wired as the CLI wires them; the test can swap the analysis runner and watch commits as they are pushed.
/// </summary>
public sealed record RolloutWiring
{
    /// <summary>Used by the real Prometheus runner when no <see cref="Analysis"/> is given.</summary>
    public Uri? Prometheus { get; init; }

    public IAnalysisRunner? Analysis { get; init; }

    /// <summary>Null: the real HTTP webhook caller.</summary>
    public IWebhookCaller? Webhooks { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How the runner sleeps; a fake clock's tests advance the clock instead.</summary>
    public Func<TimeSpan, CancellationToken, Task>? Delay { get; init; }

    /// <summary>A fake clock that the runner's sleeps advance: no real waiting.</summary>
    public static RolloutWiring OnFakeClock(FakeTimeProvider clock, IAnalysisRunner analysis, IWebhookCaller webhooks)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return new RolloutWiring
        {
            Time = clock,
            Analysis = analysis,
            Webhooks = webhooks,
            Delay = (span, _) =>
            {
                clock.Advance(span);
                return Task.CompletedTask;
            },
        };
    }
}

/// <summary>
/// The run loop in this process with the real adapters (git workspace, Prometheus analysis, webhooks, sync gates),
/// wired as the CLI wires them; a test can swap the analysis runner, the webhooks and the clock, and watch commits
/// as they are pushed.
/// </summary>
public static class InProcessRollout
{
    public static async Task<RunResult> RunAsync(GitOpsRepo repo, RunRequest request, IRolloutObserver observer, RolloutWiring wiring, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(wiring);
        var time = wiring.Time;
        var environment = SystemEnvironment.Instance;
        var files = new PhysicalFileSystem();
        var factory = new GitWorkspaceFactory(new GitCli(new ProcessRunner(), environment), new GitSettings { WorkspaceRoot = repo.Workspaces }, time);
        await using var workspace = await factory.OpenAsync(
            new WorkspaceOptions { Repo = repo.Bare, WorkspaceRoot = repo.Workspaces, WorkingDirectory = repo.Seed },
            cancellationToken);
        using var handler = new SocketsHttpHandler();
        using var webhookHandler = new SocketsHttpHandler();
        using var caller = new WebhookCaller(webhookHandler, time);
        var analysis = wiring.Analysis ?? PrometheusAnalysis.Create(handler, time, wiring.Prometheus);
        var kube = new KubeSettings();
        var sync = SyncGates.Create(() => KubeApiHandler.Create(kube, files), time, kube, files);
        var store = new RolloutStore(workspace, new SpecSource(files, StandardProviders.Catalogue), StandardProviders.Renderer, repo.SpecPath);
        var sensors = new Sensors(sync, new HookRunner(new WebhookCallerRegistry { wiring.Webhooks ?? caller }), analysis);
        var runner = new RolloutRunner(store, time, sensors, observer, wiring.Delay);
        return await runner.RunAsync(request, cancellationToken);
    }

    public static RunRequest StartV2 { get; } = new()
    {
        StartVersion = "v2",
        Images = new Dictionary<string, string> { ["reviews"] = "docker.io/istio/examples-bookinfo-reviews-v2:1.20.1" },
    };
}
