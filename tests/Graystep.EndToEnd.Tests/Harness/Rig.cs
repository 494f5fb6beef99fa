using System.Diagnostics;
using System.Globalization;
using Graystep.Sandbox;
using Graystep.Sandbox.Behaviour;
using Graystep.TestKit;
using Graystep.TestKit.Processes;
using Graystep.TestKit.Prometheus;

namespace Graystep.EndToEnd.Tests.Harness;

/// <summary>
/// Everything one example's rollouts need, on loopback and free ports, owned by this rig and stopped with it:
/// a bare GitOps remote seeded from the example, the sandbox (in-process) following it, a real Prometheus scraping
/// the sandbox every second with its own temporary TSDB, a webhook receiver when the example has webhooks, and the
/// published CLI, run as a process with its own workspace folder.
/// </summary>
internal sealed class Rig : IAsyncDisposable
{
    /// <summary>How long the sandbox waits before it applies a commit it saw (Argo CD's sync, simulated).</summary>
    public static readonly TimeSpan SyncDelay = TimeSpan.FromSeconds(1);

    /// <summary>Simulated user requests per second: enough that a 10% canary gets ~20 requests a second.</summary>
    public const double UserRps = 200;

    /// <summary>Share of the faulty version's requests that fail.</summary>
    public const double FaultyErrorRate = 0.10;

    /// <summary>The bound on one <c>graystep run</c>; graystep's own --timeout is a little shorter, so it says where it was.</summary>
    public static readonly TimeSpan RunBound = TimeSpan.FromMinutes(6);

    private readonly TempDirectory _temp;

    private Rig(ExampleCase example, TempDirectory temp, GitOpsRemote remote, SandboxHost sandbox, PrometheusServer prometheus, WebhookReceiver? webhooks)
    {
        Example = example;
        _temp = temp;
        Remote = remote;
        Sandbox = sandbox;
        Prometheus = prometheus;
        Webhooks = webhooks;
    }

    public ExampleCase Example { get; }

    public GitOpsRemote Remote { get; }

    public SandboxHost Sandbox { get; }

    public PrometheusServer Prometheus { get; }

    public WebhookReceiver? Webhooks { get; }

    public string SeedSha { get; private set; } = string.Empty;

