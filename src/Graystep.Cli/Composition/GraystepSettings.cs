using System.Globalization;
using Graystep.CiAgents;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.History;
using Graystep.Core.Providers;
using Graystep.Core.Spec;
using Graystep.Gates.Sync;
using Graystep.Git;

namespace Graystep.Cli.Composition;

public enum OutputFormat
{
    Text,
    Json,
}

/// <summary>
/// What <c>graystep run</c> takes from the environment when its options are not given. The timeout is parsed when
/// <c>run</c> asks for it, so a bad value fails that command only.
/// </summary>
public sealed record RunDefaults(string? Version, IReadOnlyList<string> Images, bool Once, string? TimeoutText)
{
    public TimeSpan? Timeout => TimeoutText is null ? null : GraystepSettings.ParseDuration("--timeout", TimeoutText);
}

/// <summary>
/// Every setting, read once: the global options with their <c>GRAYSTEP_*</c> fallbacks, the CI system and what it
/// says about the job, the git and Kubernetes settings, and the secrets the registered providers declare
/// (<see cref="IReadsSecrets"/>). No other code reads a <c>GRAYSTEP_*</c> variable. A class, not a record: a record's
/// generated ToString would print the secrets.
/// </summary>
public sealed class GraystepSettings : ISecretSource
{
    private const string PollVariable = "GRAYSTEP_PULL_REQUEST_POLL_INTERVAL";

    private readonly Dictionary<SecretSetting, string> _secrets = [];

    private GraystepSettings()
    {
    }

    public string? Repo { get; private init; }

    public string? Branch { get; private init; }

    /// <summary><c>--git-host</c>: a registered host's id, or <c>auto</c>.</summary>
    public string GitHost { get; private init; } = "auto";

    public string? Prometheus { get; private init; }

    /// <summary><c>--prometheus-map</c> pairs, else <c>GRAYSTEP_PROMETHEUS_MAP</c> split at commas: <c>FROM=TO</c>.</summary>
    public IReadOnlyList<string> PrometheusMap { get; private init; } = [];

    /// <summary><c>--azure-url</c>, else <c>GRAYSTEP_AZURE_URL</c>: the Azure DevOps Server collection (the host falls back to SYSTEM_COLLECTIONURI).</summary>
    public Uri? AzureUrl { get; private init; }

    public OutputFormat Output { get; private init; }

    public bool Verbose { get; private init; }

    /// <summary><c>GRAYSTEP_CI</c>: forces the CI agent that writes the output, by id; null or <c>auto</c> detects it.</summary>
    public string? Ci { get; private init; }

    public required GitSettings Git { get; init; }

    public required KubeSettings Kube { get; init; }

    /// <summary>How long to sleep between two looks at a pull request that waits (<c>GRAYSTEP_PULL_REQUEST_POLL_INTERVAL</c>).</summary>
    public TimeSpan PullRequestPollInterval => PullRequestPollText is { } text && ParseDuration(PollVariable, text) is var poll && poll > TimeSpan.Zero
        ? poll
        : TimeSpan.FromSeconds(30);

    private string? PullRequestPollText { get; init; }

    public required RunDefaults Run { get; init; }

    /// <summary>Every secret value in reach (options and variables alike), for the output paths to mask.</summary>
    public IReadOnlyList<string> SecretValues { get; private init; } = [];

    public string? Get(SecretSetting setting) => _secrets.GetValueOrDefault(setting);

    /// <summary>The settings before any option is parsed: enough to build the command line.</summary>
    public static GraystepSettings Unread { get; } = new()
    {
        Git = new GitSettings { WorkspaceRoot = Path.GetTempPath() },
        Kube = new KubeSettings(),
        Run = new RunDefaults(null, [], false, null),
    };

    /// <summary>
    /// Reads the settings: each option, else its variable, else the default. <paramref name="secrets"/> are the
    /// secrets the registered providers declare; <paramref name="ciAgents"/> says what the CI system tells the job.
    /// </summary>
    public static GraystepSettings Read(IEnvironment environment, GlobalValues options, IReadOnlyList<SecretSetting> secrets, CiAgentRegistry ciAgents)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(ciAgents);
        string? Env(string name) => environment.GetVariable(name) is { Length: > 0 } value ? value : null;

