using Graystep.Core.Errors;
using Graystep.Core.Gates;
using Graystep.Core.Spec;
using Graystep.Gates.Sync;
using Graystep.Gates.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Gates.Tests;

public sealed class FluxSyncGateTests : IAsyncLifetime
{
    private const string KustomizationPath = "/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/reviews";

    private readonly SocketsHttpHandler _handler = new();
    private readonly FakeTimeProvider _time = new(Commits.At(12, 5, 0));
    private FakeKubeApi _api = null!;
    private SyncGateRegistry _gates = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeKubeApi.StartAsync();
        _gates = SyncGates.Create(() => _handler, _time, new KubeSettings { Server = _api.Base }, new FakeFileSystem());
    }

    public async Task DisposeAsync()
    {
        _handler.Dispose();
        await _api.DisposeAsync();
    }

    private Task<SyncObservation> Observe() =>
        _gates.ObserveAsync(ReviewsSpecs.Reviews(new SyncSpec { Kind = "flux" }), Commits.Sha, Commits.CommittedAt, CancellationToken.None);

    [Fact]
    public async Task Waits_for_the_revision_then_reports_when_it_became_ready()
    {
        _api.Serve(KustomizationPath, "flux/kustomization-pending.json");
        Assert.Equal(new SyncObservation.Pending("Flux Kustomization flux-system/reviews applied main@sha1:9b8c7d6, waiting for 3f2a9c1"), await Observe());

        _api.Serve(KustomizationPath, "flux/kustomization-ready.json");
        Assert.Equal(new SyncObservation.Synced(Commits.At(12, 0, 35)), await Observe());

        Assert.All(_api.Requests, r => Assert.Equal(KustomizationPath, r.PathAndQuery));
    }

    [Fact]
    public async Task A_failed_apply_is_pending_with_flux_s_reason()
    {
        _api.Serve(KustomizationPath, "flux/kustomization-failed.json");

        Assert.Equal(
            new SyncObservation.Pending("Flux Kustomization flux-system/reviews failed to apply 3f2a9c1 (HealthCheckFailed): health check failed after 3m0s: timeout waiting for: [Deployment/bookinfo/reviews-v2 status: 'InProgress']"),
            await Observe());
    }

    [Fact]
    public async Task A_missing_kustomization_says_how_to_point_at_the_right_one()
    {
        var error = await Assert.ThrowsAsync<GraystepException>(Observe);

        Assert.Equal(
            $"Flux Kustomization flux-system/reviews not found at {_api.Base}: set sync.application (and sync.applicationNamespace) to the Kustomization that applies this rollout's output",
            error.Message);
    }

    [Theory]
    [InlineData("main@sha1:3f2a9c1d5e7b8a0c4d6e2f1a3b5c7d9e0f1a2b3c", true)]
    [InlineData("main/3f2a9c1d5e7b8a0c4d6e2f1a3b5c7d9e0f1a2b3c", true)]
    [InlineData("3f2a9c1d5e7b8a0c4d6e2f1a3b5c7d9e0f1a2b3c", true)]
    [InlineData("main@sha1:03f2a9c1d5e7b8a0c4d6e2f1a3b5c7d9e0f1a2b3c", false)]
    [InlineData("main@sha1:9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c", false)]
    [InlineData("", false)]
    public void Recognises_the_commit_at_the_end_of_flux_revisions(string revision, bool expected) =>
        Assert.Equal(expected, Revisions.EndsWithCommit(revision, Commits.Sha));
}
