using System.Text.RegularExpressions;
using Graystep.TestKit;

namespace Graystep.EndToEnd.Tests.Harness;

internal enum ExampleStrategy
{
    Canary,
    ABTesting,
    BlueGreen,
}

/// <summary>Who a weighted canary's weight applies to.</summary>
internal enum CanaryAudience
{
    /// <summary>Every user, at the weight.</summary>
    Everyone,

    /// <summary>Only users matching <c>analysis.match</c>, at the weight; the others stay on stable (match + stepWeights).</summary>
    Matching,

    /// <summary>Every user at the weight, and a user the canary answered keeps its cookie (sessionAffinity): at least the weight.</summary>
    Sticky,
}

/// <summary>
/// One folder under examples/ as the end-to-end tests and the e2e benchmark drive it: which spec, which versions,
/// what the plan should look like, and the spec tweaks that turn minutes into seconds.
/// </summary>
internal sealed partial record ExampleCase
{
    /// <summary>Seconds between analysis checks (Flagger's analysis.interval), for every example.</summary>
    public const string StepInterval = "3s";

    /// <summary>The metrics' range window (each metric's interval): a few scrapes at Prometheus' 1s.</summary>
    public const string MetricInterval = "5s";

    public required string Name { get; init; }

    public string SpecFile { get; init; } = "rollout.yaml";

    /// <summary><c>namespace/name</c>, the Graystep-Rollout trailer.</summary>
    public required string RolloutId { get; init; }

    /// <summary>The sandbox's app key: the routed Service's <c>namespace/name</c> (the rollout id unless the rollout is named otherwise).</summary>
    public string AppKey { get => field ?? RolloutId; init; }

    public required string Target { get; init; }

    public required string Container { get; init; }

    /// <summary>The image without its tag; versions get their own tag.</summary>
    public required string Image { get; init; }

    public required string StableVersion { get; init; }

    public required string HealthyVersion { get; init; }

    public required string FaultyVersion { get; init; }

    public required ExampleStrategy Strategy { get; init; }

    /// <summary>The canary weight of each step, in order (0 for every iteration of A/B and blue/green).</summary>
    public required IReadOnlyList<int> StepWeights { get; init; }

    public required int Threshold { get; init; }

    /// <summary>The <c>sync.kind</c> the example's README recommends, which the scenario runs against the sandbox.</summary>
    public string Sync { get; init; } = "argocd";

    public CanaryAudience Audience { get; init; } = CanaryAudience.Everyone;

    /// <summary>Paths the scenario asks the sandbox how it routes (GET /sandbox/route) once the rollback is applied.</summary>
    public IReadOnlyList<string> ProbePaths { get; init; } = [];

    /// <summary>Flagger's load tester: requests per second straight to the canary (blue/green needs it).</summary>
    public double LoadTestRps { get; init; }

    /// <summary>The example's webhooks go to a local receiver (podinfo-flagger: acceptance-test and load-test).</summary>
    public bool HasWebhooks { get; init; }

    /// <summary>Fewer analysis iterations than the example has (A/B, blue/green), to keep a test run short; null keeps them.</summary>
    public int? Iterations { get; init; }

    /// <summary>
    /// The template's <c>version: v1</c> labels rewritten to this (quoted) before seeding; null keeps the example's.
    /// The semantic-version test starts from a <c>1.0.1</c> label, as an image-tagged app would.
    /// </summary>
    public string? TemplateVersionLabel { get; init; }

    /// <summary>The same example with <c>analysis.iterations</c> set to <paramref name="iterations"/>.</summary>
    public ExampleCase WithIterations(int iterations) =>
        Strategy == ExampleStrategy.Canary
            ? throw new InvalidOperationException($"{Name} is a weighted canary: it has no iterations")
            : this with { Iterations = iterations, StepWeights = [.. Enumerable.Repeat(0, iterations)] };

    public static ExampleCase Bookinfo { get; } = new()
    {
        Name = "bookinfo",
        RolloutId = "bookinfo/reviews",
        Target = "reviews",
        Container = "reviews",
        Image = "docker.io/istio/examples-bookinfo-reviews",
        StableVersion = "v1",
        HealthyVersion = "v2",
        FaultyVersion = "v3",
        Strategy = ExampleStrategy.Canary,
        StepWeights = [10, 20, 50],
        Threshold = 5,
    };

