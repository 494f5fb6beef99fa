using System.Text.Json.Nodes;
using Graystep.Core.Errors;
using Graystep.Core.Gates;
using Graystep.Core.Manifests;
using Graystep.Core.Spec;
using Graystep.Gates.Sync;
using Graystep.Gates.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Gates.Tests;

/// <summary>
/// <c>sync.kind: kubernetes</c> against a Kubernetes API stand-in on 127.0.0.1: the committed objects are real
/// rendered YAML, the cluster's answers are those objects as the API server stores them, with a Deployment status.
/// </summary>
public sealed class KubernetesSyncGateTests : IAsyncLifetime
{
    private const string DeploymentPath = "/apis/apps/v1/namespaces/bookinfo/deployments/reviews-v2";
    private const string VirtualServicePath = "/apis/networking.istio.io/v1beta1/namespaces/bookinfo/virtualservices/reviews";
    private const string ServicePath = "/api/v1/namespaces/bookinfo/services/reviews-canary";

    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: reviews-v2
          namespace: bookinfo
        spec:
          replicas: 2
          template:
            spec:
              containers:
                - name: reviews
                  image: docker.io/istio/examples-bookinfo-reviews:v2
        """;

    private const string VirtualService = """
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata:
          name: reviews
          namespace: bookinfo
        spec:
          hosts:
            - reviews
          http:
            - match:
                - headers:
                    end-user:
                      exact: jason
              route:
                - destination:
                    host: reviews
                    subset: v2
            - route:
                - destination:
                    host: reviews
                    subset: v1
                  weight: 90
                - destination:
                    host: reviews
                    subset: v2
                  weight: 10
        """;

    private const string Service = """
        apiVersion: v1
        kind: Service
        metadata:
          name: reviews-canary
          namespace: bookinfo
        spec:
          selector:
            app: reviews
            version: v2
          ports:
            - name: http
              port: 9080
              targetPort: http
        """;

    private readonly SocketsHttpHandler _handler = new();
    private readonly FakeTimeProvider _time = new(Commits.At(12, 0, 10));
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

    [Fact]
    public async Task A_cluster_that_runs_every_committed_object_is_synced_since_the_gate_first_saw_it()
    {
        ServeAll();

        Assert.Equal(new SyncObservation.Synced(Commits.At(12, 0, 10)), await Observe());
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(new SyncObservation.Synced(Commits.At(12, 0, 10)), await Observe());

        Assert.Equal(
            [DeploymentPath, VirtualServicePath, ServicePath],
            _api.Requests.Take(3).Select(r => r.PathAndQuery).ToArray());
    }

    [Theory]
    [InlineData("metadata", "generation", 3, "Deployment bookinfo/reviews-v2: the Deployment controller has not seen generation 3 yet (it has seen 2)")]
    [InlineData("status", "updatedReplicas", 1, "Deployment bookinfo/reviews-v2 is rolling out: 1 updated, 2 ready, 2 available of 2 replicas")]
    [InlineData("status", "readyReplicas", 1, "Deployment bookinfo/reviews-v2 is rolling out: 2 updated, 1 ready, 2 available of 2 replicas")]
    [InlineData("status", "availableReplicas", 0, "Deployment bookinfo/reviews-v2 is rolling out: 2 updated, 2 ready, 0 available of 2 replicas")]
    [InlineData("status", "replicas", 3, "Deployment bookinfo/reviews-v2 is rolling out: 1 old replica is still terminating")]
    [InlineData("spec", "replicas", 3, "Deployment bookinfo/reviews-v2 is rolling out: 2 updated, 2 ready, 2 available of 3 replicas")]
    public async Task A_deployment_that_has_not_rolled_out_holds_the_step(string section, string field, int value, string reason)
    {
        ServeAll(deployment: d => d[section]![field] = value);

        Assert.Equal(new SyncObservation.Pending(reason), await Observe());
    }

    [Fact]
    public async Task A_deployment_past_its_progress_deadline_holds_the_step_with_the_controllers_message()
    {
        ServeAll(deployment: d => d["status"]!["conditions"] = new JsonArray(new JsonObject
        {
            ["type"] = "Progressing",
            ["status"] = "False",
            ["reason"] = "ProgressDeadlineExceeded",
            ["message"] = "ReplicaSet \"reviews-v2-5c9d8f7b6d\" has timed out progressing.",
        }));

        // Held, not an error: progressDeadlineSeconds then rolls back, as for an Argo CD Application that is Degraded.
        Assert.Equal(
            new SyncObservation.Pending("Deployment bookinfo/reviews-v2 exceeded its progress deadline (ProgressDeadlineExceeded): ReplicaSet \"reviews-v2-5c9d8f7b6d\" has timed out progressing; see why with 'kubectl describe deployment reviews-v2 -n bookinfo' and its pods' events"),
            await Observe());
    }

    [Fact]
    public async Task A_deployment_with_other_images_is_drift()
    {
        ServeAll(deployment: d => d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "docker.io/istio/examples-bookinfo-reviews:v1");

        Assert.Equal(
            new SyncObservation.Pending("drift: Deployment bookinfo/reviews-v2 container reviews: cluster has image docker.io/istio/examples-bookinfo-reviews:v1, the commit has docker.io/istio/examples-bookinfo-reviews:v2"),
            await Observe());
    }

    [Fact]
    public async Task Weights_the_cluster_did_not_apply_are_drift_with_both_splits()
    {
        ServeAll(virtualService: vs =>
        {
            vs["spec"]!["http"]![1]!["route"]![0]!["weight"] = 100;
            vs["spec"]!["http"]![1]!["route"]![1]!["weight"] = 0;
        });

        Assert.Equal(new SyncObservation.Pending("drift: VirtualService bookinfo/reviews route 1: cluster has v1 100 / v2 0, the commit has 90 / 10"), await Observe());
    }

    [Fact]
    public async Task A_route_the_cluster_lacks_names_both_sides()
    {
        ServeAll(virtualService: vs => vs["spec"]!["http"]![1]!["route"]!.AsArray().RemoveAt(1));

        Assert.Equal(new SyncObservation.Pending("drift: VirtualService bookinfo/reviews route 1: cluster has v1 90, the commit has v1 90 / v2 10"), await Observe());
    }

    [Fact]
    public async Task A_match_that_differs_is_drift_with_the_field_and_both_values()
    {
        ServeAll(virtualService: vs => vs["spec"]!["http"]![0]!["match"]![0]!["headers"]!["end-user"]!["exact"] = "mike");

        Assert.Equal(new SyncObservation.Pending("drift: VirtualService bookinfo/reviews spec.http[0].match[0].headers.end-user.exact: cluster has mike, the commit has jason"), await Observe());
    }

    [Fact]
    public async Task A_field_only_the_cluster_has_is_drift_for_istio_kinds()
    {
        ServeAll(virtualService: vs => vs["spec"]!["http"]![1]!["mirror"] = new JsonObject { ["host"] = "reviews", ["subset"] = "v2" });

        Assert.Equal(new SyncObservation.Pending("drift: VirtualService bookinfo/reviews spec.http[1].mirror: cluster has {\"host\":\"reviews\",\"subset\":\"v2\"}, the commit has none"), await Observe());
    }

    [Fact]
    public async Task A_service_selecting_another_version_is_drift_and_server_defaults_are_not()
    {
        ServeAll(service: s =>
        {
            s["spec"]!["clusterIP"] = "10.96.0.12";
            s["spec"]!["ports"]![0]!["protocol"] = "TCP";
        });
        Assert.IsType<SyncObservation.Synced>(await Observe());

        ServeAll(service: s => s["spec"]!["selector"]!["version"] = "v1");
        Assert.Equal(new SyncObservation.Pending("drift: Service bookinfo/reviews-canary selector: cluster has app=reviews, version=v1, the commit has app=reviews, version=v2"), await Observe());
    }

    [Fact]
    public async Task Nginx_canary_annotations_and_gateway_api_weights_are_compared()
    {
        var ingress = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: podinfo-canary
              namespace: test
              annotations:
                nginx.ingress.kubernetes.io/canary: "true"
                nginx.ingress.kubernetes.io/canary-weight: "10"
            spec:
              ingressClassName: nginx
            """;
        var route = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: podinfo
              namespace: test
            spec:
              rules:
                - backendRefs:
                    - name: podinfo-primary
                      port: 9898
                      weight: 90
                    - name: podinfo-canary
                      port: 9898
                      weight: 10
            """;
        _api.Answer("/apis/networking.k8s.io/v1/namespaces/test/ingresses/podinfo-canary", 200, Cluster(ingress, i => i["metadata"]!["annotations"]!["nginx.ingress.kubernetes.io/canary-weight"] = "0").ToJsonString());
        Assert.Equal(
            new SyncObservation.Pending("drift: Ingress test/podinfo-canary annotation nginx.ingress.kubernetes.io/canary-weight: cluster has 0, the commit has 10"),
            await Observe(ingress));

        // The API server fills in group, kind and a weight of 1 where the commit leaves them out.
        _api.Answer("/apis/gateway.networking.k8s.io/v1/namespaces/test/httproutes/podinfo", 200, Cluster(route, r =>
        {
            foreach (var backend in r["spec"]!["rules"]![0]!["backendRefs"]!.AsArray())
            {
                backend!["group"] = string.Empty;
                backend["kind"] = "Service";
            }

            r["spec"]!["rules"]![0]!["backendRefs"]![1]!.AsObject().Remove("weight");
        }).ToJsonString());
        Assert.Equal(
            new SyncObservation.Pending("drift: HTTPRoute test/podinfo route 0: cluster has podinfo-primary 90 / podinfo-canary 1, the commit has 90 / 10"),
            await Observe(route));
    }

    [Fact]
    public async Task An_object_not_in_the_cluster_yet_holds_the_step()
    {
        ServeAll();
        _api.Answer(ServicePath, 404, FakeKubeApi.Status(404, "NotFound", "services \"reviews-canary\" not found"));

        Assert.Equal(new SyncObservation.Pending("Service bookinfo/reviews-canary is not in the cluster yet"), await Observe());
    }

    [Fact]
    public async Task An_object_without_a_namespace_is_looked_for_in_the_rollouts_namespace_then_in_default()
    {
        var ingress = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: hello
            spec:
              ingressClassName: nginx
            """;
        Assert.Equal(new SyncObservation.Pending("Ingress bookinfo/hello is not in the cluster yet"), await Observe(ingress));

