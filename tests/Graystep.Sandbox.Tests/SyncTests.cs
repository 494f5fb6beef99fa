using System.Diagnostics;
using System.Net.Http.Json;
using Graystep.Sandbox.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Sandbox.Tests;

public sealed class SyncTests
{
    private static (string, string?)[] Weighted(int canaryWeight) =>
        Rendered.IstioApp("rendered", Rendered.IstioWeighted("reviews", "v1", 100 - canaryWeight, "v2", canaryWeight));

    [Fact]
    public async Task A_commit_is_applied_only_once_the_sync_delay_has_passed_since_it_was_seen()
    {
        using var repo = new GitOpsRepo();
        var sha = repo.Commit("reviews: initialize", Weighted(0));
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var host = new SandboxHost(Sandboxes.Options(repo) with { SyncDelay = TimeSpan.FromSeconds(2) }, clock);

        await host.ReconcileOnceAsync();
        var seen = host.Snapshot();
        Assert.Null(seen.AppliedRevision);
        Assert.Equal(sha, seen.ObservedRevision);
        Assert.Equal(sha, seen.PendingRevision);
        Assert.Equal("OutOfSync", seen.SyncStatus);
        Assert.Empty(seen.Apps);

        clock.Advance(TimeSpan.FromMilliseconds(1900));
        await host.ReconcileOnceAsync();
        Assert.Null(host.AppliedRevision);

        clock.Advance(TimeSpan.FromMilliseconds(100));
        await host.ReconcileOnceAsync();
        var applied = host.Snapshot();
        Assert.Equal(sha, applied.AppliedRevision);
        Assert.Equal("Synced", applied.SyncStatus);
        Assert.Null(applied.PendingRevision);
        Assert.Equal(TimeSpan.FromSeconds(2), applied.Revisions.Single().AppliedAt - applied.Revisions.Single().SeenAt);
    }

    [Fact]
    public async Task Each_seen_commit_is_applied_at_its_own_due_time_and_counters_are_stamped_with_it()
    {
        using var repo = new GitOpsRepo();
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var host = new SandboxHost(Sandboxes.Options(repo) with { SyncDelay = TimeSpan.FromSeconds(10) }, clock);
        var first = repo.Commit("reviews: initialize", Weighted(0));
        await host.ReconcileOnceAsync();
        clock.Advance(TimeSpan.FromSeconds(4));
        var second = repo.Commit("reviews: shift 100% to v2", Weighted(100));
        await host.ReconcileOnceAsync();

        clock.Advance(TimeSpan.FromSeconds(6));
        await host.ReconcileOnceAsync();
        Assert.Equal(first, host.AppliedRevision);
        Assert.Equal("OutOfSync", host.Snapshot().SyncStatus);
        host.SendUserRequests(100);

        clock.Advance(TimeSpan.FromSeconds(4));
        await host.ReconcileOnceAsync();
        Assert.Equal(second, host.AppliedRevision);
        host.SendUserRequests(70);

        var snapshot = host.Snapshot();
        Assert.Equal([first, second], snapshot.Revisions.Select(r => r.Sha));
        Assert.Equal(100, snapshot.App("bookinfo/reviews")!.Version("v1")!.ByRevision[first].Requests);
        Assert.Equal(70, snapshot.CountsSince("bookinfo/reviews", "v2", second).Requests);
        Assert.Equal(0, snapshot.CountsSince("bookinfo/reviews", "v1", second).Requests);
        Assert.Equal(100, snapshot.CountsSince("bookinfo/reviews", "v1", first).Requests);
    }

    [Fact]
    public async Task Only_files_under_the_path_are_applied()
    {
        using var repo = new GitOpsRepo();
        var files = Weighted(0).ToList();
        files.AddRange(Rendered.IstioApp("elsewhere", Rendered.IstioWeighted("reviews", "v1", 0, "v2", 100)).Select(f => (f.Path, (string?)f.Text!.Replace("bookinfo", "other", StringComparison.Ordinal))));
        repo.Commit("two folders", files.ToArray());
        await using var host = await Sandboxes.AppliedAsync(repo);

        Assert.Equal(["bookinfo/reviews"], host.Snapshot().Apps.Select(a => $"{a.Namespace}/{a.Name}"));
    }