    public static ExampleCase ABTesting { get; } = new()
    {
        Name = "ab-testing",
        RolloutId = "test/abtest",
        Target = "abtest",
        Container = "podinfod",
        Image = "ghcr.io/stefanprodan/podinfo",
        StableVersion = "v1",
        HealthyVersion = "v2",
        FaultyVersion = "v3",
        Strategy = ExampleStrategy.ABTesting,
        StepWeights = [.. Enumerable.Repeat(0, 10)],
        Threshold = 5,
    };

    public static ExampleCase K8sDemoNginx { get; } = new()
    {
        Name = "k8sdemo-nginx",
        RolloutId = "k8sdemo/hello",
        Target = "hello",
        Container = "hello",
        Image = "docker.io/hashicorp/http-echo",
        StableVersion = "v1",
        HealthyVersion = "v2",
        FaultyVersion = "v3",
        Strategy = ExampleStrategy.Canary,
        StepWeights = [20, 40, 60],
        Threshold = 3,
        Sync = "flux",
    };

    public static ExampleCase K8sDemoNginxBlueGreen { get; } = new()
    {
        Name = "k8sdemo-nginx-bluegreen",
        RolloutId = "k8sdemo/hello-bluegreen",
        AppKey = "k8sdemo/hello",
        Target = "hello",
        Container = "hello",
        Image = "docker.io/hashicorp/http-echo",
        StableVersion = "v1",
        HealthyVersion = "v2",
        FaultyVersion = "v3",
        Strategy = ExampleStrategy.BlueGreen,
        StepWeights = [0, 0, 0, 0, 0],
        Threshold = 2,
        LoadTestRps = 20,
    };

    public static ExampleCase PodinfoFlagger { get; } = new()
    {
        Name = "podinfo-flagger",
        SpecFile = "podinfo-canary.yaml",
        RolloutId = "test/podinfo",
        Target = "podinfo",
        Container = "podinfod",
        Image = "ghcr.io/stefanprodan/podinfo",
        StableVersion = "6-0-0",
        HealthyVersion = "6-0-1",
        FaultyVersion = "6-0-2",
        Strategy = ExampleStrategy.Canary,
        StepWeights = [10, 20, 30, 40, 50],
        Threshold = 5,
        Sync = "flux",
        HasWebhooks = true,
    };

    public static ExampleCase GatewayApi { get; } = new()
    {
        Name = "gateway-api",
        RolloutId = "test/podinfo-gateway",
        AppKey = "test/podinfo",
        Target = "podinfo",
        Container = "podinfod",
        Image = "ghcr.io/stefanprodan/podinfo",
        StableVersion = "v1",
        HealthyVersion = "v2",
        FaultyVersion = "v3",
        Strategy = ExampleStrategy.Canary,
        StepWeights = [10, 20, 30, 40, 50],
        Threshold = 5,
        Sync = "flux",
    };

    /// <summary>Flagger's podinfo Canary with <c>sessionAffinity</c>: the canary's users keep a cookie that keeps them on it.</summary>
    public static ExampleCase PodinfoSessionAffinity { get; } = PodinfoFlagger with
    {
        Name = "podinfo-session-affinity",
        RolloutId = "sticky/podinfo",
        StepWeights = [25, 50],
        HasWebhooks = false,
        Audience = CanaryAudience.Sticky,
    };

    /// <summary>Flagger's podinfo Canary with <c>match</c> and <c>stepWeights</c>: only insiders take part, at the weights.</summary>
    public static ExampleCase PodinfoMatchWeights { get; } = PodinfoFlagger with
    {
        Name = "podinfo-match-weights",
        RolloutId = "insiders/podinfo",
        StepWeights = [20, 50],
        HasWebhooks = false,
        Audience = CanaryAudience.Matching,
        Sync = "argocd",
    };

    /// <summary>podinfo whose templates hold a ServiceAccount, ConfigMap, HPA, PDB, and the team's own VirtualService and DestinationRule.</summary>
    public static ExampleCase PodinfoTemplates { get; } = PodinfoFlagger with
    {
        Name = "podinfo-templates",
        RolloutId = "shop/podinfo",
        StepWeights = [25, 50],
        HasWebhooks = false,
        ProbePaths = ["/", "/api/v1/info", "/drill"],
        Sync = "argocd",
    };

