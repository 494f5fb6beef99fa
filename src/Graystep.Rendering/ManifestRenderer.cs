using System.Text;
using Graystep.Core.Errors;
using Graystep.Core.Manifests;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using Graystep.Rendering.Routing;
using Graystep.Rendering.Workloads;
using Graystep.Rendering.Yaml;

namespace Graystep.Rendering;

/// <summary>
/// Renders the output folder of one rollout: a Deployment (and autoscaler, disruption budgets) per live version,
/// the provider's Services and routing objects, and a kustomization listing them. Pure and deterministic: the
/// same request gives the same bytes, and a weight change changes only the weight lines.
/// </summary>
public sealed class ManifestRenderer
{
    public const string KustomizationFile = "kustomization.yaml";

    private readonly RouterRegistry _routers;

    public ManifestRenderer()
        : this(Routers.Default)
    {
    }

    public ManifestRenderer(RouterRegistry routers)
    {
        ArgumentNullException.ThrowIfNull(routers);
        _routers = routers;
    }

    /// <exception cref="Core.Errors.GraystepException">Invalid input (exit code 3): the message names the cause and the fix.</exception>
    public RenderedOutput Render(RenderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var spec = request.Spec;
        var router = _routers.For(spec.Provider);
        var provider = router.Descriptor;
        if (!provider.Supports(spec.Strategy))
        {
            throw KubeObject.Invalid(
                $"{spec.File}: the {provider.Id} provider does not support {StrategyName(spec.Strategy)}",
                provider.Strategies.Count == 1 && provider.Supports(Strategy.BlueGreen)
                    ? $"the {provider.Id} provider does blue/green only: use analysis.iterations without match or mirror"
                    : "pick another strategy in the analysis block, or a provider that supports it");
        }

        CheckVersions(request);
        CheckTraffic(request);

        var app = AppManifests.Find(spec, request.Manifests);
        var objects = new List<YamlMap>();
        var split = ReplicaSplitOf(request, provider, app);
        objects.AddRange(WorkloadRenderer.Render(app, spec.Namespace, request.Stable, split?.Stable));
        if (request.Canary is { } canary)
        {
            objects.AddRange(WorkloadRenderer.Render(app, spec.Namespace, canary, split?.Canary));
        }

        foreach (var idle in request.Idle.Where(v => v.Name != request.Stable.Name && v.Name != request.Canary?.Name))
        {
            objects.AddRange(WorkloadRenderer.Render(app, spec.Namespace, idle));
        }

        var context = new RoutingContext(spec, app, request.Stable, request.Canary, request.Traffic);

        // Adopting: while the copy starts, the user's own objects route as they did (their Service selects both);
        // without a Service of theirs nothing routed to the original, so Graystep's routing can start at once.
        var beside = request.Original == OriginalWorkload.BesideCopy && request.Canary is null && app.Service is not null;
        if (!beside)
        {
            var routing = router.Render(context).ToList();
            objects.AddRange(routing);
            objects.AddRange(FlaggerServices(context, routing, request.Manifests));
        }

        Func<Core.Manifests.ManifestDocument, bool> original = request.Original switch
        {
            OriginalWorkload.Gone => _ => false,
            _ when beside => _ => true,
            _ => app.IsWorkload,
        };
        var passed = PassThrough.Objects(request, app, beside ? null : router, context, original).ToList();
        objects.AddRange(passed.Select(p => p.Object));

        var files = new List<RenderedFile>();
        foreach (var obj in objects)
        {
            KubeObject.Normalize(obj);
            var path = KubeObject.FileName(obj);
            if (files.Any(f => string.Equals(f.RelativePath, path, StringComparison.Ordinal)))
            {
                throw KubeObject.Invalid(
                    $"two rendered objects would both be written to {path}",
                    $"rename the manifest that clashes with the {KubeObject.Kind(obj)} {KubeObject.Name(obj)} Graystep renders");
            }

            files.Add(new RenderedFile(path, Document(obj)));
        }

        var edited = app.Bases
            .Select(b => objects.FirstOrDefault(o => KubeObject.Kind(o) == b.Doc.Kind && KubeObject.Name(o) == b.Doc.Name) is { } obj
                ? new EditedObject(b.Doc.Kind!, b.Doc.Name ?? string.Empty, b.Doc.File, b.Doc.Line, KubeObject.FileName(obj), b.What)
                : null)
            .OfType<EditedObject>();
        return Assemble(files) with { PassedThrough = [.. passed.Select(p => p.Source)], Edited = [.. edited] };
    }

    /// <summary>
    /// Flagger's Service names, for every provider: <c>&lt;svc&gt;-primary</c> selects the stable version and, while
    /// there is a canary, <c>&lt;svc&gt;-canary</c> selects it. Webhooks, load tests and queries written for Flagger
    /// (<c>http://podinfo-canary.test:9898/</c>) keep working. A router's or the user's own Service of that name wins.
    /// </summary>
    private static IEnumerable<YamlMap> FlaggerServices(RoutingContext context, IReadOnlyList<YamlMap> routing, IReadOnlyList<Core.Manifests.ManifestDocument> manifests)
    {
        var taken = routing.Where(o => KubeObject.Kind(o) == "Service").Select(KubeObject.Name)
            .Concat(manifests.Where(m => m.Kind == "Service" && !m.IsRendered).Select(m => m.Name ?? string.Empty))
            .ToHashSet(StringComparer.Ordinal);
        if (!taken.Contains(context.ServiceName + "-primary"))
        {
            yield return context.Services.RenderInternal(context.ServiceName + "-primary", context.Stable);
        }

        if (context.Canary is { } canary && !taken.Contains(context.ServiceName + "-canary"))
        {
            yield return context.Services.RenderInternal(context.ServiceName + "-canary", canary);
        }
    }