    [Fact]
    public async Task A_kustomization_limits_the_folder_to_its_resources_so_the_status_file_is_never_applied()
    {
        using var repo = new GitOpsRepo();
        var files = Weighted(0).ToList();
        files.Add(Rendered.Kustomization("rendered", files.Select(f => Path.GetFileName(f.Item1)).ToArray()));
        files.Add(("rendered/graystep-status.yaml", Rendered.Marker + "phase: Progressing\ncanaryWeight: 20\n"));
        files.Add(Rendered.VirtualService("rendered", "bookinfo", "leftover", Rendered.IstioWeighted("reviews", "v1", 0, "v2", 100)));
        var sha = repo.Commit("reviews: initialize, with a kustomization", files.ToArray());
        await using var host = await Sandboxes.AppliedAsync(repo);

        var snapshot = host.Snapshot();
        Assert.Equal(sha, snapshot.AppliedRevision);
        Assert.Equal(["bookinfo/reviews"], snapshot.Apps.Select(a => $"{a.Namespace}/{a.Name}"));
        Assert.Equal(5, snapshot.Revisions.Single().Objects);
    }

    [Fact]
    public async Task A_commit_with_a_broken_manifest_fails_its_sync_and_the_cluster_keeps_the_last_good_one()
    {
        using var repo = new GitOpsRepo();
        var good = repo.Commit("reviews: 100% v1", Weighted(0));
        await using var host = await Sandboxes.AppliedAsync(repo);
        var bad = repo.Commit("broken", ("rendered/virtualservice-reviews.yaml", Rendered.Marker + "apiVersion: [unclosed\n"));
        await host.ReconcileOnceAsync();
        host.SendUserRequests(50);

        var snapshot = host.Snapshot();
        Assert.Equal(good, snapshot.AppliedRevision);
        Assert.Equal(bad, snapshot.ObservedRevision);
        Assert.Equal("OutOfSync", snapshot.SyncStatus);
        Assert.Contains("virtualservice-reviews.yaml", snapshot.LastError, StringComparison.Ordinal);
        Assert.Equal(50, snapshot.App("bookinfo/reviews")!.Version("v1")!.ByRevision[good].Requests);
    }

    [Fact]
    public async Task Over_http_the_revision_appears_only_after_the_real_sync_delay()
    {
        using var repo = new GitOpsRepo();
        var first = repo.Commit("reviews: initialize", Weighted(0));
        var delay = TimeSpan.FromMilliseconds(1500);
        await using var host = new SandboxHost(Sandboxes.Options(repo) with { SyncDelay = delay, Poll = TimeSpan.FromMilliseconds(100), Rps = 50 });
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(10) };
        await Poll.UntilAsync(async () => (await State(http)).AppliedRevision == first, TimeSpan.FromSeconds(20), "first commit applied");

        var second = repo.Commit("reviews: shift 50% to v2", Weighted(50));
        var pushed = Stopwatch.StartNew();
        await Poll.UntilAsync(async () => (await State(http)).ObservedRevision == second, TimeSpan.FromSeconds(20), "second commit seen");
        var whileWaiting = await State(http);
        Assert.Equal(first, whileWaiting.AppliedRevision);
        Assert.Equal("OutOfSync", whileWaiting.SyncStatus);

        await Poll.UntilAsync(async () => (await State(http)).AppliedRevision == second, TimeSpan.FromSeconds(20), "second commit applied");
        Assert.True(pushed.Elapsed >= delay - TimeSpan.FromMilliseconds(150), $"applied after {pushed.Elapsed}, before the {delay} sync delay");
        var revision = (await State(http)).Revisions.Single(r => r.Sha == second);
        Assert.True(revision.AppliedAt - revision.SeenAt >= delay);

        // The background load generator keeps sending traffic, stamped with the new revision.
        await Poll.UntilAsync(
            async () => (await State(http)).CountsSince("bookinfo/reviews", "v2", second).Requests > 10,
            TimeSpan.FromSeconds(20),
            "user requests reach v2 after the shift");
    }

    private static async Task<SandboxSnapshot> State(HttpClient http) =>
        (await http.GetFromJsonAsync<SandboxSnapshot>("/sandbox/state"))!;
}