    public static IReadOnlyList<ExampleCase> All { get; } =
        [Bookinfo, ABTesting, K8sDemoNginx, K8sDemoNginxBlueGreen, PodinfoFlagger, GatewayApi, PodinfoSessionAffinity, PodinfoMatchWeights, PodinfoTemplates];

    /// <summary>The rendered output folder, relative to the repository root (every example keeps the default).</summary>
    public string Output => "rendered";

    public string ImageOf(string version) => $"{Image}:{version}";

    /// <summary>
    /// The spec tweaks, and nothing else: intervals in seconds, the sync gate the README recommends reading the
    /// Argo CD Application or Flux Kustomization the sandbox serves, and, for podinfo-flagger, the MetricTemplate's address and the webhooks' URLs pointed at the
    /// local Prometheus and receiver. Thresholds, steps, matches and metrics stay as written.
    /// </summary>
    /// <param name="judge">An <c>analysis.judge</c> value to add (the decision benchmark's sequential runs); null keeps the example's.</param>
    public string Tweak(string path, string text, Uri sandbox, Uri prometheus, Uri? webhooks, string? judge = null)
    {
        // The version that lost its traffic leaves in the switch commit: these scenarios are about the analysis. The
        // retire and adoption tests replace this line with their delay.
        ArgumentNullException.ThrowIfNull(sandbox);
        ArgumentNullException.ThrowIfNull(prometheus);
        var sync = $"  sync:\n    kind: {Sync}\n    server: {Trim(sandbox)}\n";
        if (path == SpecFile)
        {
            text = AnalysisInterval().Replace(text, "${1}interval: " + StepInterval);
            text = MetricIntervals().Replace(text, "${1}interval: " + MetricInterval);
            text = RetireDelay.Pinned(text);
            if (judge is not null)
            {
                text = AnalysisInterval().Replace(text, "$0\n    judge: " + judge, 1);
            }
            if (Iterations is { } iterations)
            {
                text = IterationsLine().Replace(text, "${1}iterations: " + iterations.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            if (text.Contains("kind: Canary", StringComparison.Ordinal))
            {
                // A Flagger Canary has no field for the sync gate (Graystep gives it a 30s delay); as a Graystep
                // Rollout, which accepts every Canary field, it can read the sandbox's Argo CD Application instead.
                text = text.Replace("apiVersion: flagger.app/v1beta1\nkind: Canary\n", "apiVersion: graystep.io/v1alpha1\nkind: Rollout\n", StringComparison.Ordinal);
                text = text.Replace("\nspec:\n", "\nspec:\n" + sync, StringComparison.Ordinal);
            }
            else
            {
                text = SyncBlock().Replace(text, sync);
            }

            if (webhooks is not null)
            {
                text = WebhookUrl().Replace(text, m => $"{m.Groups[1].Value}{Trim(webhooks)}/{m.Groups[2].Value}");
            }
        }
        else if (TemplateVersionLabel is { } label && text.Contains("kind: Deployment", StringComparison.Ordinal))
        {
            text = text.Replace("version: v1\n", $"version: \"{label}\"\n", StringComparison.Ordinal);
        }
        else if (text.Contains("kind: MetricTemplate", StringComparison.Ordinal))
        {
            text = TemplateAddress().Replace(text, "${1}" + Trim(prometheus));
        }

        return text;
    }

    private static string Trim(Uri uri) => uri.ToString().TrimEnd('/');

    public override string ToString() => Name;

    [GeneratedRegex(@"(?m)^(    )interval: .*$")]
    private static partial Regex AnalysisInterval();

    [GeneratedRegex(@"(?m)^(\s{6,})interval: .*$")]
    private static partial Regex MetricIntervals();

    [GeneratedRegex(@"(?m)^(    )iterations: .*$")]
    private static partial Regex IterationsLine();

    [GeneratedRegex(@"(?m)^  sync:\n(?:    .*\n)+")]
    private static partial Regex SyncBlock();

    [GeneratedRegex(@"(?m)(- name: (\S+)\n(?:[ ]+[a-z]+: .*\n)*?[ ]+url: )http://flagger-loadtester\.test/")]
    private static partial Regex WebhookUrl();

    [GeneratedRegex(@"(?m)^(    address: ).*$")]
    private static partial Regex TemplateAddress();
}
