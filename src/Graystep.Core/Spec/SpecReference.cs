using System.Text;

namespace Graystep.Core.Spec;

/// <summary>What Graystep does with a field it accepts.</summary>
internal enum Treatment
{
    /// <summary>It changes what Graystep renders or how it runs the rollout.</summary>
    Honoured,

    /// <summary>It means nothing without a controller in the cluster: accepted, with a warning that says why.</summary>
    Warned,

    /// <summary>Graystep cannot do what it asks: <c>validate</c> fails on it, saying why and what to use instead.</summary>
    Refused,
}

/// <summary>One row of the spec reference.</summary>
/// <param name="HonouredWith">When set, the field is honoured with these providers only and refused with the others.</param>
internal sealed record ReferenceEntry(string Path, Treatment Treatment, string Default, string Meaning, IReadOnlySet<string>? HonouredWith = null)
{
    /// <summary>The treatment with <paramref name="provider"/>.</summary>
    public Treatment With(string provider) =>
        HonouredWith is null ? Treatment : HonouredWith.Contains(provider) ? Treatment.Honoured : Treatment.Refused;

    /// <summary>How the reference names the treatment.</summary>
    public string Describe() => HonouredWith is null
        ? Treatment switch { Treatment.Honoured => "honoured", Treatment.Warned => "accepted with a warning", _ => "refused" }
        : "honoured with " + string.Join(", ", HonouredWith.Order(StringComparer.Ordinal)) + "; refused with other providers";

    /// <summary>Parses the treatment column: <c>h</c>, <c>w</c>, <c>r</c>, or <c>h:istio,gateway-api</c>.</summary>
    public static ReferenceEntry Parse(string path, string code, string @default, string meaning) => code switch
    {
        "h" => new(path, Treatment.Honoured, @default, meaning),
        "w" => new(path, Treatment.Warned, @default, meaning),
        "r" => new(path, Treatment.Refused, @default, meaning),
        _ when code.StartsWith("h:", StringComparison.Ordinal) =>
            new(path, Treatment.Honoured, @default, meaning, code[2..].Split(',').Select(p => p.Trim()).ToHashSet(StringComparer.Ordinal)),
        _ => throw new InvalidOperationException($"spec reference row {path}: unknown treatment '{code}'"),
    };
}