        var output = options.Output ?? Env("GRAYSTEP_OUTPUT") ?? "text";
        var format = output.ToLowerInvariant() switch
        {
            "text" => OutputFormat.Text,
            "json" => OutputFormat.Json,
            _ => throw new GraystepException($"-o {output}: unknown output format", ExitCodes.Usage, "use -o text or -o json"),
        };

        // What the environment says about the job, whatever GRAYSTEP_CI forces for the output: who it runs for, and
        // whether a CI system runs it at all (only then may its checkout be reused in place).
        var ci = Env(CiAgentRegistry.OverrideVariable)?.Trim();
        var job = ciAgents.Resolve(null, environment).ReadContext(environment);
        var inCi = ciAgents.Providers.Any(a => a.ReadContext(environment).InCi);

        // The secrets first: a provider's settings may hold one (the Kubernetes token).
        var resolved = new Dictionary<SecretSetting, string>();
        var values = new List<string>();
        foreach (var setting in secrets.Distinct())
        {
            var given = setting.Option is { } option && options.Secrets.TryGetValue(option, out var fromOption) && !string.IsNullOrEmpty(fromOption) ? fromOption : null;
            var value = given ?? setting.Variables.Select(Env).FirstOrDefault(v => v is not null);
            if (value is not null)
            {
                resolved[setting] = value;
            }

            values.AddRange(setting.Variables.Select(Env).Prepend(given).OfType<string>());
        }

