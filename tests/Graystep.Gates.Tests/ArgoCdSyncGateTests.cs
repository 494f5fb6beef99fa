using Graystep.Core.Errors;
using Graystep.Core.Gates;
using Graystep.Core.Spec;
using Graystep.Gates.Sync;
using Graystep.Gates.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Gates.Tests;

public sealed class ArgoCdSyncGateTests : IAsyncLifetime
{
    private const string AppPath = "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/reviews";

    private readonly SocketsHttpHandler _handler = new();
    private readonly FakeTimeProvider _time = new(Commits.At(12, 5, 0));
    private readonly KubeSettings _kube = new() { Token = "ci-token" };
    private FakeKubeApi _api = null!;
    private SyncGateRegistry _gates = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeKubeApi.StartAsync();
        _gates = SyncGates.Create(() => _handler, _time, _kube, new FakeFileSystem());
    }

    public async Task DisposeAsync()
    {
        _handler.Dispose();
        await _api.DisposeAsync();
    }

    private RolloutSpec Spec(string? application = null, string? applicationNamespace = null) =>
        ReviewsSpecs.Reviews(new SyncSpec { Kind = "argocd", Server = _api.Base, Application = application, ApplicationNamespace = applicationNamespace });

    private Task<SyncObservation> Observe(RolloutSpec? spec = null, DateTimeOffset? committedAt = null) =>
        _gates.ObserveAsync(spec ?? Spec(), Commits.Sha, committedAt ?? Commits.CommittedAt, CancellationToken.None);

    [Fact]
    public async Task Waits_for_the_commit_then_for_health_then_reports_when_the_sync_finished()
    {
        _api.Serve(AppPath, "argocd/application-outofsync.json");
        Assert.Equal(new SyncObservation.Pending("Argo CD Application argocd/reviews is at 9b8c7d6, waiting for 3f2a9c1"), await Observe());

        _api.Serve(AppPath, "argocd/application-progressing.json");
        Assert.Equal(
            new SyncObservation.Pending("Argo CD Application argocd/reviews is synced to 3f2a9c1 but Progressing: Deployment/reviews-v2: Waiting for rollout to finish: 0 of 1 updated replicas are available..."),
            await Observe());

        _api.Serve(AppPath, "argocd/application-synced.json");
        Assert.Equal(new SyncObservation.Synced(Commits.At(12, 0, 41)), await Observe());

        Assert.All(_api.Requests, r =>
        {
            Assert.Equal("GET", r.Method);
            Assert.Equal(AppPath, r.PathAndQuery);
            Assert.Equal("Bearer ci-token", r.Header("authorization"));
        });
    }

    [Fact]
    public async Task Degraded_health_is_pending_with_the_reason()
    {
        _api.Serve(AppPath, "argocd/application-degraded.json");

        Assert.Equal(
            new SyncObservation.Pending("Argo CD Application argocd/reviews is synced to 3f2a9c1 but Degraded: Deployment/reviews-v2: Deployment \"reviews-v2\" exceeded its progress deadline"),
            await Observe());
    }

    [Fact]
    public async Task A_multi_source_application_matches_on_its_revisions_list()
    {
        _api.Serve(AppPath, "argocd/application-multisource-synced.json");

        // The last operation synced older revisions, so its finish time does not count: reconciledAt does.
        Assert.Equal(new SyncObservation.Synced(Commits.At(12, 1, 30)), await Observe());
    }

    [Fact]
    public async Task The_synced_time_never_precedes_the_commit()
    {
        _api.Serve(AppPath, "argocd/application-multisource-synced.json");

        Assert.Equal(new SyncObservation.Synced(Commits.At(12, 1, 45)), await Observe(committedAt: Commits.At(12, 1, 45)));
    }

    [Fact]
    public async Task Reads_the_application_named_in_the_spec()
    {
        _api.Serve("/apis/argoproj.io/v1alpha1/namespaces/gitops/applications/bookinfo-reviews", "argocd/application-synced.json");

        Assert.IsType<SyncObservation.Synced>(await Observe(Spec("bookinfo-reviews", "gitops")));
    }

    [Fact]
    public async Task A_missing_application_says_how_to_point_at_the_right_one()
    {
        _api.Answer(AppPath, 404, FakeKubeApi.Status(404, "NotFound", "applications.argoproj.io \"reviews\" not found"));

        var error = await Assert.ThrowsAsync<GraystepException>(() => Observe());

        Assert.Equal(
            $"Argo CD Application argocd/reviews not found at {_api.Base}: set sync.application (and sync.applicationNamespace) to the Application that applies this rollout's output",
            error.Message);
        Assert.Equal(ExitCodes.Failure, error.ExitCode);
        Assert.NotNull(error.Hint);
    }

    [Fact]
    public async Task A_forbidden_read_names_the_permission_to_grant()
    {
        _api.Answer(AppPath, 403, FakeKubeApi.Status(403, "Forbidden",
            "applications.argoproj.io \"reviews\" is forbidden: User \"system:serviceaccount:ci:graystep\" cannot get resource \"applications\" in API group \"argoproj.io\" in the namespace \"argocd\""));

        var error = await Assert.ThrowsAsync<GraystepException>(() => Observe());

        Assert.StartsWith($"the Kubernetes API at {_api.Base} forbids reading Argo CD Application argocd/reviews (403 Forbidden): applications.argoproj.io", error.Message, StringComparison.Ordinal);
        Assert.Equal("grant the identity behind the token 'get' on applications.argoproj.io in namespace argocd", error.Hint);
    }

    [Fact]
    public async Task Rejected_credentials_say_which_token_to_set()
    {
        _api.Answer(AppPath, 401, FakeKubeApi.Status(401, "Unauthorized", "Unauthorized"));

        var error = await Assert.ThrowsAsync<GraystepException>(() => Observe());

        Assert.Equal($"the Kubernetes API at {_api.Base} rejected the credentials (401 Unauthorized) when reading Argo CD Application argocd/reviews", error.Message);
        Assert.Contains("GRAYSTEP_KUBE_TOKEN", error.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("ci-token", error.Message + error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_error_is_pending_so_the_deadline_bounds_it()
    {
        _api.Answer(AppPath, 500, FakeKubeApi.Status(500, "InternalError", "etcdserver: request timed out"));

        Assert.Equal(
            new SyncObservation.Pending($"the Kubernetes API at {_api.Base} answered 500 Internal Server Error for Argo CD Application argocd/reviews: etcdserver: request timed out"),
            await Observe());
    }

    [Fact]
    public async Task An_api_server_that_is_down_is_pending()
    {
        var port = FreePort.Next();
        var spec = ReviewsSpecs.Reviews(new SyncSpec { Kind = "argocd", Server = $"http://127.0.0.1:{port}" });

        Assert.Equal(
            new SyncObservation.Pending($"cannot reach the Kubernetes API at http://127.0.0.1:{port}: connection refused"),
            await Observe(spec));
    }

    [Fact]
    public async Task An_answer_that_is_not_a_kubernetes_object_is_an_error()
    {
        _api.Answer(AppPath, 200, "<html><body>Argo CD</body></html>");

        var error = await Assert.ThrowsAsync<GraystepException>(() => Observe());

        Assert.Equal($"the answer for Argo CD Application argocd/reviews from {_api.Base} is not a Kubernetes object", error.Message);
    }
}
