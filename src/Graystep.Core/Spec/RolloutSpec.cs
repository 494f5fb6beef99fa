using Graystep.Core.Providers;

namespace Graystep.Core.Spec;

/// <summary>Where a spec value came from, so every problem can point at file, line and column.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

public enum SpecKind
{
    /// <summary><c>graystep.io/v1alpha1</c> <c>Rollout</c>.</summary>
    Rollout,

    /// <summary>Flagger's <c>flagger.app/v1beta1</c> <c>Canary</c>, accepted as it is.</summary>
    FlaggerCanary,
}

/// <summary>Derived from the analysis block exactly as Flagger derives it.</summary>
public enum Strategy
{
    /// <summary>Weighted canary: stepWeights, or stepWeight + maxWeight.</summary>
    Canary,

    /// <summary>A/B testing: match + iterations.</summary>
    ABTesting,

    /// <summary>Blue/green: iterations alone.</summary>
    BlueGreen,

    /// <summary>Blue/green with traffic mirroring: iterations + mirror.</summary>
    BlueGreenMirroring,
}

public enum MergeMethod
{
    Merge,
    Squash,
    Rebase,

    /// <summary>Rebase, then a merge commit (Azure Repos' semi-linear <c>rebaseMerge</c>); GitHub has no such merge.</summary>
    RebaseMerge,
}

/// <summary>The rollout spec after parsing and validation. Every field has its default filled in.</summary>
public sealed record RolloutSpec
{
    public required string File { get; init; }

    public required SpecKind Kind { get; init; }

    public required string Name { get; init; }

    public required string Namespace { get; init; }

    /// <summary>The traffic provider <c>spec.provider</c> names, with what it can do (see <see cref="TrafficProvider"/>).</summary>
    public required TrafficProvider Provider { get; init; }

    public required TargetRef TargetRef { get; init; }

    /// <summary>Optional for nginx: the Ingress to split. Flagger's <c>spec.ingressRef</c>.</summary>
    public TargetRef? IngressRef { get; init; }

    /// <summary>Optional: Flagger's <c>spec.autoscalerRef</c>, rendered per version.</summary>
    public TargetRef? AutoscalerRef { get; init; }

    public required ServiceSpec Service { get; init; }

    public string? MetricsServer { get; init; }

    public required AnalysisSpec Analysis { get; init; }

    /// <summary>Output folder, relative to the spec file's folder, always ending in '/'.</summary>
    public required string Output { get; init; }

    public required GitSpec Git { get; init; }

    public required ApprovalSpec Approvals { get; init; }

    public required SyncSpec Sync { get; init; }

    public int ProgressDeadlineSeconds { get; init; } = 600;

    public bool SkipAnalysis { get; init; }

    public bool Suspend { get; init; }

    /// <summary>The spec's own document, for Flagger fields Graystep passes through (trafficPolicy, retries...).</summary>
    public Graystep.Core.Manifests.ManifestDocument? Document { get; init; }

    /// <summary>The target manifest <see cref="TargetRef"/> resolved to, found under the spec file's folder.</summary>
    public Graystep.Core.Manifests.ManifestDocument? Target { get; init; }

    public Strategy Strategy => Analysis.Strategy;

    public string Id => $"{Namespace}/{Name}";
}

public sealed record TargetRef(string Kind, string Name, string? ApiVersion = null);

public sealed record GatewayRef(string Name, string? Namespace = null)
{
    /// <summary>The entry as written (group, kind, sectionName, port too), copied into the HTTPRoute's parentRefs.</summary>
    public YamlDotNet.RepresentationModel.YamlMappingNode? Written { get; init; }
}

public sealed record ServiceSpec
{
    public required int Port { get; init; }

    /// <summary>Container port; a number or a named port. Defaults to <see cref="Port"/>.</summary>
    public string? TargetPort { get; init; }

    public string? PortName { get; init; }

    public IReadOnlyList<string> Hosts { get; init; } = [];

    public IReadOnlyList<string> Gateways { get; init; } = [];

    /// <summary>Gateway API parentRefs (Flagger's <c>service.gatewayRefs</c>).</summary>
    public IReadOnlyList<GatewayRef> GatewayRefs { get; init; } = [];