/// <summary>
/// The spec reference: every field the schema table accepts (<see cref="SpecSchemas"/>), with its default, meaning
/// and what Graystep does with it. docs/spec-reference.md is generated from it, and a test fails when a field of
/// the schema has no row here, so a new field cannot go undocumented.
/// </summary>
internal static class SpecReference
{
    // path | default | treatment | meaning. Treatment: h = honoured, w = accepted with a warning (it means nothing
    // without a controller in the cluster), r = refused (the meaning says why and what to use instead),
    // h:istio = honoured with those providers and refused with the others. Children of metadata are Kubernetes' own.
    private const string Rows = """
        apiVersion | | h | `graystep.io/v1alpha1` for a Rollout; `flagger.app/v1beta1` for a Flagger Canary, MetricTemplate or AlertProvider.
        kind | | h | `Rollout`, `Canary`, `MetricTemplate` or `AlertProvider`.
        metadata | | h | Kubernetes object metadata.
        metadata.name | | h | The rollout's name: with the namespace, its id (`namespace/name`), unique across the repository.
        metadata.namespace | default | h | The namespace of the rendered objects.
        metadata.labels | | w | Labels of the spec document itself; the spec is never applied to a cluster, so they label nothing.
        metadata.annotations | | w | As labels.
        metadata.generateName | | w | Set by Kubernetes; the spec is never applied to a cluster, so it is ignored.
        metadata.uid | | w | Set by Kubernetes; the spec is never applied to a cluster, so it is ignored.
        metadata.resourceVersion | | w | Set by Kubernetes; the spec is never applied to a cluster, so it is ignored.
        metadata.generation | | w | Set by Kubernetes; the spec is never applied to a cluster, so it is ignored.
        metadata.creationTimestamp | | w | Set by Kubernetes; the spec is never applied to a cluster, so it is ignored.
        metadata.deletionTimestamp | | w | Set by Kubernetes; the spec is never applied to a cluster, so it is ignored.
        metadata.deletionGracePeriodSeconds | | w | Set by Kubernetes; the spec is never applied to a cluster, so it is ignored.
        metadata.finalizers | | w | Set by Kubernetes; the spec is never applied to a cluster, so it is ignored.
        metadata.ownerReferences | | w | Set by Kubernetes; the spec is never applied to a cluster, so it is ignored.
        metadata.managedFields | | w | Set by Kubernetes; the spec is never applied to a cluster, so it is ignored.
        metadata.selfLink | | w | Set by Kubernetes; the spec is never applied to a cluster, so it is ignored.
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
        spec.autoscalerRef.primaryScalerQueries | | r | Flagger's KEDA queries for the primary; Graystep renders HorizontalPodAutoscalers only. Remove it.
        spec.autoscalerRef.primaryScalerReplicas | | r | Flagger's bounds for the primary's autoscaler; every version's autoscaler keeps the template's. Set minReplicas and maxReplicas in the HorizontalPodAutoscaler template instead.
        spec.autoscalerRef.primaryScalerReplicas.minReplicas | | r | As primaryScalerReplicas.
        spec.autoscalerRef.primaryScalerReplicas.maxReplicas | | r | As primaryScalerReplicas.
        spec.ingressRef | | h | The Ingress to split (nginx); without it, the one Ingress whose backend is the service.
        spec.ingressRef.apiVersion | networking.k8s.io/v1 | h | The Ingress's API version.
        spec.ingressRef.kind | Ingress | h | Must be `Ingress`.
        spec.ingressRef.name | | h | The Ingress's name.
        spec.routeRef | | r | Flagger's Gloo/Kuma route reference; those providers are not supported. Use provider istio, nginx, gateway-api or kubernetes.
        spec.routeRef.apiVersion | | r | As routeRef.
        spec.routeRef.kind | | r | As routeRef.
        spec.routeRef.name | | r | As routeRef.
        spec.upstreamRef | | r | Flagger's Gloo upstream reference; those providers are not supported. Use provider istio, nginx, gateway-api or kubernetes.
        spec.upstreamRef.apiVersion | | r | As upstreamRef.
        spec.upstreamRef.kind | | r | As upstreamRef.
        spec.upstreamRef.name | | r | As upstreamRef.
        spec.upstreamRef.namespace | | r | As upstreamRef.
        spec.service | | h | The Service in front of the versions.
        spec.service.name | targetRef.name | h | The Service's name, and the host the routing objects route.
        spec.service.port | | h | The Service's port.
        spec.service.portName | http | h | The Service port's name.
        spec.service.appProtocol | | r | Set by Flagger on its generated Services; Graystep does not set it yet. Put a Service with appProtocol on its port in templates/.
        spec.service.trafficDistribution | | r | As appProtocol.
        spec.service.targetPort | port | h | The container port the Service sends to.
        spec.service.portDiscovery | | w | Flagger copies the container ports to its generated Services; Graystep keeps the ports of the Service in templates/ (add one there to expose more ports).
        spec.service.headless | | r | Flagger's headless Services; not supported. Remove it.
        spec.service.timeout | | h:istio,gateway-api | The route timeout, set on every route of the VirtualService (istio) or as timeouts.request on every HTTPRoute rule (gateway-api).
        spec.service.backendTimeout | | r | Gloo/Contour backend timeout; those providers are not supported. Use timeout with provider istio.
        spec.service.meshName | | r | App Mesh's mesh name; App Mesh is not supported.
        spec.service.backends | | r | App Mesh's backends; App Mesh is not supported.
        spec.service.hosts | service name | h | The VirtualService's hosts (istio).
        spec.service.delegation | false | h:istio | Istio VirtualService delegation: the rendered VirtualService has no hosts or gateways, and the root VirtualService you keep (outside the rollout's folder) delegates to it by name and namespace.
        spec.service.match | | h:istio,gateway-api | Conditions for all of the service's traffic, set on every route of the VirtualService (istio) or as the matches of every HTTPRoute rule (gateway-api: uri, method, exact and regex headers and query parameters); A/B matches are merged into them as Flagger does.
        spec.service.retries | | h:istio | The retry policy, set on every route of the VirtualService (istio).
        spec.service.retries.attempts | | h:istio | As retries.
        spec.service.retries.perTryTimeout | | h:istio | As retries.
        spec.service.retries.retryOn | | h:istio | As retries.
        spec.service.rewrite | | h:istio,gateway-api | The URI and authority rewrite, set on every route of the VirtualService (istio) or as a URLRewrite filter on every HTTPRoute rule (gateway-api).
        spec.service.rewrite.uri | | h:istio,gateway-api | As rewrite.
        spec.service.rewrite.authority | | h:istio,gateway-api | As rewrite (the URLRewrite hostname with gateway-api).
        spec.service.rewrite.type | ReplacePrefixMatch | h:gateway-api | The Gateway API path modifier (ReplaceFullPath, ReplacePrefixMatch); Istio's rewrite has none, so it is refused there.
        spec.service.mirror | | r | Flagger's Gateway API mirror list; not supported. Use analysis.mirror (blue/green with mirroring).
        spec.service.headers | | h:istio,gateway-api | Request and response header changes, set on every route of the VirtualService (istio) or as Request/ResponseHeaderModifier filters on every HTTPRoute rule (gateway-api).
        spec.service.gateways | | h | The VirtualService's gateways (istio).
        spec.service.gatewayRefs | | h | The HTTPRoute's parent Gateways (gateway-api; required there).
        spec.service.gatewayRefs[].group | gateway.networking.k8s.io | h | The parent's API group.
        spec.service.gatewayRefs[].kind | Gateway | h | The parent's kind.
        spec.service.gatewayRefs[].name | | h | The Gateway's name.
        spec.service.gatewayRefs[].namespace | | h | The Gateway's namespace.
        spec.service.gatewayRefs[].sectionName | | h | The listener of the Gateway.
        spec.service.gatewayRefs[].port | | h | The port of the Gateway.
        spec.service.corsPolicy | | h:istio | The CORS policy, set on every route of the VirtualService (istio).
        spec.service.trafficPolicy | | h:istio | The DestinationRule's traffic policy (istio): TLS, load balancer, connection pool, outlier detection.
        spec.service.apex | | r | Labels and annotations for Flagger's apex Service; not supported yet. Put them on the Service in templates/.
        spec.service.apex.labels | | r | As apex.
        spec.service.apex.annotations | | r | As apex.
        spec.service.primary | | r | Labels and annotations for Flagger's primary Service; not supported yet. Put them on the Service in templates/.
        spec.service.primary.labels | | r | As primary.
        spec.service.primary.annotations | | r | As primary.
        spec.service.canary | | r | Labels and annotations for Flagger's canary Service; not supported yet. Put them on the Service in templates/.
        spec.service.canary.labels | | r | As canary.
        spec.service.canary.annotations | | r | As canary.
        spec.service.unmanagedMetadata | | w | Metadata Flagger leaves alone on the objects it manages in the cluster; Graystep's objects are exactly what Git holds.
        spec.service.unmanagedMetadata.annotations | | w | As unmanagedMetadata.
        spec.service.unmanagedMetadata.labels | | w | As unmanagedMetadata.
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
        spec.analysis.primaryReadyThreshold | | w | Flagger's pod readiness threshold; the sync gate decides when the cluster runs a commit.
        spec.analysis.canaryReadyThreshold | | w | As primaryReadyThreshold.
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
        spec.analysis.match[].sourceLabels | | r | Istio source workload labels; not supported yet. Match on headers, cookies or query parameters.
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
        spec.analysis.alerts | | h | Flagger's alerts: the rollout's events (started, each step, promoted, rolled back, waiting for approval) sent to an AlertProvider read from the repository (docs/alerts.md). A failed send is logged and never changes the rollout.
        spec.analysis.alerts[].name | | h | The alert's name.
        spec.analysis.alerts[].severity | info | h | The least severe event it gets: `info` (all), `warn` (waiting for approval and rollbacks) or `error` (rollbacks).
        spec.analysis.alerts[].providerRef | | h | The AlertProvider to send to.
        spec.analysis.alerts[].providerRef.name | | h | Its name.
        spec.analysis.alerts[].providerRef.namespace | rollout's | h | Its namespace.
        spec.analysis.webhooks | | h | Flagger's webhooks: gates, load tests and rollback hooks.
        spec.analysis.webhooks[].name | | h | The hook's name.
        spec.analysis.webhooks[].type | rollout | h | When it runs: confirm-rollout, pre-rollout, rollout, confirm-traffic-increase, confirm-promotion, post-rollout, rollback, event.
        spec.analysis.webhooks[].muteAlert | false | h | A closed gate of this hook (confirm-rollout, confirm-traffic-increase, confirm-promotion) sends no waiting-for-approval alert, as in Flagger.
        spec.analysis.webhooks[].url | | h | The hook's URL.
        spec.analysis.webhooks[].timeout | 10s | h | How long a call may take.
        spec.analysis.webhooks[].retries | 0 | h | Retries of a failed call.
        spec.analysis.webhooks[].disableTLS | | w | Flagger's plain-HTTP switch for its load tester; the URL's scheme decides.
        spec.analysis.webhooks[].metadata | | h | Sent in the call's body.
        spec.analysis.sessionAffinity |  | h:istio,gateway-api | Cookie-based stickiness (istio, gateway-api; weighted canary): a user the weights send to the canary gets a cookie and stays on it. The cookie's value follows from the rollout and the canary version, so a re-run renders the same one.
        spec.analysis.sessionAffinity.cookieName |  | h:istio,gateway-api | The cookie's name.
        spec.analysis.sessionAffinity.primaryCookieName |  | h:istio,gateway-api | A cookie for the users the weights send to the primary: they get it from the primary's answers and stay on the primary while the canary runs, as with Flagger.
        spec.analysis.sessionAffinity.domain |  | h:istio,gateway-api | The cookie's Domain attribute.
        spec.analysis.sessionAffinity.httpOnly |  | h:istio,gateway-api | The cookie's HttpOnly attribute.
        spec.analysis.sessionAffinity.maxAge | 86400 | h:istio,gateway-api | The cookie's Max-Age in seconds (Flagger's default, 86400).
        spec.analysis.sessionAffinity.partitioned |  | h:istio,gateway-api | The cookie's Partitioned attribute.
        spec.analysis.sessionAffinity.path |  | h:istio,gateway-api | The cookie's Path attribute.
        spec.analysis.sessionAffinity.sameSite |  | h:istio,gateway-api | The cookie's SameSite attribute.
        spec.analysis.sessionAffinity.secure |  | h:istio,gateway-api | The cookie's Secure attribute.
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
        spec.revertOnDeletion | | w | Flagger restores the target when the Canary is deleted in the cluster; a Graystep rollout lives in Git (see docs/migration.md).
        spec.suspend | false | h | Hold the rollout: `run` decides nothing until it is false.
        spec.output | rendered/ | h | The folder Graystep renders into and the reconciler applies. Rollout only.
        spec.git | | h | How changes reach the branch. Rollout only.
        spec.git.pullRequests | false | h | Open a pull request per change instead of pushing to the branch.
        spec.git.mergeMethod | squash | h | `merge`, `squash` or `rebase`.
        spec.approvals | | h | Reviews that pull requests wait for. Rollout only.
        spec.approvals.promotion | false | h | A reviewer approves the promotion.
        spec.approvals.steps | false | h | A reviewer approves every weight step.
        spec.sync | delay 30s | h | How Graystep knows that the cluster runs a commit. Rollout only.
        spec.sync.kind | delay | h | `none`, `delay`, `argocd`, `flux` or `kubernetes` (docs/sync-gates.md).
        spec.sync.delay | 30s | h | With `delay`: how long after a commit it counts as applied.
        spec.sync.application | rollout's name | h | The Argo CD Application or Flux Kustomization to read.
        spec.sync.applicationNamespace | argocd / flux-system | h | Its namespace.
        spec.sync.server | | h | The Kubernetes API server for `argocd`, `flux` and `kubernetes` (else `GRAYSTEP_KUBE_API`, the kubeconfig's context, or the pod's service account).
        spec.sync.context | kubeconfig's current-context | h | The kubeconfig context to read the cluster with; `--context` wins.
        spec.sync.argocdServer | | h | An Argo CD API server to read instead of the Kubernetes API (else `ARGOCD_SERVER`).
        spec.sync.project | | h | The Argo CD project the Application must belong to.
        status | | w | Set by Flagger in the cluster; Graystep keeps the state in its own status file.
        template:spec | | h | The query and where it runs.
        template:spec.provider | | h | The metrics provider.
        template:spec.provider.type | prometheus | h | `prometheus` (other Flagger providers are refused).
        template:spec.provider.address | spec.metricsServer | h | The Prometheus this template queries; `--prometheus-map IN_CLUSTER=REACHABLE` redirects it from a CI runner outside the cluster.
        template:spec.provider.headers | | h | Extra request headers, sent with every query of this template (`X-Scope-OrgID` for Mimir or Cortex); their values are masked.
        template:spec.provider.secretRef | | h | The Secret with the provider's credentials (Flagger's keys `address`, `username`, `password`, `token`, `bearerToken`). From the pipeline's `GRAYSTEP_SECRET_<NAME>_<KEY>` variables (`prom-auth` and `token`: `GRAYSTEP_SECRET_PROM_AUTH_TOKEN`), else read from the cluster when the runner has access (docs/metrics.md); masked everywhere.
        template:spec.provider.secretRef.name | | h | The Secret's name.
        template:spec.provider.region | | r | For cloud metric providers; only prometheus is supported.
        template:spec.provider.insecureSkipVerify | | h | Skip TLS verification for this template's Prometheus only (a self-signed in-house server); every other address is verified.
        template:spec.query | | h | The PromQL query, with Flagger's `{{ target }}`, `{{ namespace }}`, `{{ interval }}` and `{{ variables.* }}`.
        alertprovider:spec | | h | Flagger's AlertProvider: where alerts go (docs/alerts.md). It is read, never rendered into the output.
        alertprovider:spec.type | | h | `slack`, `msteams`, `discord`, `rocket`, `gchat`, or `generic` (Graystep's: Flagger's event webhook JSON).
        alertprovider:spec.channel | general | h | The Slack, Discord or Rocket.Chat channel.
        alertprovider:spec.username | graystep | h | The name the message is posted as (Slack, Discord, Rocket.Chat).
        alertprovider:spec.address | | h | The webhook URL; masked in all output, as it holds a token.
        alertprovider:spec.proxy | | h | An HTTP proxy for this provider's calls.
        alertprovider:spec.secretRef | | h | The Secret with the address (Flagger's key `address`). The runner cannot read cluster Secrets: the pipeline sets `GRAYSTEP_SECRET_<NAME>_ADDRESS` (`slack-url`: `GRAYSTEP_SECRET_SLACK_URL_ADDRESS`); masked everywhere.
        alertprovider:spec.secretRef.name | | h | The Secret's name.
        """;

