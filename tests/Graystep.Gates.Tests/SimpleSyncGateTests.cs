using Graystep.Core.Errors;
using Graystep.Core.Gates;
using Graystep.Core.Spec;
using Graystep.Gates.Sync;
using Graystep.Gates.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Gates.Tests;

public sealed class SimpleSyncGateTests
{
    private readonly FakeTimeProvider _time = new(Commits.At(12, 0, 18));

    private SyncGateRegistry Gates() => SyncGates.Create(() => new ThrowingHandler(), _time, new KubeSettings(), new FakeFileSystem());

    private Task<SyncObservation> Observe(SyncSpec sync) =>
        Gates().ObserveAsync(ReviewsSpecs.Reviews(sync), Commits.Sha, Commits.CommittedAt, CancellationToken.None);

    [Fact]
    public async Task The_delay_gate_counts_down_then_reports_the_applied_time()
    {
        var sync = new SyncSpec { Kind = "delay", Delay = TimeSpan.FromSeconds(30) };

        Assert.Equal(new SyncObservation.Pending("applying in 12s", Commits.At(12, 0, 30)), await Observe(sync));

        _time.Advance(TimeSpan.FromSeconds(11.6));
        Assert.Equal(new SyncObservation.Pending("applying in 1s", Commits.At(12, 0, 30)), await Observe(sync));

        _time.Advance(TimeSpan.FromSeconds(0.4));
        Assert.Equal(new SyncObservation.Synced(Commits.At(12, 0, 30)), await Observe(sync));

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(new SyncObservation.Synced(Commits.At(12, 0, 30)), await Observe(sync));
    }

    [Fact]
    public async Task The_delay_gate_writes_long_waits_as_durations()
    {
        Assert.Equal(new SyncObservation.Pending("applying in 1m42s", Commits.At(12, 2, 0)), await Observe(new SyncSpec { Kind = "delay", Delay = TimeSpan.FromMinutes(2) }));
    }

    [Fact]
    public async Task The_none_gate_is_synced_at_the_commit()
    {
        Assert.Equal(new SyncObservation.Synced(Commits.CommittedAt), await Observe(new SyncSpec { Kind = "none" }));
    }

    [Fact]
    public void The_registry_lists_the_kinds_in_its_explicit_order() =>
        Assert.Equal(["none", "delay", "argocd", "flux", "kubernetes"], Gates().Ids);

    [Fact]
    public async Task The_registry_asks_the_gate_of_the_spec_s_kind()
    {
        var delay = new RecordingGate("delay");
        var flux = new RecordingGate("flux");
        var registry = new SyncGateRegistry { delay, flux };

        var observation = await registry.ObserveAsync(ReviewsSpecs.Reviews(new SyncSpec { Kind = "flux" }), Commits.Sha, Commits.CommittedAt, CancellationToken.None);

        Assert.Equal(new SyncObservation.Pending("flux"), observation);
        Assert.Equal(0, delay.Calls);
        Assert.Equal(1, flux.Calls);
    }

    [Fact]
    public void The_registry_refuses_two_gates_for_one_kind()
    {
        var error = Assert.Throws<ArgumentException>(() => new SyncGateRegistry { new RecordingGate("delay"), new RecordingGate("delay") });

        Assert.StartsWith("A sync gate with id 'delay' is already registered.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_registry_names_the_kinds_it_has_when_asked_for_another()
    {
        var registry = new SyncGateRegistry { new RecordingGate("none"), new RecordingGate("delay") };

        var error = await Assert.ThrowsAsync<GraystepException>(() =>
            registry.ObserveAsync(ReviewsSpecs.Reviews(new SyncSpec { Kind = "argocd" }), Commits.Sha, Commits.CommittedAt, CancellationToken.None));

        Assert.Equal("no sync gate for sync.kind argocd", error.Message);
        Assert.Equal("use one of: none, delay", error.Hint);
    }

    private sealed class RecordingGate(string kind) : ISyncGate
    {
        public int Calls { get; private set; }

        public string Id => kind;

        public bool IsSupported(string input) => input == kind;

        public Task<SyncObservation> ObserveAsync(RolloutSpec spec, string commitSha, DateTimeOffset committedAt, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult<SyncObservation>(new SyncObservation.Pending(kind));
        }
    }

    /// <summary>The none and delay gates must not touch the network.</summary>
    private sealed class ThrowingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no HTTP expected");
    }
}