    /// <summary>Name of the Service to render. Defaults to the target's name, as Flagger does.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Flagger's <c>service.match</c>: conditions for all of the service's traffic, set on every route (istio), with the
    /// A/B conditions merged into them. Kept as written.
    /// </summary>
    public YamlDotNet.RepresentationModel.YamlSequenceNode? Match { get; init; }

    /// <summary>
    /// Flagger's route fields, in Flagger's order, each as written: <c>rewrite</c>, <c>timeout</c>, <c>retries</c>,
    /// <c>corsPolicy</c> and <c>headers</c>, set on every route of the VirtualService (istio).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, YamlDotNet.RepresentationModel.YamlNode>> RouteFields { get; init; } = [];

    /// <summary>
    /// Flagger's <c>service.delegation</c> (istio): the VirtualService is a delegate, with no hosts or gateways of its
    /// own; the team's root VirtualService delegates a route to it.
    /// </summary>
    public bool Delegation { get; init; }

    /// <summary>Flagger's <c>service.trafficPolicy</c>, as written: the DestinationRule's traffic policy (istio).</summary>
    public YamlDotNet.RepresentationModel.YamlMappingNode? TrafficPolicy { get; init; }
}

public sealed record AnalysisSpec
{
    public required Strategy Strategy { get; init; }

    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);

    public int Threshold { get; init; } = 5;

    /// <summary>The canary weights in order. For A/B and blue/green this is empty.</summary>
    public IReadOnlyList<int> StepWeights { get; init; } = [];

    public int? StepWeightPromotion { get; init; }

    /// <summary>Iterations for A/B and blue/green.</summary>
    public int Iterations { get; init; }

    public IReadOnlyList<MatchRule> Match { get; init; } = [];

    public bool Mirror { get; init; }

    public int? MirrorWeight { get; init; }

    public IReadOnlyList<MetricSpec> Metrics { get; init; } = [];

    public IReadOnlyList<WebhookSpec> Webhooks { get; init; } = [];

    /// <summary><c>analysis.alerts</c>: where the rollout's events are sent, each resolved to its AlertProvider.</summary>
    public IReadOnlyList<Alerts.AlertSpec> Alerts { get; init; } = [];

    /// <summary><c>analysis.judge</c>: how metrics are judged; today's threshold rule unless the spec says otherwise.</summary>
    public JudgeSpec Judge { get; init; } = JudgeSpec.Threshold;

    /// <summary>
    /// <c>analysis.scaleDownDelay</c>: how long the version that lost its traffic keeps running after the cluster
    /// applied the switch, so requests the proxies still route to it are served (Argo Rollouts'
    /// <c>scaleDownDelaySeconds</c>). Zero removes it in the same commit that moves the traffic. A Rollout has
    /// <see cref="DefaultScaleDownDelay"/> unless it says otherwise; a Flagger Canary has zero, as Flagger.
    /// </summary>
    public TimeSpan ScaleDownDelay { get; init; }

    /// <summary>Argo Rollouts' default <c>scaleDownDelaySeconds</c>: long enough for every proxy to get new routes.</summary>
    public static TimeSpan DefaultScaleDownDelay { get; } = TimeSpan.FromSeconds(30);

    /// <summary><c>analysis.keepPrevious</c>: after a promotion the previous stable version stays running at zero
    /// traffic as a standby until the next rollout starts, so switching back is one commit.</summary>
    public bool KeepPrevious { get; init; }

    /// <summary>Flagger's <c>analysis.sessionAffinity</c>: users sent to the canary stay on it (istio, weighted canary).</summary>
    public SessionAffinitySpec? SessionAffinity { get; init; }

    /// <summary>Whether the version that lost its traffic is removed by a later retire commit.</summary>
    public bool RetiresLater => ScaleDownDelay > TimeSpan.Zero;

    /// <summary>The number of analysis steps before promotion: weight steps or iterations.</summary>
    public int StepCount => Strategy == Strategy.Canary ? StepWeights.Count : Iterations;
}

public enum JudgeKind
{
    /// <summary>Flagger's rule: each metric against its thresholdRange, rolled back after <c>threshold</c> failed checks.</summary>
    Threshold,

