using Graystep.Sandbox.Behaviour;
using Graystep.Sandbox.Cluster;
using Graystep.Sandbox.Metrics;
using Graystep.Sandbox.Routing;

namespace Graystep.Sandbox.Traffic;

/// <summary>
/// Sends simulated requests through the applied routing and records what each version served: counters per
/// applied revision for tests, and the mesh metrics for Prometheus. Requests are simulated in-process; latency is
/// sampled, never waited for. Thread-safe: one lock guards the cluster, the counters and the metrics.
/// </summary>
internal sealed class TrafficSimulator
{
    private readonly Lock _gate = new();
    private readonly BehaviourConfig _behaviour;
    private readonly ulong _seed;
    private readonly int _users;
    private readonly double _abShare;
    private readonly MeshMetrics _metrics = new(SandboxRouters.Default);
    private readonly Dictionary<string, Prng> _rngs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AppCounters> _counters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RoutedApp> _seenApps = new(StringComparer.Ordinal);
    private ClusterState _cluster = ClusterState.Empty;
    private IReadOnlyList<RoutedApp> _apps = [];
    private string? _revision;

    // What the proxies still route by, until the applied routes reach them (ProxyDelay).
    private IReadOnlyList<RoutedApp>? _proxyApps;
    private DateTimeOffset _proxiesUpdateAt;

    // The cookies each simulated user's browser keeps, per app: what a proxy's Set-Cookie gave it (session affinity).
    private readonly Dictionary<(string App, int User), Dictionary<string, string>> _cookieJars = [];

    // Flagger load tester commands still running (hey -z): their rate and when they stop.
    private const int MaxLoadJobs = 32;
    private readonly List<LoadJob> _loadJobs = [];

    public TrafficSimulator(BehaviourConfig behaviour, ulong seed, int users, double abShare)
    {
        _behaviour = behaviour;
        _seed = seed;
        _users = Math.Max(1, users);
        _abShare = Math.Clamp(abShare, 0, 1);
    }

