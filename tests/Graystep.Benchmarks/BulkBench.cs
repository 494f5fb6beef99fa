using System.Diagnostics;
using System.Globalization;
using Graystep.Core.Manifests;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using Graystep.Rendering;
using Graystep.TestKit;

namespace Graystep.Benchmarks;

/// <summary>Validate and render 1,000 generated rollouts in one process: total time and peak memory.</summary>
internal static class BulkBench
{
    private static readonly string[] Providers = ["istio", "nginx", "gateway-api", "istio"];

    public static void Run(Action<string> report)
    {
        const int count = 1000;
        var files = Generate(count);
        // One warm-up pass on a small slice so JIT time is not what we measure.
        RenderAll(SpecLoader.Load(files.Take(12).ToList(), StandardProviders.Catalogue));

        GC.Collect();
        var watch = Stopwatch.StartNew();
        var set = SpecLoader.Load(files, StandardProviders.Catalogue);
        var parsed = watch.Elapsed;
        if (set.Problems.Count > 0 || set.Rollouts.Count != count)
        {
            throw new InvalidOperationException($"generated specs are invalid: {set.Problems.Count} problems, {set.Rollouts.Count} rollouts; first: {set.Problems.FirstOrDefault()}");
        }

        var bytes = RenderAll(set);
        watch.Stop();
        var peak = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        report(string.Create(CultureInfo.InvariantCulture,
            $"validate + render {count} generated rollouts in one process: {watch.Elapsed.TotalMilliseconds:0} ms total (validate {parsed.TotalMilliseconds:0} ms, render {(watch.Elapsed - parsed).TotalMilliseconds:0} ms, {bytes / 1024} KiB rendered); peak working set {peak:0} MB; goals < 2 s and < 300 MB"));
    }

    private static long RenderAll(SpecSet set)
    {
        var renderer = new ManifestRenderer();
        long bytes = 0;
        foreach (var spec in set.Rollouts)
        {
            var folder = spec.File[..spec.File.LastIndexOf('/')];
            var manifests = set.Manifests.Where(m => m.File.StartsWith(folder + "/", StringComparison.Ordinal)).ToList();
            var stable = VersionRef.Of("v1", new Dictionary<string, string> { ["app"] = "example/app:1.0.0" });
            var canary = VersionRef.Of("v2", new Dictionary<string, string> { ["app"] = "example/app:2.0.0" });
            var output = renderer.Render(new RenderRequest(spec, manifests, stable, canary, new TrafficSplit(20)));
            bytes += output.Files.Sum(f => (long)f.Content.Length);
        }

        return bytes;
    }

    private static List<SourceFile> Generate(int count)
    {
        var files = new List<SourceFile>(count * 3);
        for (var i = 0; i < count; i++)
        {
            var name = "app" + i.ToString(CultureInfo.InvariantCulture);
            var provider = Providers[i % Providers.Length];
            var folder = $"apps/{name}";
            var service = provider switch
            {
                "gateway-api" => "  service:\n    port: 8080\n    hosts: [app.example.com]\n    gatewayRefs:\n      - name: public\n        namespace: gateways\n",
                "nginx" => "  service:\n    port: 8080\n",
                _ => "  service:\n    port: 8080\n    hosts: [" + name + "]\n    gateways: [mesh]\n",
            };
            files.Add(new SourceFile($"{folder}/rollout.yaml", $"""
                apiVersion: graystep.io/v1alpha1
                kind: Rollout
                metadata:
                  name: {name}
                  namespace: team{i % 17}
                spec:
                  provider: {provider}
                  targetRef:
                    kind: Deployment
                    name: {name}

                """ + (provider == "nginx" ? "  ingressRef:\n    apiVersion: networking.k8s.io/v1\n    kind: Ingress\n    name: " + name + "\n" : string.Empty) + service + $"""
                  analysis:
                    interval: 1m
                    threshold: 5
                    stepWeights: [5, 10, 20, 50]
                    metrics:
                      - name: request-success-rate
                        interval: 1m
                        thresholdRange: {"{"}min: 99{"}"}
                      - name: request-duration
                        interval: 30s
                        thresholdRange: {"{"}max: 500{"}"}
                  output: rendered/

                """));
            files.Add(new SourceFile($"{folder}/templates/deployment.yaml", $"""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: {name}
                  namespace: team{i % 17}
                  labels:
                    app: {name}
                spec:
                  replicas: 2
                  selector:
                    matchLabels:
                      app: {name}
                  template:
                    metadata:
                      labels:
                        app: {name}
                        version: v1
                    spec:
                      containers:
                        - name: app
                          image: example/app:1.0.0
                          ports:
                            - containerPort: 8080
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: {name}
                  namespace: team{i % 17}
                spec:
                  selector:
                    app: {name}
                  ports:
                    - name: http
                      port: 8080
                      targetPort: 8080

                """ + (provider == "nginx" ? $"""
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: {name}
                  namespace: team{i % 17}
                spec:
                  ingressClassName: nginx
                  rules:
                    - host: {name}.example.com
                      http:
                        paths:
                          - path: /
                            pathType: Prefix
                            backend:
                              service:
                                name: {name}
                                port:
                                  number: 8080

                """ : string.Empty)));
        }

        return files;
    }
}
