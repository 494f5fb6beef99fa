using static Graystep.Core.Spec.FieldType;

namespace Graystep.Core.Spec;

/// <summary>
/// The accepted fields, taken from Flagger's Canary and MetricTemplate CRDs (flagger.app/v1beta1) so a Flagger
/// file validates as it is, even where Graystep ignores a field. Graystep's Rollout adds output, git, approvals
/// and sync. Mesh-specific blocks (trafficPolicy, corsPolicy, headers, service.match...) are passed through
/// unchecked, as Flagger hands them to the mesh.
/// </summary>
internal static class SpecSchemas
{
    public static readonly ObjectSchema Metadata = new(
        new Field("name", Text, Required: true),
        new Field("namespace", Text),
        new Field("labels", StringMap),
        new Field("annotations", StringMap),
        new Field("generateName", Text),
        new Field("uid", Text),
        new Field("resourceVersion", Text),
        new Field("generation", Int),
        new Field("creationTimestamp", Any),
        new Field("deletionTimestamp", Any),
        new Field("deletionGracePeriodSeconds", Int),
        new Field("finalizers", StringList),
        new Field("ownerReferences", OpaqueList),
        new Field("managedFields", OpaqueList),
        new Field("selfLink", Text));

    private static readonly ObjectSchema LocalRef = new(
        new Field("apiVersion", Text),
        new Field("kind", Text),
        new Field("name", Text, Required: true));

    private static readonly ObjectSchema CrossNamespaceRef = LocalRef.With(new Field("namespace", Text));

    private static readonly ObjectSchema AutoscalerRef = LocalRef.With(
        new Field("primaryScalerQueries", StringMap),
        new Field("primaryScalerReplicas", Of(new ObjectSchema(
            new Field("minReplicas", Int),
            new Field("maxReplicas", Int)))));

    private static readonly ObjectSchema CustomMetadata = new(
        new Field("labels", StringMap),
        new Field("annotations", StringMap));

    private static readonly ObjectSchema GatewayRef = new(
        new Field("group", Text),
        new Field("kind", Text),
        new Field("name", Text, Required: true),
        new Field("namespace", Text),
        new Field("sectionName", Text),
        new Field("port", Int));

    private static readonly ObjectSchema Service = new(
        new Field("name", Text),
        new Field("port", Int, Required: true),
        new Field("portName", Text),
        new Field("appProtocol", Text),
        new Field("trafficDistribution", Text),
        new Field("targetPort", IntOrString),
        new Field("portDiscovery", Bool),
        new Field("headless", Bool),
        new Field("timeout", Text),
        new Field("backendTimeout", Text),
        new Field("meshName", Text),
        new Field("backends", StringList),
        new Field("hosts", StringList),
        new Field("delegation", Bool),
        new Field("match", OpaqueList),
        new Field("retries", Of(new ObjectSchema(
            new Field("attempts", Int),
            new Field("perTryTimeout", Text),
            new Field("retryOn", Text)))),
        new Field("rewrite", Of(new ObjectSchema(
            new Field("uri", Text),
            new Field("authority", Text),
            new Field("type", Text)))),
        new Field("mirror", OpaqueList),
        new Field("headers", OpaqueMap),
        new Field("gateways", StringList),
        new Field("gatewayRefs", ListOf(Of(GatewayRef))),
        new Field("corsPolicy", OpaqueMap),
        new Field("trafficPolicy", OpaqueMap),
        new Field("apex", Of(CustomMetadata)),
        new Field("primary", Of(CustomMetadata)),
        new Field("canary", Of(CustomMetadata)),
        new Field("unmanagedMetadata", Of(new ObjectSchema(
            new Field("annotations", StringList),
            new Field("labels", StringList)))));

    public static readonly ObjectSchema HeaderMatch = new(
        new Field("exact", Text),
        new Field("prefix", Text),
        new Field("suffix", Text),
        new Field("regex", Text));

    public static readonly ObjectSchema QueryParamMatch = new(
        new Field("exact", Text),
        new Field("prefix", Text),
        new Field("regex", Text));

    public static readonly ObjectSchema Match = new(
        new Field("headers", MapOf(Of(HeaderMatch))),
        new Field("queryParams", MapOf(Of(QueryParamMatch))),
        new Field("sourceLabels", StringMap));

    private static readonly ObjectSchema TemplateRef = new(
        new Field("name", Text, Required: true),
        new Field("namespace", Text));

    private static readonly ObjectSchema Metric = new(
        new Field("name", Text, Required: true),
        new Field("interval", Duration),
        new Field("threshold", Number),
        new Field("thresholdRange", Of(new ObjectSchema(
            new Field("min", Number),
            new Field("max", Number)))),
        new Field("query", Text),
        new Field("templateRef", Of(new ObjectSchema(
            new Field("name", Text, Required: true),
            new Field("namespace", Text)))),
        new Field("templateVariables", StringMap),
        new Field("counters", Of(new ObjectSchema(
            new Field("events", Of(TemplateRef), Required: true),
            new Field("total", Of(TemplateRef), Required: true)))));

    private static readonly ObjectSchema Alert = new(
        new Field("name", Text, Required: true),
        new Field("severity", Text),
        new Field("providerRef", Of(new ObjectSchema(
            new Field("name", Text, Required: true),
            new Field("namespace", Text))), Required: true));

    private static readonly ObjectSchema Webhook = new(
        new Field("name", Text, Required: true),
        new Field("type", Text),
        new Field("muteAlert", Bool),
        new Field("url", Text, Required: true),
        new Field("timeout", Duration),
        new Field("retries", Int),
        new Field("disableTLS", Bool),
        new Field("metadata", StringMap));

