using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Graystep.Sandbox.Api;
using Graystep.Sandbox.Behaviour;
using Graystep.Sandbox.Metrics;
using Graystep.Sandbox.Reconciling;
using Graystep.Sandbox.Traffic;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Graystep.Sandbox;

/// <summary>
/// graystep-sandbox, hosted in-process: a SIMULATOR of "Kubernetes + service mesh + GitOps reconciler". It follows a
/// branch of a GitOps repo with the git CLI, applies each commit after a sync delay, routes simulated user traffic
/// by the rendered routing objects, and serves Prometheus metrics and Argo CD / Flux sync status over HTTP on
/// 127.0.0.1. Nothing runs in a real cluster.
/// </summary>
public sealed class SandboxHost : IAsyncDisposable
{
    /// <summary>Said in --help, in the startup banner and in /sandbox/state.</summary>
    public const string Disclaimer =
        "graystep-sandbox is a SIMULATOR of Kubernetes + service mesh (Istio, NGINX ingress, Gateway API) + a GitOps reconciler " +
        "(Argo CD/Flux). There is no cluster, no container and no real proxy: it reads the rendered manifests from Git and " +
        "simulates their routing, traffic and metrics in-process.";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private readonly SandboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TrafficSimulator _simulator;
    private readonly Reconciler _reconciler;
    private readonly GitFollower _follower;
    private readonly ClusterApi _cluster;
    private readonly string _scratch;
    private readonly bool _ownsScratch;
    private readonly DateTimeOffset _createdAt;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private WebApplication? _app;
    private Task _loops = Task.CompletedTask;
    private int _state;
    private int _argoCdRefreshes;

