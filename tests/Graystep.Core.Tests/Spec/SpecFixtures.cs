using Graystep.Core.Manifests;
using Graystep.Core.Spec;
using Graystep.TestKit;

namespace Graystep.Core.Tests.Spec;

/// <summary>Inline YAML fixtures. Line numbers in pinned messages count from the first line of each string.</summary>
internal static class SpecFixtures
{
    public const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: reviews, namespace: bookinfo, labels: {app: reviews, version: v1}}
        spec:
          selector: {matchLabels: {app: reviews}}
          template:
            metadata: {labels: {app: reviews, version: v1}}
            spec:
              containers: [{name: reviews, image: docker.io/istio/examples-bookinfo-reviews-v1:1.20.1}]
        """;

    /// <summary>A valid Graystep rollout. Tests change one line with <see cref="string.Replace(string, string)"/>.</summary>
    public const string Rollout = """
        apiVersion: graystep.io/v1alpha1
        kind: Rollout
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          provider: istio
          targetRef: {kind: Deployment, name: reviews}
          service: {port: 9080, hosts: [reviews], gateways: [mesh]}
          analysis:
            interval: 1m
            threshold: 5
            stepWeights: [10, 20, 50]
            metrics:
              - {name: request-success-rate, interval: 1m, thresholdRange: {min: 99}}
              - {name: request-duration, interval: 30s, thresholdRange: {max: 500}}
          output: rendered/
        """;

    public const string NotFoundTemplate = """
        apiVersion: flagger.app/v1beta1
        kind: MetricTemplate
        metadata: {name: not-found-percentage, namespace: bookinfo}
        spec:
          provider: {type: prometheus, address: http://prometheus:9090}
          query: |
            100 - sum(rate(istio_requests_total{reporter="destination",
              destination_workload_namespace="{{ namespace }}",
              destination_workload="{{ target }}",response_code!="404"}[{{ interval }}]))
            / sum(rate(istio_requests_total{destination_workload="{{ target }}"}[{{ interval }}])) * 100
        """;

    public static SpecSet Load(string rollout, params SourceFile[] more) =>
        SpecLoader.Load([new SourceFile("app/deployment.yaml", Deployment), new SourceFile("app/rollout.yaml", rollout), .. more], StandardProviders.Catalogue);

    public static string[] Problems(SpecSet set) => set.Problems.Select(p => p.ToString()).ToArray();

    /// <summary>Replaces text that must occur exactly once, so a fixture edit cannot silently miss.</summary>
    public static string With(this string yaml, string find, string replace)
    {
        var at = yaml.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0 && yaml.IndexOf(find, at + 1, StringComparison.Ordinal) < 0, "fixture text not found exactly once: " + find);
        return yaml.Replace(find, replace, StringComparison.Ordinal);
    }
}