    /// <summary>The canary against the stable version, anytime-valid (<see cref="Analysis.SequentialJudge"/>).</summary>
    Sequential,
}

public enum InconclusiveAction
{
    Hold,
    Promote,
    Rollback,
}

/// <summary><c>analysis.judge</c>.</summary>
public sealed record JudgeSpec
{
    public static JudgeSpec Threshold { get; } = new();

    public JudgeKind Kind { get; init; } = JudgeKind.Threshold;

    /// <summary>The chance of rolling back a healthy canary, over the whole rollout.</summary>
    public double Alpha { get; init; } = 0.01;

    /// <summary>The smallest canary/stable ratio worth catching.</summary>
    public double MinimumEffect { get; init; } = 2;

    /// <summary>How long an inconclusive step may wait before <see cref="OnInconclusive"/> decides.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromMinutes(30);

    public InconclusiveAction OnInconclusive { get; init; } = InconclusiveAction.Hold;

    /// <summary>For request-duration: a request slower than this is a slow request (the histogram bucket's bound).</summary>
    public TimeSpan SlowRequest { get; init; } = TimeSpan.FromMilliseconds(500);

    public bool IsSequential => Kind == JudgeKind.Sequential;
}

public enum StringMatchKind
{
    Exact,
    Prefix,
    Suffix,
    Regex,
}

public sealed record StringMatch(StringMatchKind Kind, string Value);

/// <summary>One of Flagger's <c>analysis.match</c> entries; all conditions inside one entry must hold.</summary>
public sealed record MatchRule
{
    public IReadOnlyDictionary<string, StringMatch> Headers { get; init; } = new SortedDictionary<string, StringMatch>(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, StringMatch> QueryParams { get; init; } = new SortedDictionary<string, StringMatch>(StringComparer.Ordinal);

    /// <summary>
    /// Always empty when parsed: Flagger expresses cookie conditions as the <c>cookie</c> header in
    /// <see cref="Headers"/>, and the spec loader keeps them there.
    /// </summary>
    public IReadOnlyDictionary<string, StringMatch> Cookies { get; init; } = new SortedDictionary<string, StringMatch>(StringComparer.Ordinal);
}

public sealed record ThresholdRange(double? Min, double? Max);

public sealed record MetricSpec
{
    public required string Name { get; init; }

    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);

    public required ThresholdRange ThresholdRange { get; init; }

    public string? TemplateRef { get; init; }

    public string? TemplateNamespace { get; init; }

    public IReadOnlyDictionary<string, string> TemplateVariables { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Inline PromQL (deprecated in Flagger, still accepted).</summary>
    public string? Query { get; init; }

    /// <summary>The MetricTemplate <see cref="TemplateRef"/> resolved to; null for built-in metrics and inline queries.</summary>
    public MetricTemplate? Template { get; init; }

    /// <summary>
    /// Graystep's <c>counters</c>: the two MetricTemplates the sequential judge runs once per version (events and
    /// total); null when the metric is judged by its threshold only, or is a built-in with the provider's counters.
    /// </summary>
    public MetricCounters? Counters { get; init; }
}

/// <summary>A reference to a MetricTemplate by name (and namespace, else the rollout's).</summary>
public sealed record MetricTemplateRef(string Name, string? Namespace)
{
    /// <summary>The MetricTemplate it resolved to during validation; null before.</summary>
    public MetricTemplate? Template { get; init; }
}

/// <summary>
/// The counters the sequential judge compares for a templated metric: <see cref="Events"/> counts the bad events
/// (errors, slow requests) and <see cref="Total"/> every request, each over <c>{{ interval }}</c> for the workload
/// <c>{{ target }}</c>. Both are run once with the canary's workload and once with the stable's.
/// </summary>
public sealed record MetricCounters(MetricTemplateRef Events, MetricTemplateRef Total);

public enum WebhookType
{
    ConfirmRollout,
    PreRollout,
    Rollout,
    ConfirmTrafficIncrease,
    ConfirmPromotion,
    PostRollout,
    Rollback,
    Event,
}

public sealed record WebhookSpec
{
    public required string Name { get; init; }

