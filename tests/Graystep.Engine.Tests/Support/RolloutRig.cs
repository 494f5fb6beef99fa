using Graystep.Core.Abstractions;
using Graystep.Core.Analysis;
using Graystep.Core.Gates;
using Graystep.Core.History;
using Graystep.Core.Rollouts;
using Graystep.Engine.Alerts;
using Graystep.Engine.Rollouts;
using Graystep.Engine.Specs;
using Graystep.Engine.Gates;
using Graystep.Gates;
using Graystep.Gates.Sync;
using Graystep.Git;
using Graystep.Rendering.IO;
using Graystep.TestKit;

namespace Graystep.Engine.Tests.Support;

/// <summary>Records what a run reports, for assertions on waits and commits.</summary>
internal sealed class RecordingObserver : IRolloutObserver
{
    public List<string> Lines { get; } = [];

    public List<(Transition Transition, string Sha)> Commits { get; } = [];

    public void Info(string message) => Lines.Add("info: " + message);

    public void Waiting(string what, DateTimeOffset? until) => Lines.Add("wait: " + what);

    public void Committed(Transition transition, string sha)
    {
        Commits.Add((transition, sha));
        Lines.Add("commit: " + transition.Message.Subject);
    }

    public void Analysis(IReadOnlyList<MetricResult> results, IReadOnlyList<WebhookResult> hooks, int failedChecks, int threshold) =>
        Lines.Add($"analysis: {results.Count(r => r.Passed)}/{results.Count} passed, failed checks {failedChecks}/{threshold}");
}

/// <summary>
/// One rollout end to end, in process: an example copied into a real bare remote, a fake clock that the runner's
/// delay moves forward (no real waiting), fake metrics and webhooks, and real git workspaces. Each
/// <see cref="RunAsync"/> is one "process": it opens the workspace afresh, as a new CI job would.
/// </summary>
internal sealed class RolloutRig : IDisposable
{
    /// <summary>More waits than any rollout in these tests needs: a runner that loops forever fails instead of hanging.</summary>
    private const int MaxDelays = 5_000;

    private readonly TempDirectory _temp = new("graystep-engine");
    private readonly SyncGateRegistry _sync;
    private int _delays;

    private RolloutRig(string example, IReadOnlyList<(string Find, string Replace)> tweaks, string specFile, IReadOnlyDictionary<string, string>? files = null)
    {
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        Analysis = new FakeAnalysis(Clock);
        Env = new TestEnvironment(_temp.Combine("workspaces"));
        Factory = new GitWorkspaceFactory(new GitCli(new ProcessRunner(), Env), new GitSettings { WorkspaceRoot = _temp.Combine("workspaces") }, Clock);
        _sync = SyncGates.Create(() => new NoKubeApi(), Clock, new KubeSettings(), new PhysicalFileSystem());

        var seeded = ExampleRemote.Create(_temp.Path, example, specFile, WithoutRetireDelay(example, specFile, tweaks), new Dictionary<string, string>(files ?? new Dictionary<string, string>()) { ["apps/other/config.yaml"] = "name: other\n" });
        Remote = seeded.Remote;
        App = seeded.App;
        SpecPath = seeded.SpecPath;
        var seed = seeded.Seed;
        Loaded = Specs.LoadRollout(seed, SpecPath);
        Directory.Delete(seed, recursive: true);
    }

    public FakeTimeProvider Clock { get; }

    public FakeAnalysis Analysis { get; }

    public FakeWebhooks Webhooks { get; } = new();

    public TestEnvironment Env { get; }

    public GitWorkspaceFactory Factory { get; }

    public string Remote { get; }

    public string App { get; }

    public string SpecPath { get; }

    public LoadedRollout Loaded { get; }

    public string Id => Loaded.Spec.Id;

    public string OutputPath => Loaded.OutputPath;

    public string StatusPath => Loaded.StatusPath;

    public RecordingObserver Observer { get; private set; } = new();

    public static RolloutRig Create(string example, params (string Find, string Replace)[] tweaks) => new(example, tweaks, "rollout.yaml");

    /// <summary>
    /// These tests drive the schedule: the version that lost its traffic leaves in the switch commit
    /// (scaleDownDelay: 0s) unless a tweak sets a delay. The Rollout's 30 s default is the Core and end-to-end tests'.
    /// </summary>
    private static IReadOnlyList<(string Find, string Replace)> WithoutRetireDelay(string example, string specFile, IReadOnlyList<(string Find, string Replace)> tweaks) =>
        tweaks.Any(t => t.Replace.Contains("scaleDownDelay", StringComparison.Ordinal))
        || !File.ReadAllText(Path.Combine(RepoPaths.Example(example), specFile)).Contains("kind: Rollout\n", StringComparison.Ordinal)
            ? tweaks
            : [.. tweaks, RetireDelay.Pin];

    public static RolloutRig CreateFrom(string example, string specFile, params (string Find, string Replace)[] tweaks) => new(example, tweaks, specFile);