    /// <summary>How long applied routes take to reach the proxies; workloads change at once.</summary>
    public TimeSpan ProxyDelay { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public IReadOnlyList<RoutedApp> Apps
    {
        get
        {
            lock (_gate)
            {
                return _apps;
            }
        }
    }

    /// <summary>Switches the cluster to the objects of an applied commit; later requests are stamped with its SHA.</summary>
    public IReadOnlyList<RoutedApp> Apply(string revision, ClusterState cluster)
    {
        var apps = AppDiscovery.Discover(cluster);
        lock (_gate)
        {
            if (ProxyDelay > TimeSpan.Zero && _revision is not null)
            {
                // The proxies keep the routes they had (the oldest not yet replaced) until the push reaches them.
                _proxyApps ??= _apps;
                _proxiesUpdateAt = Time.GetUtcNow() + ProxyDelay;
            }

            _cluster = cluster;
            _apps = apps;
            _revision = revision;
            foreach (var app in apps)
            {
                _seenApps[app.Key] = app;
            }

            return apps;
        }
    }

    /// <summary>Sends <paramref name="perApp"/> user requests to every routed app.</summary>
    public void SendUserRequests(int perApp)
    {
        lock (_gate)
        {
            if (_proxyApps is not null && Time.GetUtcNow() >= _proxiesUpdateAt)
            {
                _proxyApps = null;
            }

            var live = _apps.ToDictionary(a => a.Key, StringComparer.Ordinal);
            foreach (var app in _proxyApps?.Where(a => live.ContainsKey(a.Key)) ?? _apps)
            {
                var rng = Rng(app.Key);
                for (var i = 0; i < perApp; i++)
                {
                    SendOne(app, rng);
                }
            }
        }
    }

    /// <summary>Sends <paramref name="perApp"/> load-test requests straight to each app's canary, as Flagger's load tester does.</summary>
    public void SendLoadTestRequests(int perApp)
    {
        lock (_gate)
        {
            foreach (var app in _apps)
            {
                if (app.LoadTestDecisions.Count == 0)
                {
                    continue;
                }

                var rng = Rng(app.Key);
                for (var i = 0; i < perApp; i++)
                {
                    var decision = app.LoadTestDecisions[i % app.LoadTestDecisions.Count];
                    if (decision.Backend?.PickPod(rng) is { } pick)
                    {
                        var (status, _) = Serve(app, decision, decision.Backend, pick.Workload, pick.Pod, rng);
                        Cell(app, pick.Workload.Version).Add(c => c with
                        {
                            LoadTest = c.LoadTest + 1,
                            LoadTestErrors = c.LoadTestErrors + (status >= 500 ? 1 : 0),
                        });
                    }
                }
            }
        }
    }

    /// <summary>
    /// Runs a command sent to Flagger's load tester: requests to the Service it names (<c>podinfo-canary.test</c>),
    /// through kube-proxy to that Service's pods, counted as load tests. A timed command (<c>hey -z 1m</c>) is spread
    /// over its duration by <see cref="RunLoadJobs"/>; the others are sent at once. Null when it ran, else why not.
    /// </summary>
    public string? StartLoadTest(LoadTestCommand command)
    {
        lock (_gate)
        {
            if (_cluster.Find("Service", command.Namespace, command.Host) is null)
            {
                return $"no Service {command.Host} in namespace {command.Namespace} is applied";
            }

            if (command.IsTimed)
            {
                // As Flagger's load tester: the same command already running is not started twice.
                if (!_loadJobs.Any(j => j.Command == command) && _loadJobs.Count < MaxLoadJobs)
                {
                    _loadJobs.Add(new LoadJob(command, Time.GetUtcNow() + command.Duration));
                }

                return null;
            }

            return SendToService(command.Namespace, command.Host, command.Requests) > 0 ? null : $"Service {command.Host}.{command.Namespace} has no pods";
        }
    }

    /// <summary>Sends what the running load tester commands owe for <paramref name="elapsedSeconds"/>, and drops the finished ones.</summary>
    public void RunLoadJobs(double elapsedSeconds)
    {
        lock (_gate)
        {
            var now = Time.GetUtcNow();
            foreach (var job in _loadJobs)
            {
                job.Owed += job.Command.RatePerSecond * elapsedSeconds;
                var due = (int)job.Owed;
                job.Owed -= due;
                SendToService(job.Command.Namespace, job.Command.Host, due);
            }

            _loadJobs.RemoveAll(j => now >= j.Until);
        }
    }

    /// <summary>Requests to a Service by name, as kube-proxy spreads them over its pods; the count that reached a pod.</summary>
    private int SendToService(string ns, string name, int count)
    {
        var backend = Backends.Service(_cluster, ns, name, string.Empty);
        var sent = 0;
        for (var i = 0; i < count; i++)
        {
            if (backend.PickPod(Rng($"{ns}/{name}#loadtest")) is not { } pick
                || _apps.FirstOrDefault(a => a.Namespace == ns && a.Target == pick.Workload.Target) is not { } app)
            {
                continue;
            }

            var (status, _) = Serve(app, RouteDecision.To(backend), backend, pick.Workload, pick.Pod, Rng(app.Key));
            Cell(app, pick.Workload.Version).Add(c => c with
            {
                LoadTest = c.LoadTest + 1,
                LoadTestErrors = c.LoadTestErrors + (status >= 500 ? 1 : 0),
            });
            sent++;
        }

        return sent;
    }

    public string RenderMetrics()
    {
        lock (_gate)
        {
            return _metrics.Render();
        }
    }

    public IReadOnlyList<AppSnapshot> Snapshot()
    {
        lock (_gate)
        {
            var live = _apps.ToDictionary(a => a.Key, StringComparer.Ordinal);
            var result = new List<AppSnapshot>();
            foreach (var (key, app) in _seenApps.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var isLive = live.TryGetValue(key, out var current);
                var a = current ?? app;
                var counters = _counters.GetValueOrDefault(key);
                var workloads = _cluster.Deployments.Where(d => isLive && d.Namespace == a.Namespace && d.Target == a.Target).ToList();
                var versions = workloads.Select(w => w.Version)
                    .Concat(counters?.Versions.Keys ?? Enumerable.Empty<string>())
                    .Concat(isLive && a.Stable is not null ? [a.Stable] : [])
                    .Concat(isLive ? a.Canaries : [])
                    .Distinct(StringComparer.Ordinal)
                    .Order(StringComparer.Ordinal)
                    .Select(v =>
                    {
                        var w = workloads.FirstOrDefault(x => x.Version == v);
                        var byRevision = counters?.Versions.GetValueOrDefault(v) ?? new Dictionary<string, CounterCell>(StringComparer.Ordinal);
                        var perRevision = byRevision.ToDictionary(p => p.Key, p => p.Value.Counts, StringComparer.Ordinal);
                        return new VersionSnapshot(
                            v,
                            w?.Name,
                            w?.Images ?? [],
                            w?.Pods ?? [],
                            w is not null,
                            perRevision.Values.Aggregate(RequestCounts.Zero, RequestCounts.Add),
                            perRevision);
                    })
                    .ToList();

                result.Add(new AppSnapshot(
                    a.Namespace,
                    a.Name,
                    a.Provider.ProviderId,
                    a.Service,
                    a.Ingress,
                    a.Target,
                    isLive,
                    a.Stable,
                    a.Canaries,
                    a.Weights,
                    a.Routes.Select(r => new RouteSnapshot(r.Match, r.Destinations.Select(View).ToList(), r.Mirror is null ? null : View(r.Mirror))).ToList(),
                    a.AbAlternatives.Select(x => x.Attributes is null ? x.Rule + " (no matching value could be built; A/B users send plain requests)" : x.Rule).ToList(),
                    counters?.Unrouted.Counts ?? RequestCounts.Zero,
                    versions));
            }

            return result;
        }

        static WeightSnapshot View(DestinationView d) => new(d.Service, d.Version, d.Weight);
    }

    private void SendOne(RoutedApp app, Prng rng)
    {
        var user = rng.NextInt(_users);
        var userHash = Prng.Mix(_seed ^ 0xA5A5_0000_0000_0000UL ^ (ulong)user);
        var abUser = app.AbAlternatives.Count > 0 && Prng.Unit(userHash) < _abShare;
        var request = new SimRequest(user, abUser);
        if (abUser)
        {
            // A user keeps the same header or cookie for the whole run, as a real tester or insider would.
            var alternative = app.AbAlternatives[(int)(Prng.Mix(userHash) % (ulong)app.AbAlternatives.Count)];
            foreach (var attribute in alternative.Attributes ?? [])
            {
                request.Apply(attribute);
            }
        }

        var jar = _cookieJars.GetValueOrDefault((app.Key, user));
        if (jar is { Count: > 0 })
        {
            request.Apply(new RequestAttribute(AttributeKind.Header, "cookie", string.Join("; ", jar.Select(c => c.Key + "=" + c.Value))));
        }

        var decision = app.Router.Route(request, rng);
        if (decision.SetCookie is { } setCookie)
        {
            Keep(app.Key, user, setCookie);
        }

        var pick = decision.Backend?.PickPod(rng);
        if (pick is { } picked && !Running(picked.Workload))
        {
            // A stale proxy sent it to a pod that no longer exists: the connection is refused. Envoy and NGINX try
            // another endpoint of the same destination once; when none is left (or with kube-proxy) the request fails.
            var live = app.Provider.RetriesRefusedConnections ? decision.Backend!.Endpoints.Where(Running).ToList() : [];
            var again = live.Count > 0 ? (decision.Backend! with { Endpoints = live }).PickPod(rng) : null;
            if (again is null)
            {
                _metrics.Unavailable(app, decision.Backend!, decision.NginxCanary);
                Cell(app, picked.Workload.Version).Add(c => c with { Requests = c.Requests + 1, Errors = c.Errors + 1, Stale = c.Stale + 1 });
                return;
            }

            pick = again;
        }

        if (decision.Backend is null || pick is null)
        {
            var status = decision.Backend is null ? decision.Status : 503;
            if (decision.Backend is not null)
            {
                _metrics.Unavailable(app, decision.Backend, decision.NginxCanary);
            }

            Counters(app).Unrouted.Add(c => c with
            {
                Requests = c.Requests + 1,
                Errors = c.Errors + (status >= 500 ? 1 : 0),
                NotFound = c.NotFound + (status == 404 ? 1 : 0),
                AbUsers = c.AbUsers + (abUser ? 1 : 0),
            });
        }
        else
        {
            var (workload, pod) = pick.Value;
            var (status, latency) = Serve(app, decision, decision.Backend, workload, pod, rng);
            Cell(app, workload.Version).Add(c => c with
            {
                Requests = c.Requests + 1,
                Errors = c.Errors + (status >= 500 ? 1 : 0),
                NotFound = c.NotFound + (status == 404 ? 1 : 0),
                AbMatched = c.AbMatched + (decision.MatchedAb ? 1 : 0),
                AbUsers = c.AbUsers + (abUser ? 1 : 0),
                LatencySumMs = c.LatencySumMs + latency,
            });
        }

        // The proxy copies the request to the mirror and drops its answer; the mirror's pod still serves and reports it.
        foreach (var mirror in decision.Mirrors)
        {
            if (mirror.PickPod(rng) is { } shadow)
            {
                var (status, _) = Serve(app, decision with { NginxCanary = string.Empty }, mirror, shadow.Workload, shadow.Pod, rng);
                Cell(app, shadow.Workload.Version).Add(c => c with
                {
                    Mirrored = c.Mirrored + 1,
                    MirroredErrors = c.MirroredErrors + (status >= 500 ? 1 : 0),
                });
            }
        }
    }

    /// <summary>A browser's handling of Set-Cookie: keep <c>name=value</c>, drop it when Max-Age is zero or less.</summary>
    private void Keep(string app, int user, string setCookie)
    {
        var parts = setCookie.Split(';', StringSplitOptions.TrimEntries);
        var eq = parts[0].IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            return;
        }

        if (!_cookieJars.TryGetValue((app, user), out var jar))
        {
            jar = new Dictionary<string, string>(StringComparer.Ordinal);
            _cookieJars[(app, user)] = jar;
        }

        var expired = parts.Skip(1).Any(p => p.StartsWith("Max-Age=", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(p["Max-Age=".Length..], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var age) && age <= 0);
        if (expired)
        {
            jar.Remove(parts[0][..eq]);
        }
        else
        {
            jar[parts[0][..eq]] = parts[0][(eq + 1)..];
        }
    }

    private bool Running(Workload workload) =>
        _proxyApps is null || _cluster.Deployments.Any(d => d.Namespace == workload.Namespace && d.Name == workload.Name);

    private (int Status, double LatencyMs) Serve(RoutedApp app, RouteDecision decision, Backend backend, Workload workload, string pod, Prng rng)
    {
        var behaviour = _behaviour.For(workload.Version, workload.Name, workload.Images);
        var u = rng.NextDouble();
        var status = u < behaviour.ErrorRate ? behaviour.ErrorStatus
            : u < behaviour.ErrorRate + behaviour.NotFoundRate ? 404
            : 200;
        var latency = behaviour.Latency.SampleMs(rng);
        _metrics.Served(app, backend, decision.NginxCanary, workload, pod, status, latency);
        return (status, latency);
    }

    private Prng Rng(string key)
    {
        if (!_rngs.TryGetValue(key, out var rng))
        {
            rng = new Prng(_seed ^ Prng.Hash(key));
            _rngs[key] = rng;
        }

        return rng;
    }

    private AppCounters Counters(RoutedApp app)
    {
        if (!_counters.TryGetValue(app.Key, out var counters))
        {
            counters = new AppCounters();
            _counters[app.Key] = counters;
        }

        return counters;
    }

    private CounterCell Cell(RoutedApp app, string version)
    {
        var versions = Counters(app).Versions;
        if (!versions.TryGetValue(version, out var byRevision))
        {
            byRevision = new Dictionary<string, CounterCell>(StringComparer.Ordinal);
            versions[version] = byRevision;
        }

        var revision = _revision ?? "none";
        if (!byRevision.TryGetValue(revision, out var cell))
        {
            cell = new CounterCell();
            byRevision[revision] = cell;
        }

        return cell;
    }

    private sealed class LoadJob(LoadTestCommand command, DateTimeOffset until)
    {
        public LoadTestCommand Command { get; } = command;

        public DateTimeOffset Until { get; } = until;

        public double Owed { get; set; }
    }

    private sealed class AppCounters
    {
        public Dictionary<string, Dictionary<string, CounterCell>> Versions { get; } = new(StringComparer.Ordinal);

        public CounterCell Unrouted { get; } = new();
    }

    private sealed class CounterCell
    {
        public RequestCounts Counts { get; private set; } = RequestCounts.Zero;

        public void Add(Func<RequestCounts, RequestCounts> change) => Counts = change(Counts);
    }
}