    public static IReadOnlyDictionary<string, ReferenceEntry> Entries { get; } = Rows
        .Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => line.Split('|', 4))
        .Select(p => ReferenceEntry.Parse(p[0].Trim(), p[2].Trim(), p[1].Trim(), p[3].Trim()))
        .ToDictionary(e => e.Path, StringComparer.Ordinal);

    /// <summary>The prefix of a MetricTemplate's rows: its <c>spec</c> is not a rollout's.</summary>
    public const string TemplatePrefix = "template:";

    /// <summary>The prefix of a Flagger AlertProvider's rows.</summary>
    public const string AlertProviderPrefix = "alertprovider:";

    /// <summary>The row for <paramref name="path"/> of a rollout (or, with <see cref="TemplatePrefix"/>, of a MetricTemplate); null when there is none (a test prevents that).</summary>
    public static ReferenceEntry? For(string path) =>
        Entries.GetValueOrDefault(path)
        ?? Outside(path, TemplatePrefix) ?? Outside(path, AlertProviderPrefix);

    /// <summary>A Flagger object's apiVersion, kind and metadata have the rollout's rows; only its spec is its own.</summary>
    private static ReferenceEntry? Outside(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.Ordinal) && !path.StartsWith(prefix + "spec", StringComparison.Ordinal) ? Entries.GetValueOrDefault(path[prefix.Length..]) : null;

    /// <summary>docs/spec-reference.md.</summary>
    public static string Markdown()
    {
        var rollout = SpecPaths.Of(SpecSchemas.RolloutDocument);
        var canary = SpecPaths.Of(SpecSchemas.CanaryDocument).Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
        var sb = new StringBuilder();
        sb.Append("# Spec reference\n\n")
            .Append("Generated from the schema table (`src/Graystep.Core/Spec/SpecReference.cs`); a test keeps it in step with the code.\n")
            .Append("Every field Graystep accepts is here, with its type, default and what Graystep does with it:\n\n")
            .Append("- **honoured**: it changes what Graystep renders or how it runs the rollout. *Honoured with istio* means that\n")
            .Append("  the other providers refuse it;\n")
            .Append("- **accepted with a warning**: it means nothing without a controller in the cluster; `validate` and `render`\n")
            .Append("  print `file:line:col: warning: ...` with the reason, and the exit code stays 0;\n")
            .Append("- **refused**: Graystep cannot do what it asks, and will not drop it silently. `graystep validate` exits 3 with\n")
            .Append("  file:line:col, the reason and what to use instead. A refused switch that is off (`headless: false`) is accepted.\n\n")
            .Append("Any other field is an error too (exit 3 with file:line:col and a \"did you mean\"). Every property of Flagger's CRD\n")
            .Append("(Canary, MetricTemplate, AlertProvider) has a row here or sits inside a block that is copied as written (for\n")
            .Append("example `service.trafficPolicy`); a test walks the CRD's schema and fails on a property without one.\n\n")
            .Append("## Rollout (`graystep.io/v1alpha1`) and Flagger Canary (`flagger.app/v1beta1`)\n\n")
            .Append("A Flagger `Canary` is accepted as it is. Fields marked *Rollout only* are refused in a Canary, with a hint to use the\n")
            .Append("Rollout kind; a Canary's `scaleDownDelay` is 0s, as in Flagger.\n\n");
        Table(sb, rollout.Where(p => !p.Path.StartsWith("metadata.", StringComparison.Ordinal) || p.Path is "metadata.name" or "metadata.namespace"), canary);
        sb.Append("\n`metadata` also accepts the fields Kubernetes sets (`labels`, `annotations`, `uid`, `resourceVersion`, ...), with a warning:\n")
            .Append("the spec document is never applied to a cluster.\n\n")
            .Append("## MetricTemplate (`flagger.app/v1beta1`)\n\n");
        Table(sb, SpecPaths.Of(SpecSchemas.MetricTemplateDocument).Where(p => p.Path.StartsWith("spec", StringComparison.Ordinal)), null, TemplatePrefix);
        sb.Append("\n## AlertProvider (`flagger.app/v1beta1`)\n\n");
        Table(sb, SpecPaths.Of(SpecSchemas.AlertProviderDocument).Where(p => p.Path.StartsWith("spec", StringComparison.Ordinal)), null, AlertProviderPrefix);

        return sb.ToString();
    }

    private static void Table(StringBuilder sb, IEnumerable<SpecPath> paths, HashSet<string>? canary, string prefix = "")
    {
        sb.Append("| Field | Type | Default | Treatment | Meaning |\n|---|---|---|---|---|\n");
        foreach (var path in paths)
        {
            var entry = For(prefix + path.Path) ?? throw new InvalidOperationException($"the spec reference has no row for {path.Path}");
            var treatment = entry.Describe();
            var only = canary is not null && !canary.Contains(path.Path) && !entry.Meaning.Contains("Rollout only", StringComparison.Ordinal) ? " Rollout only." : string.Empty;
            var required = path.Required ? " (required)" : string.Empty;
            sb.Append(Row(path.Path, path.TypeName + required, entry.Default, treatment, entry.Meaning + only));
        }
    }

    private static string Row(string path, string type, string @default, string treatment, string meaning) =>
        $"| `{path}` | {type} | {(string.IsNullOrEmpty(@default) ? string.Empty : "`" + @default + "`")} | {treatment} | {meaning.Replace("|", "\\|", StringComparison.Ordinal)} |\n";
}
