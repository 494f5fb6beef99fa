using System.Text;

namespace Graystep.Core.Spec;

/// <summary>What Graystep does with a field it accepts.</summary>
internal enum Treatment
{
    /// <summary>It changes what Graystep renders or how it runs the rollout.</summary>
    Honoured,

    /// <summary>Accepted so that a Flagger or Kubernetes file validates as it is, but it changes nothing (yet).</summary>
    NoEffect,
}

/// <summary>One row of the spec reference.</summary>
internal sealed record ReferenceEntry(string Path, Treatment Treatment, string Default, string Meaning);

/// <summary>
/// The spec reference: every field the schema table accepts (<see cref="SpecSchemas"/>), with its default, meaning
/// and what Graystep does with it. docs/spec-reference.md is generated from it, and a test fails when a field of
/// the schema has no row here, so a new field cannot go undocumented.
/// </summary>
internal static class SpecReference
{
    // path | default | treatment (h = honoured, - = no effect) | meaning. Children of metadata are Kubernetes' own.
    private const string Rows = """
        apiVersion | | h | `graystep.io/v1alpha1` for a Rollout; `flagger.app/v1beta1` for a Flagger Canary or MetricTemplate.
        kind | | h | `Rollout`, `Canary` or `MetricTemplate`.
        metadata | | h | Kubernetes object metadata.
        metadata.name | | h | The rollout's name: with the namespace, its id (`namespace/name`), unique across the repository.
        metadata.namespace | default | h | The namespace of the rendered objects.
        metadata.labels | | - | Kubernetes labels of the spec document; the spec is never applied to a cluster.
        metadata.annotations | | - | As labels.
        metadata.generateName | | - | Set by Kubernetes; accepted so that an exported object validates.
        metadata.uid | | - | Set by Kubernetes.
        metadata.resourceVersion | | - | Set by Kubernetes.
        metadata.generation | | - | Set by Kubernetes.
        metadata.creationTimestamp | | - | Set by Kubernetes.
        metadata.deletionTimestamp | | - | Set by Kubernetes.
        metadata.deletionGracePeriodSeconds | | - | Set by Kubernetes.
        metadata.finalizers | | - | Set by Kubernetes.
        metadata.ownerReferences | | - | Set by Kubernetes.
        metadata.managedFields | | - | Set by Kubernetes.
        metadata.selfLink | | - | Set by Kubernetes.
        spec | | h | The rollout.
        spec.provider | istio | h | The traffic provider: `istio`, `nginx`, `gateway-api` or `kubernetes` (blue/green and replica-ratio canary).
        spec.metricsServer | http://prometheus:9090 | h | The Prometheus that the built-in metrics query (`--prometheus` overrides it from a CI runner).
        spec.targetRef | | h | The Deployment the versions are rendered from (a template under the spec's folder).
        spec.targetRef.apiVersion | apps/v1 | h | Must be `apps/v1`.
        spec.targetRef.kind | Deployment | h | Must be `Deployment`.
        spec.targetRef.name | | h | The Deployment's name.
        spec.autoscalerRef | | h | A HorizontalPodAutoscaler in the templates: rendered once per version, targeting that version's Deployment.
        spec.autoscalerRef.apiVersion | autoscaling/v2 | h | The autoscaler's API version.
        spec.autoscalerRef.kind | HorizontalPodAutoscaler | h | Must be `HorizontalPodAutoscaler`.
        spec.autoscalerRef.name | | h | The autoscaler's name.
        spec.autoscalerRef.primaryScalerQueries | | - | Flagger's KEDA queries for the primary; Graystep renders one autoscaler per version from the template.
        spec.autoscalerRef.primaryScalerReplicas | | - | Flagger's primary replica bounds; each version's autoscaler keeps the template's.
        spec.autoscalerRef.primaryScalerReplicas.minReplicas | | - | As primaryScalerReplicas.
        spec.autoscalerRef.primaryScalerReplicas.maxReplicas | | - | As primaryScalerReplicas.
        spec.ingressRef | | h | The Ingress to split (nginx); without it, the one Ingress whose backend is the service.
        spec.ingressRef.apiVersion | networking.k8s.io/v1 | h | The Ingress's API version.
        spec.ingressRef.kind | Ingress | h | Must be `Ingress`.
        spec.ingressRef.name | | h | The Ingress's name.
        spec.routeRef | | - | Flagger's Gloo/Kuma route reference; those providers are not supported.
        spec.routeRef.apiVersion | | - | As routeRef.
        spec.routeRef.kind | | - | As routeRef.
        spec.routeRef.name | | - | As routeRef.
        spec.upstreamRef | | - | Flagger's Gloo upstream reference; Gloo is not supported.
        spec.upstreamRef.apiVersion | | - | As upstreamRef.
        spec.upstreamRef.kind | | - | As upstreamRef.
        spec.upstreamRef.name | | - | As upstreamRef.
        spec.upstreamRef.namespace | | - | As upstreamRef.
        spec.service | | h | The Service in front of the versions.
        spec.service.name | targetRef.name | h | The Service's name, and the host the routing objects route.
        spec.service.port | | h | The Service's port.
        spec.service.portName | http | h | The Service port's name.
        spec.service.appProtocol | | - | Flagger sets it on the generated Services; Graystep keeps the template Service's ports.
        spec.service.trafficDistribution | | - | As appProtocol.
        spec.service.targetPort | port | h | The container port the Service sends to.
        spec.service.portDiscovery | | - | Flagger's port discovery for its generated Services; not used.
        spec.service.headless | | - | Flagger's headless Services; not used.
        spec.service.timeout | | - | Istio route timeout; not rendered yet.
        spec.service.backendTimeout | | - | Gloo/Contour backend timeout; not rendered.
        spec.service.meshName | | - | App Mesh mesh name; App Mesh is not supported.
        spec.service.backends | | - | App Mesh backends; not supported.
        spec.service.hosts | service name | h | The VirtualService's hosts (istio).
        spec.service.delegation | | - | Istio VirtualService delegation; not rendered yet.
        spec.service.match | | - | Istio route match for all traffic; not rendered yet.
        spec.service.retries | | - | Istio retry policy; not rendered yet.
        spec.service.retries.attempts | | - | As retries.
        spec.service.retries.perTryTimeout | | - | As retries.
        spec.service.retries.retryOn | | - | As retries.
        spec.service.rewrite | | - | Istio URI rewrite; not rendered yet.
        spec.service.rewrite.uri | | - | As rewrite.
        spec.service.rewrite.authority | | - | As rewrite.
        spec.service.rewrite.type | | - | As rewrite.
        spec.service.mirror | | - | Flagger's mirror list on the service; Graystep mirrors with analysis.mirror.
        spec.service.headers | | - | Istio header manipulation; not rendered yet.
        spec.service.gateways | | h | The VirtualService's gateways (istio).
        spec.service.gatewayRefs | | h | The HTTPRoute's parent Gateways (gateway-api; required there).
        spec.service.gatewayRefs[].group | gateway.networking.k8s.io | h | The parent's API group.
        spec.service.gatewayRefs[].kind | Gateway | h | The parent's kind.
        spec.service.gatewayRefs[].name | | h | The Gateway's name.
        spec.service.gatewayRefs[].namespace | | h | The Gateway's namespace.
        spec.service.gatewayRefs[].sectionName | | h | The listener of the Gateway.
        spec.service.gatewayRefs[].port | | h | The port of the Gateway.
        spec.service.corsPolicy | | - | Istio CORS policy; not rendered yet.
        spec.service.trafficPolicy | | - | Istio DestinationRule traffic policy; not rendered yet.
        spec.service.apex | | - | Labels and annotations of Flagger's apex Service; not used.
        spec.service.apex.labels | | - | As apex.
        spec.service.apex.annotations | | - | As apex.
        spec.service.primary | | - | Labels and annotations of Flagger's primary Service; not used.
        spec.service.primary.labels | | - | As primary.
        spec.service.primary.annotations | | - | As primary.
        spec.service.canary | | - | Labels and annotations of Flagger's canary Service; not used.
        spec.service.canary.labels | | - | As canary.
        spec.service.canary.annotations | | - | As canary.
        spec.service.unmanagedMetadata | | - | Metadata Flagger leaves alone on its objects; not used.
        spec.service.unmanagedMetadata.annotations | | - | As unmanagedMetadata.
        spec.service.unmanagedMetadata.labels | | - | As unmanagedMetadata.
        spec.analysis | | h | The schedule and the checks. The strategy follows from it, as in Flagger: match + iterations is A/B testing, iterations alone blue/green (with mirror: mirroring), otherwise a weighted canary.
        spec.analysis.interval | 1m | h | Time between two analysis rounds (and steps).
        spec.analysis.iterations | | h | Rounds before promotion, for A/B testing and blue/green.
        spec.analysis.threshold | | h | Failed checks before the rollback.
        spec.analysis.maxWeight | 100 | h | The last weight of a stepWeight ladder.
        spec.analysis.stepWeight | | h | The weight added at each step, up to maxWeight.
        spec.analysis.stepWeights | | h | The canary weights, one step each.
        spec.analysis.stepWeightPromotion | | h | The weight added at each promotion step (Flagger's gradual promotion).
        spec.analysis.mirror | false | h | Mirror traffic to the canary during blue/green.
        spec.analysis.mirrorWeight | | h | The share of traffic mirrored.
        spec.analysis.primaryReadyThreshold | | - | Flagger's pod readiness threshold; the sync gate decides when a commit runs.
        spec.analysis.canaryReadyThreshold | | - | As primaryReadyThreshold.
        spec.analysis.match | | h | A/B rules: requests that match go to the canary.
        spec.analysis.match[].headers | | h | Header conditions.
        spec.analysis.match[].headers{}.exact | | h | The header equals this value.
        spec.analysis.match[].headers{}.prefix | | h | The header starts with this value.
        spec.analysis.match[].headers{}.suffix | | h | The header ends with this value.
        spec.analysis.match[].headers{}.regex | | h | The header matches this RE2 expression.
        spec.analysis.match[].queryParams | | h | Query parameter conditions.
        spec.analysis.match[].queryParams{}.exact | | h | The parameter equals this value.
        spec.analysis.match[].queryParams{}.prefix | | h | The parameter starts with this value.
        spec.analysis.match[].queryParams{}.regex | | h | The parameter matches this RE2 expression.
        spec.analysis.match[].sourceLabels | | - | Istio source workload labels; not rendered yet.
        spec.analysis.metrics | | h | The checks of each round.
        spec.analysis.metrics[].name | | h | `request-success-rate`, `request-duration`, or a name of yours with a query or templateRef.
        spec.analysis.metrics[].interval | 1m | h | The query's window.
        spec.analysis.metrics[].threshold | | h | Flagger's old single bound (a minimum for success rate, a maximum otherwise).
        spec.analysis.metrics[].thresholdRange | | h | The range a passing value lies in.
        spec.analysis.metrics[].thresholdRange.min | | h | Lowest passing value.
        spec.analysis.metrics[].thresholdRange.max | | h | Highest passing value.
        spec.analysis.metrics[].query | | h | A PromQL query of your own.
        spec.analysis.metrics[].templateRef | | h | A MetricTemplate in the repository.
        spec.analysis.metrics[].templateRef.name | | h | The MetricTemplate's name.
        spec.analysis.metrics[].templateRef.namespace | rollout's | h | The MetricTemplate's namespace.
        spec.analysis.metrics[].templateVariables | | h | Values for the template's `{{ variables.* }}`.
        spec.analysis.metrics[].counters | | h | Events and total counters for the sequential judge.
        spec.analysis.metrics[].counters.events | | h | The MetricTemplate that counts bad events.
        spec.analysis.metrics[].counters.events.name | | h | Its name.
        spec.analysis.metrics[].counters.events.namespace | | h | Its namespace.
        spec.analysis.metrics[].counters.total | | h | The MetricTemplate that counts all events.
        spec.analysis.metrics[].counters.total.name | | h | Its name.
        spec.analysis.metrics[].counters.total.namespace | | h | Its namespace.
        spec.analysis.alerts | | - | Flagger's alerts to an AlertProvider; not sent yet.
        spec.analysis.alerts[].name | | - | As alerts.
        spec.analysis.alerts[].severity | | - | As alerts.
        spec.analysis.alerts[].providerRef | | - | As alerts.
        spec.analysis.alerts[].providerRef.name | | - | As alerts.
        spec.analysis.alerts[].providerRef.namespace | | - | As alerts.
        spec.analysis.webhooks | | h | Flagger's webhooks: gates, load tests and rollback hooks.
        spec.analysis.webhooks[].name | | h | The hook's name.
        spec.analysis.webhooks[].type | rollout | h | When it runs: confirm-rollout, pre-rollout, rollout, confirm-traffic-increase, confirm-promotion, post-rollout, rollback, event.
        spec.analysis.webhooks[].muteAlert | false | - | Flagger mutes the hook's alerts; alerts are not sent yet.
        spec.analysis.webhooks[].url | | h | The hook's URL.
        spec.analysis.webhooks[].timeout | 10s | h | How long a call may take.
        spec.analysis.webhooks[].retries | 0 | h | Retries of a failed call.
        spec.analysis.webhooks[].disableTLS | | - | Flagger's plain-HTTP switch for its load tester; the URL's scheme decides.
        spec.analysis.webhooks[].metadata | | h | Sent in the call's body.
        spec.analysis.sessionAffinity | | - | Cookie-based stickiness to the canary; not rendered yet.
        spec.analysis.sessionAffinity.cookieName | | - | As sessionAffinity.
        spec.analysis.sessionAffinity.primaryCookieName | | - | As sessionAffinity.
        spec.analysis.sessionAffinity.domain | | - | As sessionAffinity.
        spec.analysis.sessionAffinity.httpOnly | | - | As sessionAffinity.
        spec.analysis.sessionAffinity.maxAge | | - | As sessionAffinity.
        spec.analysis.sessionAffinity.partitioned | | - | As sessionAffinity.
        spec.analysis.sessionAffinity.path | | - | As sessionAffinity.
        spec.analysis.sessionAffinity.sameSite | | - | As sessionAffinity.
        spec.analysis.sessionAffinity.secure | | - | As sessionAffinity.
        spec.analysis.judge | threshold | h | How a round's metrics are judged: `threshold`, or `sequential` (canary against stable).
        spec.analysis.judge.kind | threshold | h | `threshold` or `sequential`.
        spec.analysis.judge.alpha | 0.01 | h | The sequential test's false-alarm rate.
        spec.analysis.judge.minimumEffect | | h | The smallest degradation worth detecting.
        spec.analysis.judge.maxDuration | | h | How long the judge may stay inconclusive.
        spec.analysis.judge.onInconclusive | hold | h | What happens at maxDuration: `hold`, `promote` or `rollback`.
        spec.analysis.judge.slowRequest | | h | The latency above which a request counts as bad.
        spec.analysis.scaleDownDelay | 30s (Rollout) | h | How long the version that lost its traffic keeps running after the cluster applied the switch; a retire commit removes it. 0s removes it in the switch commit. Rollout only.
        spec.analysis.keepPrevious | false | h | Keep the previous stable version running at 0% after a promotion, so that `graystep rollback` switches back in one commit. Rollout only.
        spec.progressDeadlineSeconds | 600 | h | How long a step may wait (for the cluster, a gate or an approval) before the rollout is rolled back.
        spec.skipAnalysis | false | h | Promote right after the start, without analysis.
        spec.revertOnDeletion | | - | Flagger restores the target when the Canary is deleted; a Graystep rollout lives in Git (see docs/migration.md).
        spec.suspend | false | h | Hold the rollout: `run` decides nothing until it is false.
        spec.output | rendered/ | h | The folder Graystep renders into and the reconciler applies. Rollout only.
        spec.git | | h | How changes reach the branch. Rollout only.
        spec.git.pullRequests | false | h | Open a pull request per change instead of pushing to the branch.
        spec.git.mergeMethod | squash | h | `merge`, `squash` or `rebase`.
        spec.approvals | | h | Reviews that pull requests wait for. Rollout only.
        spec.approvals.promotion | false | h | A reviewer approves the promotion.
        spec.approvals.steps | false | h | A reviewer approves every weight step.
        spec.sync | delay 30s | h | How Graystep knows that the cluster runs a commit. Rollout only.
        spec.sync.kind | delay | h | `none`, `delay`, `argocd` or `flux` (docs/sync-gates.md).
        spec.sync.delay | 30s | h | With `delay`: how long after a commit it counts as applied.
        spec.sync.application | rollout's name | h | The Argo CD Application or Flux Kustomization to read.
        spec.sync.applicationNamespace | argocd / flux-system | h | Its namespace.
        spec.sync.server | | h | The Kubernetes API server (else `GRAYSTEP_KUBE_SERVER` or the pod's service account).
        spec.sync.argocdServer | | h | An Argo CD API server to read instead of the Kubernetes API (else `ARGOCD_SERVER`).
        spec.sync.project | | h | The Argo CD project the Application must belong to.
        status | | - | Set by a controller; Graystep keeps the state in its own status file.
        template:spec | | h | The query and where it runs.
        template:spec.provider | | h | The metrics provider.
        template:spec.provider.type | prometheus | h | `prometheus` (other Flagger providers are refused).
        template:spec.provider.address | spec.metricsServer | h | The Prometheus this template queries.
        template:spec.provider.headers | | - | Extra request headers; not sent yet.
        template:spec.provider.secretRef | | - | A Secret with the provider's credentials; use `GRAYSTEP_PROMETHEUS_TOKEN` instead.
        template:spec.provider.secretRef.name | | - | As secretRef.
        template:spec.provider.region | | - | For cloud providers; not supported.
        template:spec.provider.insecureSkipVerify | | - | Skip TLS verification; not honoured (Graystep always verifies).
        template:spec.query | | h | The PromQL query, with Flagger's `{{ target }}`, `{{ namespace }}`, `{{ interval }}` and `{{ variables.* }}`.
        """;