        var settings = new GraystepSettings
        {
            Repo = options.Repo ?? Env("GRAYSTEP_REPO"),
            Branch = options.Branch ?? Env("GRAYSTEP_BRANCH"),
            GitHost = (options.GitHost ?? Env("GRAYSTEP_GIT_HOST") ?? "auto").ToLowerInvariant(),
            Prometheus = options.Prometheus ?? Env("GRAYSTEP_PROMETHEUS"),
            PrometheusMap = options.PrometheusMap.Count > 0 ? options.PrometheusMap
                : (Env("GRAYSTEP_PROMETHEUS_MAP") ?? string.Empty).Split([',', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            AzureUrl = AbsoluteUrl("--azure-url", options.AzureUrl ?? Env("GRAYSTEP_AZURE_URL")),
            Output = format,
            Verbose = IsVerbose(options.Verbose, environment),
            Ci = ci,
            Git = new GitSettings
            {
                WorkspaceRoot = WorkspaceRoot(environment),
                Identity = new GitIdentity(
                    NonBlank(Env("GRAYSTEP_GIT_AUTHOR_NAME")) ?? job.Committer?.Name ?? GitIdentity.Default.Name,
                    NonBlank(Env("GRAYSTEP_GIT_AUTHOR_EMAIL")) ?? job.Committer?.Email ?? GitIdentity.Default.Email),
                InCi = inCi,
            },
            Kube = new KubeSettings
            {
                Server = Env(KubeApiClient.ServerVariable),
                Kubeconfig = options.Kubeconfig ?? Env("GRAYSTEP_KUBECONFIG") ?? Env("KUBECONFIG"),
                KubeconfigSource = options.Kubeconfig is not null ? "--kubeconfig" : Env("GRAYSTEP_KUBECONFIG") is not null ? "GRAYSTEP_KUBECONFIG" : "KUBECONFIG",
                Home = Env("HOME") ?? Env("USERPROFILE"),
                Context = NonBlank(options.Context ?? Env(KubeApiClient.ContextVariable)),
                Token = resolved.GetValueOrDefault(KubeApiClient.Token),
                CaFile = Env("GRAYSTEP_KUBE_CA_FILE"),
                ServiceHost = Env("KUBERNETES_SERVICE_HOST"),
                ServicePort = Env("KUBERNETES_SERVICE_PORT"),
                ArgoCdServer = Env(ArgoCdApiClient.ServerVariable),
                ArgoCdToken = resolved.GetValueOrDefault(ArgoCdApiClient.Token),
                ArgoCdPlaintext = EnvironmentFlag.IsTrue(Env(ArgoCdApiClient.PlaintextVariable)),
            },
            PullRequestPollText = Env(PollVariable),
            Run = new RunDefaults(
                Env("GRAYSTEP_VERSION"),
                Env("GRAYSTEP_IMAGE")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
                EnvironmentFlag.IsTrue(Env("GRAYSTEP_ONCE")),
                Env("GRAYSTEP_TIMEOUT")),
            SecretValues = [.. values.Distinct(StringComparer.Ordinal)],
        };
        foreach (var (setting, value) in resolved)
        {
            settings._secrets[setting] = value;
        }

        return settings;
    }

    /// <summary><c>--verbose</c>, else <c>GRAYSTEP_VERBOSE</c>: also asked before the settings can be read, to report that failure.</summary>
    public static bool IsVerbose(bool option, IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return option || EnvironmentFlag.IsTrue(environment.GetVariable("GRAYSTEP_VERBOSE"));
    }

    /// <summary>A duration as an option or a variable gives it: Go syntax (<c>90s</c>, <c>15m</c>) or plain seconds.</summary>
    public static TimeSpan ParseDuration(string option, string text)
    {
        if (GoDuration.TryParse(text, out var span) && span >= TimeSpan.Zero)
        {
            return span;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        throw new GraystepException($"{option} {text}: not a duration", ExitCodes.Usage, "use Go duration syntax, e.g. 90s, 15m, 1h30m");
    }

    public override string ToString() =>
        $"GraystepSettings {{ Repo = {Repo}, Branch = {Branch}, GitHost = {GitHost}, Output = {Output}, Secrets = {_secrets.Count} (never shown) }}";

    /// <summary>Where managed workspaces live: <c>GRAYSTEP_WORKSPACE</c>, else the user's cache folder.</summary>
    private static string WorkspaceRoot(IEnvironment environment)
    {
        var configured = environment.GetVariable("GRAYSTEP_WORKSPACE");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        var cache = environment.GetVariable("XDG_CACHE_HOME");
        if (string.IsNullOrWhiteSpace(cache))
        {
            var local = OperatingSystem.IsWindows() ? environment.GetVariable("LOCALAPPDATA") : null;
            var home = environment.GetVariable("HOME") ?? environment.GetVariable("USERPROFILE");
            cache = !string.IsNullOrWhiteSpace(local) ? local
                : !string.IsNullOrWhiteSpace(home) ? Path.Combine(home, ".cache")
                : Path.GetTempPath();
        }

        return Path.Combine(cache, "graystep", "workspaces");
    }

    private static Uri? AbsoluteUrl(string option, string? value) =>
        string.IsNullOrWhiteSpace(value) ? null
        : Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) ? uri
        : throw new GraystepException($"{option} {value}: not an http(s) URL", ExitCodes.Usage, "pass the collection URL, e.g. --azure-url https://tfs.example.com/tfs/DefaultCollection");

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>The global options as parsed, before their environment fallbacks; secrets by option name.</summary>
public sealed record GlobalValues
{
    public string? Repo { get; init; }

    public string? Branch { get; init; }

    public string? GitHost { get; init; }

    public string? Prometheus { get; init; }

    public IReadOnlyList<string> PrometheusMap { get; init; } = [];

    public string? AzureUrl { get; init; }

    /// <summary><c>--kubeconfig</c>: kubeconfig files, joined as in KUBECONFIG.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary><c>--context</c>: the kubeconfig context.</summary>
    public string? Context { get; init; }

    public string? Output { get; init; }

    public bool Verbose { get; init; }

    public IReadOnlyDictionary<string, string?> Secrets { get; init; } = new Dictionary<string, string?>();

    /// <summary>Never prints a secret: a record's generated ToString would.</summary>
    public override string ToString() => $"GlobalValues {{ Repo = {Repo}, Branch = {Branch}, GitHost = {GitHost}, Output = {Output} }}";
}