    /// <summary>Flagger's default type is <c>rollout</c>.</summary>
    public WebhookType Type { get; init; } = WebhookType.Rollout;

    public required Uri Url { get; init; }

    /// <summary>Flagger's default when a hook gives no <c>timeout</c>.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    public bool MuteAlert { get; init; }

    public int Retries { get; init; }
}

public sealed record GitSpec
{
    public bool PullRequests { get; init; }

    public MergeMethod MergeMethod { get; init; } = MergeMethod.Squash;
}

public sealed record ApprovalSpec
{
    public bool Promotion { get; init; }

    public bool Steps { get; init; }
}

public sealed record SyncSpec
{
    /// <summary>The sync kind when the spec names none: a fixed delay, which needs nothing from the cluster.</summary>
    public const string DefaultKind = "delay";

    /// <summary>A registered sync gate's id: <c>none</c>, <c>delay</c>, <c>argocd</c>, <c>flux</c>, <c>kubernetes</c>.</summary>
    public string Kind { get; init; } = DefaultKind;

    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Argo CD Application or Flux Kustomization name; defaults to the rollout's name.</summary>
    public string? Application { get; init; }

    public string? ApplicationNamespace { get; init; }

    /// <summary>Kubernetes API base for the argocd, flux and kubernetes sync gates.</summary>
    public string? Server { get; init; }

    /// <summary>The kubeconfig context whose cluster and user the gate reads with (<c>sync.context</c>); <c>--context</c> wins.</summary>
    public string? Context { get; init; }

    /// <summary>Argo CD's API server (<c>sync.argocdServer</c>): the argocd gate reads the Application there.</summary>
    public string? ArgocdServer { get; init; }

    /// <summary>The Argo CD project of the Application (<c>sync.project</c>), sent to Argo CD's API.</summary>
    public string? Project { get; init; }
}

/// <summary>Flagger's cookie-based session affinity: the cookie's name and attributes.</summary>
public sealed record SessionAffinitySpec
{
    /// <summary>Flagger's default Max-Age: one day.</summary>
    public const int DefaultMaxAge = 86400;

    public required string CookieName { get; init; }

    /// <summary>Flagger's <c>primaryCookieName</c>: users the weights send to the primary get this cookie and stay there.</summary>
    public string? PrimaryCookieName { get; init; }

    public int MaxAge { get; init; } = DefaultMaxAge;

    public string? Domain { get; init; }

    public string? Path { get; init; }

    public string? SameSite { get; init; }

    public bool HttpOnly { get; init; }

    public bool Secure { get; init; }

    public bool Partitioned { get; init; }

    /// <summary>The <c>Set-Cookie</c> value for <paramref name="cookie"/> (<c>name=value</c>), with Flagger's attributes.</summary>
    public string SetCookie(string cookie)
    {
        var parts = new List<string> { cookie, "Max-Age=" + MaxAge.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (Domain is not null)
        {
            parts.Add("Domain=" + Domain);
        }

        if (Path is not null)
        {
            parts.Add("Path=" + Path);
        }

        if (HttpOnly)
        {
            parts.Add("HttpOnly");
        }

        if (Secure)
        {
            parts.Add("Secure");
        }

        if (SameSite is not null)
        {
            parts.Add("SameSite=" + SameSite);
        }

        if (Partitioned)
        {
            parts.Add("Partitioned");
        }

        return string.Join("; ", parts);
    }
}

/// <summary>A Flagger <c>MetricTemplate</c>.</summary>
public sealed record MetricTemplate
{
    /// <summary>Flagger's default metric provider.</summary>
    public const string DefaultProviderType = "prometheus";

    public required string File { get; init; }

    public required string Name { get; init; }

    public required string Namespace { get; init; }

    public string ProviderType { get; init; } = DefaultProviderType;

    public string? Address { get; init; }

    /// <summary>Headers, the Secret of the credentials, and TLS verification (<c>provider.headers</c>, <c>secretRef</c>, <c>insecureSkipVerify</c>).</summary>
    public Analysis.MetricConnection Connection { get; init; } = Analysis.MetricConnection.Default;

    public required string Query { get; init; }
}