    public static IReadOnlyDictionary<string, ReferenceEntry> Entries { get; } = Rows
        .Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => line.Split('|', 4))
        .Select(p => new ReferenceEntry(p[0].Trim(), p[2].Trim() == "h" ? Treatment.Honoured : Treatment.NoEffect, p[1].Trim(), p[3].Trim()))
        .ToDictionary(e => e.Path, StringComparer.Ordinal);

    /// <summary>The prefix of a MetricTemplate's rows: its <c>spec</c> is not a rollout's.</summary>
    public const string TemplatePrefix = "template:";

    /// <summary>The row for <paramref name="path"/> of a rollout (or, with <see cref="TemplatePrefix"/>, of a MetricTemplate); null when there is none (a test prevents that).</summary>
    public static ReferenceEntry? For(string path) =>
        Entries.GetValueOrDefault(path)
        ?? (path.StartsWith(TemplatePrefix, StringComparison.Ordinal) && !path.StartsWith(TemplatePrefix + "spec", StringComparison.Ordinal) ? Entries.GetValueOrDefault(path[TemplatePrefix.Length..]) : null);

    /// <summary>docs/spec-reference.md.</summary>
    public static string Markdown()
    {
        var rollout = SpecPaths.Of(SpecSchemas.RolloutDocument);
        var canary = SpecPaths.Of(SpecSchemas.CanaryDocument).Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
        var sb = new StringBuilder();
        sb.Append("# Spec reference\n\n")
            .Append("Generated from the schema table (`src/Graystep.Core/Spec/SpecReference.cs`); a test keeps it in step with the code.\n")
            .Append("Every field Graystep accepts is here, with its type, default and what Graystep does with it:\n\n")
            .Append("- **honoured**: it changes what Graystep renders or how it runs the rollout;\n")
            .Append("- **no effect**: accepted so that a Flagger or Kubernetes file validates as it is, and ignored (the meaning says why).\n\n")
            .Append("Any other field is an error (`graystep validate` exits 3 with file:line:col and a \"did you mean\").\n\n")
            .Append("## Rollout (`graystep.io/v1alpha1`) and Flagger Canary (`flagger.app/v1beta1`)\n\n")
            .Append("A Flagger `Canary` is accepted as it is. Fields marked *Rollout only* are refused in a Canary, with a hint to use the\n")
            .Append("Rollout kind; a Canary's `scaleDownDelay` is 0s, as in Flagger.\n\n");
        Table(sb, rollout.Where(p => !p.Path.StartsWith("metadata.", StringComparison.Ordinal) || p.Path is "metadata.name" or "metadata.namespace"), canary);
        sb.Append("\n`metadata` also accepts the fields Kubernetes sets (`labels`, `annotations`, `uid`, `resourceVersion`, ...), which have no effect.\n\n")
            .Append("## MetricTemplate (`flagger.app/v1beta1`)\n\n");
        Table(sb, SpecPaths.Of(SpecSchemas.MetricTemplateDocument).Where(p => p.Path.StartsWith("spec", StringComparison.Ordinal)), null, TemplatePrefix);
        return sb.ToString();
    }

    private static void Table(StringBuilder sb, IEnumerable<SpecPath> paths, HashSet<string>? canary, string prefix = "")
    {
        sb.Append("| Field | Type | Default | Treatment | Meaning |\n|---|---|---|---|---|\n");
        foreach (var path in paths)
        {
            var entry = For(prefix + path.Path) ?? throw new InvalidOperationException($"the spec reference has no row for {path.Path}");
            var treatment = entry.Treatment == Treatment.Honoured ? "honoured" : "no effect";
            var only = canary is not null && !canary.Contains(path.Path) && !entry.Meaning.Contains("Rollout only", StringComparison.Ordinal) ? " Rollout only." : string.Empty;
            var required = path.Required ? " (required)" : string.Empty;
            sb.Append(Row(path.Path, path.TypeName + required, entry.Default, treatment, entry.Meaning + only));
        }
    }

    private static string Row(string path, string type, string @default, string treatment, string meaning) =>
        $"| `{path}` | {type} | {(string.IsNullOrEmpty(@default) ? string.Empty : "`" + @default + "`")} | {treatment} | {meaning.Replace("|", "\\|", StringComparison.Ordinal)} |\n";
}