    /// <param name="judge">An <c>analysis.judge</c> value for the example's spec; null keeps the example's.</param>
    /// <param name="behaviour">How each version answers; null: the faulty version fails <see cref="FaultyErrorRate"/>, the others never.</param>
    /// <param name="edit">One more edit of each seeded file (path, text), after the example's tweaks.</param>
    /// <param name="proxyDelay">How long applied routes take to reach the sandbox's proxies (none by default).</param>
    /// <param name="seedFiles">More files for the seed commit (path relative to the example → text).</param>
    public static async Task<Rig> StartAsync(
        ExampleCase example, string? judge = null, BehaviourConfig? behaviour = null, Func<string, string, string>? edit = null, TimeSpan? proxyDelay = null,
        IReadOnlyDictionary<string, string>? seedFiles = null)
    {
        ArgumentNullException.ThrowIfNull(example);
        if (!File.Exists(RepoPaths.GraystepExecutable))
        {
            throw new InvalidOperationException($"{RepoPaths.GraystepExecutable} is missing: run ./build.sh publish first (./build.sh test does)");
        }

        var temp = new TempDirectory("graystep-e2e-" + example.Name);
        var started = new List<IAsyncDisposable>();
        try
        {
            var remote = await GitOpsRemote.CreateAsync(temp.Path).ConfigureAwait(false);
            behaviour ??= new BehaviourConfig(new Dictionary<string, VersionBehaviour>
            {
                [example.FaultyVersion] = new() { ErrorRate = FaultyErrorRate, ErrorStatus = 500 },
            });
            var sandbox = new SandboxHost(new SandboxOptions
            {
                Repo = remote.Bare,
                Branch = GitOpsRemote.Branch,
                SyncDelay = SyncDelay,
                ProxyDelay = proxyDelay ?? TimeSpan.Zero,
                // Pushes wake it (NotifyOnPush); the poll is only a fallback, and cheap on a busy machine.
                Poll = TimeSpan.FromSeconds(2),
                Rps = UserRps,
                LoadTestRps = example.LoadTestRps,
                Behaviour = behaviour,
                Seed = Prng(example.Name),
                ScratchDirectory = temp.Combine("sandbox"),
            });
            started.Add(sandbox);
            await sandbox.StartAsync().ConfigureAwait(false);
            remote.NotifyOnPush(sandbox.Address);

            var prometheus = await PrometheusServer.StartAsync([sandbox.Address.Authority], startTimeout: TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            started.Add(prometheus);
            WebhookReceiver? webhooks = null;
            if (example.HasWebhooks)
            {
                webhooks = await WebhookReceiver.StartAsync(new Uri(sandbox.Address, "loadtester/")).ConfigureAwait(false);
                started.Add(webhooks);
            }

            var rig = new Rig(example, temp, remote, sandbox, prometheus, webhooks);
            rig.SeedSha = await remote.SeedAsync(temp.Path, example.Name, (path, text) =>
            {
                var tweaked = example.Tweak(path, text, sandbox.Address, prometheus.Address, webhooks?.Address, judge);
                return edit is null ? tweaked : edit(path, tweaked);
            }, seedFiles).ConfigureAwait(false);
            return rig;
        }
        catch
        {
            foreach (var part in Enumerable.Reverse(started))
            {
                await part.DisposeAsync().ConfigureAwait(false);
            }

            temp.Dispose();
            throw;
        }
    }

    /// <summary>The arguments of the pipeline step that starts <paramref name="version"/> with its own image tag.</summary>
    public string[] RunVersion(string version) =>
        ["run", Example.SpecFile, "--version", version, "--image", $"{Example.Container}={Example.ImageOf(version)}", "--timeout", "300s"];

    /// <summary>Runs the published CLI against this rig's remote and Prometheus, to its end (bounded).</summary>
    public Task<ChildProcessResult> GraystepAsync(params string[] args) =>
        GraystepProcess.RunAsync(WithGlobals(args), _temp.Path, Environment(), RunBound);

    /// <summary>Starts the CLI and returns at once (the kill test stops it mid-rollout).</summary>
    public ChildProcess StartGraystep(params string[] args) =>
        GraystepProcess.Start(WithGlobals(args), _temp.Path, Environment());

    /// <summary>Waits (bounded) until the sandbox runs <paramref name="sha"/> and serves traffic from it.</summary>
    public async Task WaitAppliedAsync(string sha, string version, int userRequests = 50)
    {
        await Sandbox.WaitForRevisionAsync(sha, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        try
        {
            await WaitUntilAsync(
                () => Sandbox.Snapshot().CountsSince(Example.AppKey, version, sha).Requests >= userRequests,
                TimeSpan.FromSeconds(60),
                string.Create(CultureInfo.InvariantCulture, $"{userRequests} user requests to {version} after {sha[..7]} was applied")).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; {DescribeTraffic(sha)}", e);
        }
    }

    /// <summary>Where the app's user requests went since <paramref name="sha"/>, and its routes: what a timeout needs to be read.</summary>
    private string DescribeTraffic(string sha)
    {
        var snapshot = Sandbox.Snapshot();
        if (snapshot.App(Example.AppKey) is not { } app)
        {
            return $"the sandbox has no app {Example.AppKey}; applied {snapshot.AppliedRevision}";
        }

        var versions = string.Join(", ", app.Versions.Select(v =>
        {
            var since = snapshot.CountsSince(Example.AppKey, v.Version, sha);
            return string.Create(CultureInfo.InvariantCulture, $"{v.Version} (live {v.Live}, pods {v.Pods.Count}): {since.Requests} requests, {since.Errors} errors, {since.Stale} stale since");
        }));
        var routes = string.Join(" | ", app.Routes.Select(r =>
            $"[{string.Join(" & ", r.Match)}] -> {string.Join(", ", r.Destinations.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Service}/{d.Version} {d.Weight}")))}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"applied {snapshot.AppliedRevision?[..7]}, revisions {snapshot.Revisions.Count}; versions: {versions}; unrouted (all time) {app.Unrouted.Requests}; routes: {routes}");
    }

    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        WaitUntilAsync(() => Task.FromResult(condition()), timeout, what, TimeSpan.FromMilliseconds(100));

    /// <summary>Polls until <paramref name="condition"/> holds; a timeout says what it waited for.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan every)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s waiting for {what}");
            }

            await Task.Delay(every).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Webhooks is not null)
        {
            await Webhooks.DisposeAsync().ConfigureAwait(false);
        }

        await Prometheus.DisposeAsync().ConfigureAwait(false);
        await Sandbox.DisposeAsync().ConfigureAwait(false);
        _temp.Dispose();
    }

    private IEnumerable<string> WithGlobals(string[] args) =>
        [.. args, "--repo", Remote.Bare, "--prometheus", Prometheus.Address.ToString().TrimEnd('/')];

    /// <summary>More environment for the CLI processes this rig starts (a token, a server).</summary>
    public Dictionary<string, string?> ExtraEnvironment { get; } = [];

    private Dictionary<string, string?> Environment()
    {
        var environment = new Dictionary<string, string?>(ExtraEnvironment) { ["GRAYSTEP_WORKSPACE"] = _temp.Combine("workspaces") };
        return environment;
    }

    private static ulong Prng(string name) =>
        name.Aggregate(1469598103934665603UL, (h, c) => (h ^ c) * 1099511628211UL);
}
