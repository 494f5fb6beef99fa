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

    private SyncGateRegistry Gates() => SyncGateRegistry.CreateDefault(new ThrowingHandler(), _time, new FakeEnvironment(), new FakeFileSystem());

    private Task<SyncObservation> Observe(SyncSpec sync) =>
        Gates().ObserveAsync(Specs.Reviews(sync), Commits.Sha, Commits.CommittedAt, CancellationToken.None);

    [Fact]
    public async Task The_delay_gate_counts_down_then_reports_the_applied_time()
    {
        var sync = new SyncSpec { Kind = SyncKind.Delay, Delay = TimeSpan.FromSeconds(30) };

        Assert.Equal(new SyncObservation.Pending("applying in 12s"), await Observe(sync));

        _time.Advance(TimeSpan.FromSeconds(11.6));
        Assert.Equal(new SyncObservation.Pending("applying in 1s"), await Observe(sync));

        _time.Advance(TimeSpan.FromSeconds(0.4));
        Assert.Equal(new SyncObservation.Synced(Commits.At(12, 0, 30)), await Observe(sync));

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(new SyncObservation.Synced(Commits.At(12, 0, 30)), await Observe(sync));
    }

    [Fact]
    public async Task The_delay_gate_writes_long_waits_as_durations()
    {
        Assert.Equal(new SyncObservation.Pending("applying in 1m42s"), await Observe(new SyncSpec { Kind = SyncKind.Delay, Delay = TimeSpan.FromMinutes(2) }));
    }

    [Fact]
    public async Task The_none_gate_is_synced_at_the_commit()
    {
        Assert.Equal(new SyncObservation.Synced(Commits.CommittedAt), await Observe(new SyncSpec { Kind = SyncKind.None }));
    }

    [Fact]
    public void The_registry_lists_the_kinds_in_its_explicit_order() =>
        Assert.Equal([SyncKind.None, SyncKind.Delay, SyncKind.ArgoCd, SyncKind.Flux], Gates().Kinds);

    [Fact]
    public async Task The_registry_asks_the_gate_of_the_spec_s_kind()
    {
        var delay = new RecordingGate("delay");
        var flux = new RecordingGate("flux");
        var registry = new SyncGateRegistry([new(SyncKind.Delay, delay), new(SyncKind.Flux, flux)]);

        var observation = await registry.ObserveAsync(Specs.Reviews(new SyncSpec { Kind = SyncKind.Flux }), Commits.Sha, Commits.CommittedAt, CancellationToken.None);

        Assert.Equal(new SyncObservation.Pending("flux"), observation);
        Assert.Equal(0, delay.Calls);
        Assert.Equal(1, flux.Calls);
    }

    [Fact]
    public void The_registry_refuses_two_gates_for_one_kind()
    {
        var error = Assert.Throws<ArgumentException>(() => new SyncGateRegistry([new(SyncKind.Delay, new RecordingGate("a")), new(SyncKind.Delay, new RecordingGate("b"))]));

        Assert.StartsWith("two sync gates registered for sync.kind delay", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_registry_names_the_kinds_it_has_when_asked_for_another()
    {
        var registry = new SyncGateRegistry([new(SyncKind.None, new RecordingGate("none")), new(SyncKind.Delay, new RecordingGate("delay"))]);

        var error = await Assert.ThrowsAsync<GraystepException>(() =>
            registry.ObserveAsync(Specs.Reviews(new SyncSpec { Kind = SyncKind.ArgoCd }), Commits.Sha, Commits.CommittedAt, CancellationToken.None));

        Assert.Equal("no sync gate for sync.kind argocd", error.Message);
        Assert.Equal("use one of: none, delay", error.Hint);
    }

    private sealed class RecordingGate(string reason) : ISyncGate
    {
        public int Calls { get; private set; }

        public Task<SyncObservation> ObserveAsync(RolloutSpec spec, string commitSha, DateTimeOffset committedAt, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult<SyncObservation>(new SyncObservation.Pending(reason));
        }
    }

    /// <summary>The none and delay gates must not touch the network.</summary>
    private sealed class ThrowingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no HTTP expected");
    }
}