    public SandboxHost(SandboxOptions options, TimeProvider? time = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time ?? TimeProvider.System;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = LoggerFactory.CreateLogger("graystep-sandbox");
        _createdAt = _time.GetUtcNow();
        _ownsScratch = options.ScratchDirectory is null;
        _scratch = options.ScratchDirectory ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"graystep-sandbox-{Guid.NewGuid():N}");
        _simulator = new TrafficSimulator(options.Behaviour ?? BehaviourConfig.Empty, options.Seed, options.Users, options.AbShare)
        {
            ProxyDelay = options.ProxyDelay,
            Time = _time,
        };
        _follower = new GitFollower(new FollowerGit(), options.Repo, options.Branch, options.NormalizedPath, _scratch);
        _cluster = new ClusterApi(_time, options.RolloutDelay) { ForgetRouting = options.ForgetRouting };
        _reconciler = new Reconciler(_follower, _simulator, _cluster, _time, options.SyncDelay, _logger);
    }

    private ILoggerFactory LoggerFactory { get; }

    /// <summary>The base address, <c>http://127.0.0.1:&lt;port&gt;</c>, once started.</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1:0");

    public SandboxOptions Options => _options;

    /// <summary>The commit the simulated cluster runs, or null before the first apply.</summary>
    public string? AppliedRevision => _reconciler.Status.Applied;

    /// <summary>Starts Kestrel on 127.0.0.1, then the reconcile loop and the load generator (when <see cref="SandboxOptions.Rps"/> &gt; 0).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("the sandbox is already started");
        }

        await _follower.InitAsync(cancellationToken).ConfigureAwait(false);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "graystep-sandbox" });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(LoggerFactory);
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, _options.Port));
        var app = builder.Build();
        MapEndpoints(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address");
        Address = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));

        _loops = Task.WhenAll(
            Task.Run(() => ReconcileLoopAsync(_stopping.Token), CancellationToken.None),
            Task.Run(() => LoadLoopAsync(_stopping.Token), CancellationToken.None));
    }

    /// <summary>Stops the loops and the HTTP server; safe to call twice.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loops.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("background loops did not stop within 10s");
        }

        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
        _wake.Dispose();
        if (_ownsScratch)
        {
            DeleteScratch();
        }
    }

    /// <summary>
    /// One reconcile step, now: read the branch tip and apply the commit that is due. Tests drive the sandbox with
    /// this (and a fake <see cref="TimeProvider"/>) instead of waiting for the poll loop.
    /// </summary>
    public async Task ReconcileOnceAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _state) == 0)
        {
            await _follower.InitAsync(cancellationToken).ConfigureAwait(false);
        }

        await _reconciler.ReconcileOnceAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="perApp"/> simulated user requests to every routed app, synchronously and deterministically.</summary>
    public void SendUserRequests(int perApp) => _simulator.SendUserRequests(perApp);

    /// <summary>Sends <paramref name="perApp"/> load-test requests straight to every app's canary.</summary>
    public void SendLoadTestRequests(int perApp) => _simulator.SendLoadTestRequests(perApp);

    /// <summary>The metrics in the Prometheus text format, as <c>GET /metrics</c> serves them.</summary>
    public string RenderMetrics() => _simulator.RenderMetrics();

    /// <summary>The state <c>GET /sandbox/state</c> serves.</summary>
    public SandboxSnapshot Snapshot()
    {
        var status = _reconciler.Status;
        return new SandboxSnapshot(
            Disclaimer,
            _follower.Repo,
            _options.Branch,
            _options.NormalizedPath,
            status.Ready,
            status.Applied,
            status.AppliedAt,
            status.Observed,
            status.Pending,
            status.PendingDueAt,
            status.SyncStatus,
            status.LastError,
            status.History,
            _simulator.Snapshot());
    }

    /// <summary>Waits (bounded) until the simulated cluster runs <paramref name="sha"/>.</summary>
    public async Task WaitForRevisionAsync(string sha, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        while (AppliedRevision != sha)
        {
            if (_time.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"the sandbox did not apply {sha} within {timeout}; it runs {AppliedRevision ?? "nothing"} (last error: {_reconciler.Status.LastError ?? "none"})");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The drift knob (<c>--forget-routing</c>, <c>POST /sandbox/forget-routing</c>): while set, commits are applied
    /// without their routing changes, so the cluster keeps the old weights while the branch has the new ones.
    /// </summary>
    public bool ForgetRouting
    {
        get => _cluster.ForgetRouting;
        set
        {
            _cluster.ForgetRouting = value;
            if (!value)
            {
                // Turned off, the running commit is applied again (as a self-healing reconciler would): the drift clears.
                _reconciler.RequestReapply();
                Wake();
            }
        }
    }

    /// <summary>How many routing changes were left unapplied because of <see cref="ForgetRouting"/>.</summary>
    public int ForgottenRoutingChanges => _cluster.Forgotten;

    /// <summary>How many reads of Argo CD's API asked for a refresh (<c>refresh=normal</c>).</summary>
    public int ArgoCdRefreshes => Volatile.Read(ref _argoCdRefreshes);

    /// <summary>Reads the branch now (the sync delay still applies).</summary>
    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A refresh is already requested.
        }
    }

    private void MapEndpoints(WebApplication app)
    {
        app.MapGet("/-/ready", () => _reconciler.Status.Ready
            ? Results.Text("graystep-sandbox is ready.\n")
            : Results.Text($"graystep-sandbox is not ready: {_reconciler.Status.LastError ?? "the repository has not been read yet"}\n", statusCode: 503));
        app.MapGet("/-/healthy", () => Results.Text("graystep-sandbox is healthy.\n"));
        app.MapGet("/metrics", () => Results.Text(_simulator.RenderMetrics(), PrometheusText.ContentType));
        app.MapGet("/sandbox/state", () => Results.Json(Snapshot(), Json));
        app.MapGet("/sandbox/route", (HttpContext http) => Routing.RouteProbe.Route(_simulator.Apps, http.Request.Query));
        app.MapGet("/apis/argoproj.io/v1alpha1/namespaces/{ns}/applications/{name}", (string ns, string name) =>
            Results.Json(GitOpsResources.ArgoApplication(ns, name, _reconciler.Status, _follower.Repo, _options.Branch, _options.NormalizedPath, _createdAt), Json));
        app.MapGet("/api/v1/applications/{name}", (HttpContext http, string name) =>
        {
            // Argo CD's API server: a bearer token is required (any, in the simulator), and refresh=normal makes it
            // compare the branch now rather than at its next poll.
            var authorization = http.Request.Headers.Authorization.ToString();
            if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || authorization.Length <= "Bearer ".Length)
            {
                return Results.Json(new { error = "no session information", code = 16, message = "no session information" }, statusCode: 401);
            }

            if (http.Request.Query["refresh"].ToString() is "normal" or "hard")
            {
                Interlocked.Increment(ref _argoCdRefreshes);
                Wake();
            }

            var ns = http.Request.Query["appNamespace"].ToString() is { Length: > 0 } given ? given : "argocd";
            return Results.Json(GitOpsResources.ArgoApplication(ns, name, _reconciler.Status, _follower.Repo, _options.Branch, _options.NormalizedPath, _createdAt), Json);
        });
        app.MapGet("/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/{ns}/kustomizations/{name}", (string ns, string name) =>
            Results.Json(GitOpsResources.FluxKustomization(ns, name, _reconciler.Status, _options.Branch, _options.NormalizedPath, _options.Poll, _createdAt), Json));
        ClusterApiEndpoints.Map(app, _cluster, on => ForgetRouting = on, Json);
        app.MapGet("/", () => Results.Text(
            Disclaimer + "\n\nEndpoints:\n  GET /metrics\n  GET /sandbox/state\n  GET /-/ready\n" +
            "  GET /sandbox/route?app={ns}/{name}&path=/x&header=name:value&count=100   how the proxies route such a request\n" +
            "  GET /apis/argoproj.io/v1alpha1/namespaces/{ns}/applications/{name}\n" +
            "  GET /api/v1/applications/{name}   Argo CD's API server (bearer token; refresh=normal reads the branch now)\n" +
            "  GET /apis/kustomize.toolkit.fluxcd.io/v1/namespaces/{ns}/kustomizations/{name}\n" +
            ClusterApiEndpoints.Help +
            "  POST /sandbox/refresh   read the branch now (the sync delay still applies)\n" +
            "  POST /loadtester/   Flagger's load tester: runs metadata.cmd (hey, curl) against the applied Services\n"));
        app.MapPost("/loadtester/", (Delegate)LoadTesterAsync);
        app.MapPost("/sandbox/refresh", () =>
        {
            Wake();
            return Results.Accepted();
        });
        app.MapFallback((HttpContext context) => Results.Json(
            GitOpsResources.NotFound(string.Empty, string.Empty, context.Request.Path, $"graystep-sandbox serves no {context.Request.Path}"),
            Json,
            statusCode: 404));
    }

    /// <summary>
    /// Flagger's load tester API: <c>{"name", "namespace", "phase", "metadata": {"cmd": "hey -z 1m -q 10 -c 2
    /// http://podinfo-canary.test:9898/"}}</c>. A command the sandbox cannot run, or one aimed at a Service that is not
    /// applied, answers 400 with the reason, as the real load tester answers a failing command.
    /// </summary>
    private async Task<IResult> LoadTesterAsync(HttpContext http)
    {
        // Bounded: a webhook payload is small.
        const int Limit = 64 * 1024;
        var buffer = new byte[Limit + 1];
        var length = 0;
        int read;
        while (length <= Limit && (read = await http.Request.Body.ReadAsync(buffer.AsMemory(length), http.RequestAborted).ConfigureAwait(false)) > 0)
        {
            length += read;
        }

        if (length > Limit)
        {
            return Results.Text("the payload is larger than 64 KiB\n", statusCode: 413);
        }

        JsonDocument body;
        try
        {
            body = JsonDocument.Parse(buffer.AsMemory(0, length));
        }
        catch (JsonException)
        {
            return Results.Text("expected Flagger's webhook payload (JSON)\n", statusCode: 400);
        }

        using (body)
        {
            var root = body.RootElement;
            var ns = root.TryGetProperty("namespace", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "default";
            if (!root.TryGetProperty("metadata", out var metadata) || !metadata.TryGetProperty("cmd", out var cmd) || cmd.ValueKind != JsonValueKind.String)
            {
                return Results.Text("metadata.cmd is missing\n", statusCode: 400);
            }

            var command = LoadTestCommand.Parse(cmd.GetString()!, ns, out var error);
            error ??= _simulator.StartLoadTest(command);
            if (error is not null)
            {
                _logger.LogInformation("load tester: {Command}: {Error}", cmd.GetString(), error);
                return Results.Text(error + "\n", statusCode: 400);
            }

            _logger.LogInformation("load tester: {Command}", cmd.GetString());
            return Results.Text(command.IsTimed ? "command started\n" : "command finished\n");
        }
    }

    private async Task ReconcileLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _reconciler.ReconcileOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must survive anything one reconcile throws; it is logged and reported.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _logger.LogError(e, "reconcile failed");
            }

            // Wake at the next poll, or earlier when a pending commit falls due, or on POST /sandbox/refresh.
            var wait = _options.Poll;
            if (_reconciler.UntilNextDue is { } due && due < wait)
            {
                wait = due < TimeSpan.Zero ? TimeSpan.Zero : due;
            }

            try
            {
                await _wake.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task LoadLoopAsync(CancellationToken cancellationToken)
    {
        // Requests are owed by elapsed time, so the rate holds however late a tick runs; a long stall is not replayed.
        var tick = TimeSpan.FromMilliseconds(100);
        var last = _time.GetTimestamp();
        double owedUsers = 0, owedLoadTest = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(tick, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var now = _time.GetTimestamp();
            var elapsed = Math.Min(_time.GetElapsedTime(last, now).TotalSeconds, 5);
            last = now;
            owedUsers += _options.Rps * elapsed;
            owedLoadTest += _options.LoadTestRps * elapsed;
            var users = (int)owedUsers;
            var loadTest = (int)owedLoadTest;
            owedUsers -= users;
            owedLoadTest -= loadTest;
            try
            {
                if (users > 0)
                {
                    _simulator.SendUserRequests(users);
                }

                if (loadTest > 0)
                {
                    _simulator.SendLoadTestRequests(loadTest);
                }

                _simulator.RunLoadJobs(elapsed);
            }
#pragma warning disable CA1031 // A fault in one tick is logged; the simulated users keep coming.
            catch (Exception e)
#pragma warning restore CA1031
            {
                // Unseen, a fault here would end the loop and every later request with it, and a test would only see
                // a version that stopped getting traffic.
                _logger.LogError(e, "the simulated traffic failed this tick; it goes on at the next");
            }
        }
    }

    private void DeleteScratch()
    {
        try
        {
            if (Directory.Exists(_scratch))
            {
                foreach (var file in Directory.EnumerateFiles(_scratch, "*", SearchOption.AllDirectories))
                {
                    File.SetAttributes(file, FileAttributes.Normal);
                }

                Directory.Delete(_scratch, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("could not delete the scratch clone {Path}: {Error}", _scratch, e.Message);
        }
    }

    /// <summary>The program, not the web host, owns SIGINT/SIGTERM, so an in-process host never reacts to the test runner's signals.</summary>
    private sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
