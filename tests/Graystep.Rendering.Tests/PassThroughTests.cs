using System.Text.Json.Nodes;
using Graystep.Core.Errors;
using Graystep.Rendering.Tests.Support;

namespace Graystep.Rendering.Tests;

/// <summary>
/// Nothing in the templates vanishes: what Graystep does not render its own objects from reaches the output with
/// every field as written. The user's routing object for the service is edited instead (RoutingBaseTests).
/// </summary>
public sealed class PassThroughTests
{
    private readonly ManifestRenderer _renderer = new();

    /// <summary>Eleven kinds beside bookinfo's Deployment and Service (twelve objects the app brings), and tool inputs that are not applied.</summary>
    private const string Extras = """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: reviews, namespace: bookinfo}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: reviews-config, namespace: bookinfo, labels: {app: reviews}}
        data: {ratings.url: "http://ratings:9080", "long.json": '{"a": [1, 2]}'}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: reviews-db, namespace: bookinfo}
        type: Opaque
        stringData: {user: reviews}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: reviews-reader, namespace: bookinfo}
        rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list]}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: reviews-reader, namespace: bookinfo}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reviews-reader}
        subjects: [{kind: ServiceAccount, name: reviews, namespace: bookinfo}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: reviews, namespace: bookinfo}
        spec: {podSelector: {matchLabels: {app: reviews}}, policyTypes: [Ingress]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: reviews-debug, namespace: bookinfo}
        spec:
          rules:
            - host: reviews.example.com
              http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: reviews, port: {number: 9080}}}}]}
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: reviews-cleanup, namespace: bookinfo}
        spec:
          schedule: "0 3 * * *"
          jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: busybox:1.36}]}}}}
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: reviews, namespace: bookinfo}
        spec: {selector: {matchLabels: {app: reviews}}, endpoints: [{port: http, interval: 15s}]}
        ---
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: ratings, namespace: bookinfo}
        spec:
          hosts: [ratings]
          http: [{fault: {delay: {percentage: {value: 10}, fixedDelay: 2s}}, route: [{destination: {host: ratings}}]}]
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: ratings, namespace: bookinfo}
        spec: {maxUnavailable: 1, selector: {matchLabels: {app: ratings}}}
        ---
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources: [rendered/]
        ---
        apiVersion: flagger.app/v1beta1
        kind: AlertProvider
        metadata: {name: on-call, namespace: bookinfo}
        spec: {type: slack, channel: on-call}
        """;

    [Fact]
    public void Every_template_object_reaches_the_output_with_its_fields_as_written()
    {
        var request = RenderCases.Get("istio-canary-w20");
        var extras = Manifests.Parse("templates/extras.yaml", Extras);
        var output = _renderer.Render(request with { Manifests = [.. request.Manifests, .. extras] });

        var written = extras.Where(d => d.Kind is not ("Kustomization" or "AlertProvider")).ToList();
        Assert.Equal(11, written.Count);
        Assert.Equal(
            written.Select(d => $"{d.Kind} {d.Name}").Order(StringComparer.Ordinal),
            output.PassedThrough.Select(p => $"{p.Kind} {p.Name}").Order(StringComparer.Ordinal));
        foreach (var doc in written)
        {
            var file = output.Find($"{doc.Kind!.ToLowerInvariant()}-{doc.Name}.yaml");
            Assert.True(file is not null, $"{doc.Kind} {doc.Name} is missing from {string.Join(", ", output.Paths)}");
            Assert.True(JsonNode.DeepEquals(YamlJson.Convert(doc.Root), YamlJson.Convert(file.Content)), file.Content);
        }

        // The app's own objects are still rendered per version, and the tools' inputs are not applied.
        Assert.Contains("deployment-reviews-v2.yaml", output.Paths);
        Assert.DoesNotContain(output.Paths, p => p.StartsWith("kustomization-", StringComparison.Ordinal) || p.StartsWith("alertprovider-", StringComparison.Ordinal));
        Assert.Contains("  - configmap-reviews-config.yaml", output.Find("kustomization.yaml")!.Content, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifests_in_the_folder_of_another_rollout_stay_out_of_this_ones_output()
    {
        var request = RenderCases.Get("istio-canary-w20");
        var theirs = Manifests.Parse("ratings/templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ratings, namespace: bookinfo}\ndata: {a: b}\n");
        var mine = Manifests.Parse("templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: reviews, namespace: bookinfo}\ndata: {a: b}\n");

        var output = _renderer.Render(request with { Manifests = [.. request.Manifests, .. theirs, .. mine], NotTemplateFolders = ["ratings"] });

        Assert.Equal(["ConfigMap reviews"], output.PassedThrough.Select(p => $"{p.Kind} {p.Name}"));
    }
}