    /// <summary>An output folder of these files and the kustomization that lists every one of them.</summary>
    public static RenderedOutput Assemble(IEnumerable<RenderedFile> files)
    {
        var all = files.Where(f => f.RelativePath != KustomizationFile).ToList();
        all.Add(new RenderedFile(KustomizationFile, Kustomization(all.Select(f => f.RelativePath))));
        all.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return new RenderedOutput(all);
    }

    /// <summary>
    /// A provider that splits by pod share runs a canary as replicas of both versions behind one Service: the
    /// template's replicas shared out by the weight. Null when the replicas stay as the template has them.
    /// </summary>
    private static ReplicaSplit? ReplicaSplitOf(RenderRequest request, Core.Providers.TrafficProvider provider, AppManifests app)
    {
        if (!provider.SplitsByReplicas || request.Spec.Strategy != Strategy.Canary || request.Canary is null)
        {
            return null;
        }

        var total = app.Target.Map("spec")?.Text("replicas") is { } text && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 1;
        if (total < 2)
        {
            throw KubeObject.Invalid(
                $"the {provider.Id} provider runs a canary as a share of the pods, but Deployment {app.TargetName} has {total} replica{(total == 1 ? string.Empty : "s")}",
                "set spec.replicas to 2 or more on the Deployment (4 gives 25% steps), or use a provider that routes by weight (istio, nginx, gateway-api)");
        }

        if (request.Idle.Count > 0)
        {
            throw KubeObject.Invalid(
                $"the {provider.Id} provider's canary puts every version's pods behind one Service, so the version kept without traffic ({string.Join(", ", request.Idle.Select(v => v.Name))}) would get traffic",
                "remove analysis.keepPrevious for this rollout, or use a provider that routes by weight (istio, nginx, gateway-api)");
        }

        if (app.Autoscaler is not null)
        {
            throw KubeObject.Invalid(
                $"the {provider.Id} provider's canary sets each version's replicas by weight, which the HorizontalPodAutoscaler would change",
                "remove spec.autoscalerRef, or use a provider that routes by weight (istio, nginx, gateway-api)");
        }

        return ReplicaSplit.For(total, request.Traffic.CanaryWeight);
    }

    private static string Document(YamlNode node) =>
        ManifestDocument.RenderedMarker + "\n" + YamlWriter.Write(node);

    private static string Kustomization(IEnumerable<string> resources) => Document(new YamlMap
    {
        ["apiVersion"] = "kustomize.config.k8s.io/v1beta1",
        ["kind"] = "Kustomization",
        ["resources"] = new YamlSeq(resources.Order(StringComparer.Ordinal).Select(r => (YamlNode)r)),
    });

    private static void CheckVersions(RenderRequest request)
    {
        foreach (var version in new[] { request.Stable, request.Canary }.OfType<VersionRef>().Concat(request.Idle))
        {
            if (!VersionName.IsValid(version.Name))
            {
                throw KubeObject.Invalid($"version name {VersionName.Printable(version.Name)} is not a valid label value", VersionName.Rule);
            }
        }

        if (request.Canary is not null)
        {
            VersionName.CheckDistinct(request.Canary.Name, request.Stable.Name, ExitCodes.InvalidSpec);
        }

        if (request.Canary is not null && request.Canary.Name == request.Stable.Name)
        {
            throw KubeObject.Invalid(
                $"the canary version {request.Canary.Name} has the same name as the stable version",
                "give the new version another name (--version)");
        }
    }

    private static void CheckTraffic(RenderRequest request)
    {
        var traffic = request.Traffic;
        if (request.Canary is null)
        {
            return;
        }

        if (traffic.CanaryWeight is < 0 or > 100)
        {
            throw KubeObject.Invalid($"canary weight {traffic.CanaryWeight} is not between 0 and 100", "use a weight from 0 to 100");
        }

        if (traffic.MirrorWeight is < 0 or > 100)
        {
            throw KubeObject.Invalid($"mirror weight {traffic.MirrorWeight} is not between 0 and 100", "use a mirror weight from 0 to 100");
        }

        var strategy = request.Spec.Strategy;
        if (traffic.MatchActive && strategy != Strategy.ABTesting)
        {
            throw new ArgumentException($"MatchActive is set but the strategy is {strategy}", nameof(request));
        }

        if (traffic.MatchActive && request.Spec.Analysis.Match.Count == 0)
        {
            throw KubeObject.Invalid($"{request.Spec.File}: A/B testing needs at least one analysis.match entry", "add analysis.match");
        }

        if (traffic.MirrorActive && strategy != Strategy.BlueGreenMirroring)
        {
            throw new ArgumentException($"MirrorActive is set but the strategy is {strategy}", nameof(request));
        }
    }

    private static string StrategyName(Strategy strategy) => strategy switch
    {
        Strategy.ABTesting => "A/B testing",
        Strategy.BlueGreen => "blue/green",
        Strategy.BlueGreenMirroring => "blue/green with traffic mirroring",
        _ => "canary",
    };
}