    private static readonly ObjectSchema SessionAffinity = new(
        new Field("cookieName", Text, Required: true),
        new Field("primaryCookieName", Text),
        new Field("domain", Text),
        new Field("httpOnly", Bool),
        new Field("maxAge", Int),
        new Field("partitioned", Bool),
        new Field("path", Text),
        new Field("sameSite", Text),
        new Field("secure", Bool));

    public static readonly ObjectSchema Analysis = new(
        new Field("interval", Duration),
        new Field("iterations", Int),
        new Field("threshold", Int),
        new Field("maxWeight", Int),
        new Field("stepWeight", Int),
        new Field("stepWeights", ListOf(Int)),
        new Field("stepWeightPromotion", Int),
        new Field("mirror", Bool),
        new Field("mirrorWeight", Int),
        new Field("primaryReadyThreshold", Int),
        new Field("canaryReadyThreshold", Int),
        new Field("match", ListOf(Of(Match))),
        new Field("metrics", ListOf(Of(Metric))),
        new Field("alerts", ListOf(Of(Alert))),
        new Field("webhooks", ListOf(Of(Webhook))),
        new Field("sessionAffinity", Of(SessionAffinity)),
        new Field("judge", Of(new ObjectSchema(
            new Field("kind", Text),
            new Field("alpha", Number),
            new Field("minimumEffect", Number),
            new Field("maxDuration", Duration),
            new Field("onInconclusive", Text),
            new Field("slowRequest", Duration)))))
    {
        Hints = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["scaleDownDelay"] = "it is a Graystep field (Flagger scales the canary down itself); use apiVersion graystep.io/v1alpha1, kind Rollout to set it",
            ["keepPrevious"] = "it is a Graystep field (Flagger keeps no standby); use apiVersion graystep.io/v1alpha1, kind Rollout to set it",
        },
    };

    /// <summary>The Rollout's analysis: Flagger's, plus how the version that lost its traffic is retired.</summary>
    private static readonly ObjectSchema RolloutAnalysis = Analysis.With(
        new Field("scaleDownDelay", Duration),
        new Field("keepPrevious", Bool));

    private static readonly Field[] CanarySpecFields =
    [
        new Field("provider", Text),
        new Field("metricsServer", Text),
        new Field("targetRef", Of(LocalRef), Required: true),
        new Field("autoscalerRef", Of(AutoscalerRef)),
        new Field("ingressRef", Of(LocalRef)),
        new Field("routeRef", Of(LocalRef)),
        new Field("upstreamRef", Of(CrossNamespaceRef)),
        new Field("service", Of(Service), Required: true),
        new Field("analysis", Of(Analysis), Required: true),
        new Field("progressDeadlineSeconds", Int),
        new Field("skipAnalysis", Bool),
        new Field("revertOnDeletion", Bool),
        new Field("suspend", Bool),
    ];

    private static readonly Field[] GraystepFields =
    [
        new Field("output", Text),
        new Field("git", Of(new ObjectSchema(
            new Field("pullRequests", Bool),
            new Field("mergeMethod", Text)))),
        new Field("approvals", Of(new ObjectSchema(
            new Field("promotion", Bool),
            new Field("steps", Bool)))),
        new Field("sync", Of(new ObjectSchema(
            new Field("kind", Text),
            new Field("delay", Duration),
            new Field("application", Text),
            new Field("applicationNamespace", Text),
            new Field("server", Text),
            new Field("context", Text),
            new Field("argocdServer", Text),
            new Field("project", Text)))),
    ];

    private static readonly ObjectSchema CanarySpec = new(CanarySpecFields)
    {
        Hints = GraystepFields.ToDictionary(
            f => f.Name,
            f => "it is a Graystep field; use apiVersion graystep.io/v1alpha1, kind Rollout to set it",
            StringComparer.Ordinal),
    };

    private static readonly ObjectSchema RolloutSpec = new([
        .. CanarySpecFields.Select(f => f.Name == "analysis" ? f with { Type = Of(RolloutAnalysis) } : f),
        .. GraystepFields]);

    public static readonly FieldType CanaryDocument = Of(Root(CanarySpec));

    public static readonly FieldType RolloutDocument = Of(Root(RolloutSpec));

    public static readonly FieldType MetricTemplateDocument = Of(Root(new ObjectSchema(
        new Field("provider", Of(new ObjectSchema(
            new Field("type", Text, Required: true),
            new Field("address", Text),
            new Field("headers", StringMap),
            new Field("secretRef", Of(new ObjectSchema(new Field("name", Text, Required: true)))),
            new Field("region", Text),
            new Field("insecureSkipVerify", Bool)))),
        new Field("query", Text, Required: true))));

    /// <summary>Flagger's AlertProvider: where alerts go (its CRD requires type, and address or secretRef).</summary>
    public static readonly FieldType AlertProviderDocument = Of(Root(new ObjectSchema(
        new Field("type", Text, Required: true),
        new Field("channel", Text),
        new Field("username", Text),
        new Field("address", Text),
        new Field("proxy", Text),
        new Field("secretRef", Of(new ObjectSchema(new Field("name", Text, Required: true)))))));

    private static ObjectSchema Root(ObjectSchema spec) => new(
        new Field("apiVersion", Text),
        new Field("kind", Text),
        new Field("metadata", Of(Metadata), Required: true),
        new Field("spec", Of(spec), Required: true),
        new Field("status", Any));
}