        _api.Answer("/apis/networking.k8s.io/v1/namespaces/default/ingresses/hello", 200, Cluster(ingress, null).ToJsonString());
        Assert.IsType<SyncObservation.Synced>(await Observe(ingress));
        Assert.Equal(
            ["/apis/networking.k8s.io/v1/namespaces/bookinfo/ingresses/hello", "/apis/networking.k8s.io/v1/namespaces/default/ingresses/hello"],
            _api.Requests.TakeLast(2).Select(r => r.PathAndQuery).ToArray());
    }

    [Fact]
    public async Task The_gate_needs_the_commits_objects()
    {
        var gate = Assert.IsType<KubernetesSyncGate>(_gates.Single(g => g.Id == "kubernetes"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => gate.ObserveAsync(Spec, Commits.Sha, Commits.CommittedAt, CancellationToken.None));
    }

    private static RolloutSpec Spec => ReviewsSpecs.Reviews(new SyncSpec { Kind = "kubernetes" });

    private Task<SyncObservation> Observe(params string[] committed)
    {
        var yaml = committed.Length > 0 ? committed : [Deployment, VirtualService, Service];
        IReadOnlyList<ManifestDocument> objects = [.. yaml.SelectMany((text, i) => ManifestReader.Read(new SourceFile($"rendered/{i}.yaml", text)).Documents)];
        return _gates.ObserveAsync(Spec, new SyncCommit(Commits.Sha, Commits.CommittedAt, _ => Task.FromResult(objects)), CancellationToken.None);
    }

    /// <summary>Serves the committed objects as the cluster stores them: a rolled-out Deployment, the rest as applied; each edit first.</summary>
    private void ServeAll(Action<JsonObject>? deployment = null, Action<JsonObject>? virtualService = null, Action<JsonObject>? service = null)
    {
        _api.Answer(DeploymentPath, 200, Cluster(Deployment, d =>
        {
            d["metadata"]!["generation"] = 2;
            d["status"] = new JsonObject
            {
                ["observedGeneration"] = 2,
                ["replicas"] = 2,
                ["updatedReplicas"] = 2,
                ["readyReplicas"] = 2,
                ["availableReplicas"] = 2,
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Progressing", ["status"] = "True", ["reason"] = "NewReplicaSetAvailable" }),
            };
            deployment?.Invoke(d);
        }).ToJsonString());
        _api.Answer(VirtualServicePath, 200, Cluster(VirtualService, virtualService).ToJsonString());
        _api.Answer(ServicePath, 200, Cluster(Service, service).ToJsonString());
    }

    private static JsonObject Cluster(string yaml, Action<JsonObject>? edit)
    {
        var json = (JsonObject)AppliedJson.ToJson(ManifestReader.Read(new SourceFile("cluster.yaml", yaml)).Documents[0].Root)!;
        json["metadata"]!["uid"] = "6f1c2d3e-0000-4000-8000-000000000001";
        edit?.Invoke(json);
        return json;
    }
}