    /// <summary>A rig whose seed commit also holds <paramref name="files"/> (repository path → text), e.g. AlertProviders beside the spec.</summary>
    public static RolloutRig CreateWith(string example, IReadOnlyDictionary<string, string> files, params (string Find, string Replace)[] tweaks) => new(example, tweaks, "rollout.yaml", files);

    /// <summary>Where the runs' alerts go; none unless a test sets it.</summary>
    public IRolloutAlerts Alerts { get; set; } = NoAlerts.Instance;

    public static RunRequest Start(string version, params (string Container, string Image)[] images) => new()
    {
        StartVersion = version,
        Images = images.ToDictionary(i => i.Container, i => i.Image),
    };

    public string Combine(params string[] parts) => _temp.Combine(parts);

    public Task<GitWorkspace> OpenAsync(string? workspaceRoot = null) => Factory.OpenAsync(
        new WorkspaceOptions { Repo = Remote, SparsePaths = [App], WorkspaceRoot = workspaceRoot },
        CancellationToken.None);

    /// <summary>One run, as one process: a fresh workspace, a fresh runner, the same remote and clock.</summary>
    public async Task<RunResult> RunAsync(RunRequest request, Func<IGitWorkspace, IGitWorkspace>? wrap = null, string? workspaceRoot = null)
    {
        await using var opened = await OpenAsync(workspaceRoot);
        return await RunInAsync(wrap?.Invoke(opened) ?? opened, request);
    }

    public async Task<RunResult> RunInAsync(IGitWorkspace workspace, RunRequest request)
    {
        Observer = new RecordingObserver();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        return await CreateRunner(workspace, Observer).RunAsync(request, timeout.Token);
    }

    /// <summary>Spec loading as the CLI wires it: the real files and the registered providers.</summary>
    public static SpecSource Specs { get; } = new(new PhysicalFileSystem(), StandardProviders.Catalogue);

    public RolloutStore Store(IGitWorkspace workspace) => new(workspace, Specs, StandardProviders.Renderer, SpecPath);

    public RolloutRunner CreateRunner(IGitWorkspace workspace, IRolloutObserver observer) =>
        new(Store(workspace), Clock, new Sensors(_sync, new HookRunner(new WebhookCallerRegistry { Webhooks }), Analysis), observer, DelayAsync) { Alerts = Alerts };

    /// <summary>A manual command (pause, resume, promote, rollback) as the CLI makes it: one transition on fresh state.</summary>
    public async Task<string?> ApplyAsync(Func<RolloutState, DateTimeOffset, Transition> decide)
    {
        await using var workspace = await OpenAsync();
        var store = Store(workspace);
        var state = await store.LoadAsync(CancellationToken.None);
        return await store.ApplyAsync(state, decide(state, Clock.GetUtcNow()), CancellationToken.None);
    }

    public async Task<RolloutState> LoadAsync()
    {
        await using var workspace = await OpenAsync();
        return await Store(workspace).LoadAsync(CancellationToken.None);
    }

    public IReadOnlyList<RemoteCommit> Log() => RawGit.Log(Remote);

    /// <summary>This rollout's commits on the remote, oldest first.</summary>
    public IReadOnlyList<RemoteCommit> RolloutCommits() => [.. Log().Where(c => c.Trailer(Trailers.Rollout) == Id)];

    public string RemoteTip() => RawGit.Run(Remote, "rev-parse", "refs/heads/main");

    /// <summary>The rendered output at a commit, path → bytes; the status file only when asked.</summary>
    public SortedDictionary<string, byte[]> OutputAt(string sha, bool withStatus = false)
    {
        var files = RawGit.Files(Remote, sha, OutputPath);
        if (!withStatus)
        {
            files.Remove(StatusPath);
        }

        return files;
    }

    public RolloutStatus StatusAt(string sha) => StatusDocument.Read(StatusPath, RawGit.Show(Remote, sha, StatusPath));

    /// <summary>Someone else commits to the remote (an unrelated change, or a hand edit).</summary>
    public string PushFromElsewhere(string path, string content, string message)
    {
        var other = Combine("elsewhere-" + Guid.NewGuid().ToString("N")[..8]);
        RawGit.Run(_temp.Path, "clone", "-q", Remote, other);
        RawGit.Write(other, path, content);
        RawGit.Run(other, "add", "-A");
        RawGit.Run(other, "commit", "-q", "-m", message);
        RawGit.Run(other, "push", "-q", "origin", "main");
        Directory.Delete(other, recursive: true);
        return RemoteTip();
    }

    public void Dispose() => _temp.Dispose();

    private Task DelayAsync(TimeSpan span, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.Increment(ref _delays) > MaxDelays)
        {
            throw new InvalidOperationException($"the runner waited more than {MaxDelays} times: it does not make progress");
        }

        Clock.Advance(span);
        return Task.CompletedTask;
    }
}
