using Graystep.CiAgents;
using Graystep.Cli.Composition;
using Graystep.Cli.Output;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.Hosts;
using Graystep.Core.Rollouts;
using Graystep.Engine.Analysis;
using Graystep.Engine.Gates;
using Graystep.Engine.Publishing;
using Graystep.Engine.Rollouts;
using Graystep.Engine.Specs;
using Graystep.Git;

namespace Graystep.Cli.Commands;

/// <summary>Shared wiring for commands: the providers, the git workspace, the CI agent, the run loop's parts.</summary>
internal abstract class CommandBase(CliContext context, GraystepSettings settings)
{
    protected CliContext Context { get; } = context;

    protected GraystepSettings Settings { get; } = settings;

    protected bool Json => Settings.Output == OutputFormat.Json;

    /// <summary>The registries, configured from the settings. Dispose when done: providers may hold HTTP clients.</summary>
    protected GraystepProviders Compose() => GraystepProviders.Create(Context, Settings);

    protected SpecSource Specs(GraystepProviders providers) => new(Context.Files, providers.Catalogue);

    protected RolloutStore Store(GraystepProviders providers, IGitWorkspace workspace, string specPath) =>
        new(workspace, Specs(providers), providers.Renderer, specPath) { WorkingDirectory = Context.WorkingDirectory };

    /// <summary>The agent's writer: CI protocols go to stdout in text mode, to stderr when stdout carries JSON.</summary>
    protected ICiWriter CreateCiWriter(GraystepProviders providers, bool toError = false)
    {
        var agent = providers.CiAgents.Resolve(Settings.Ci, Context.Environment);
        var log = Json || toError ? Context.Error : Context.Out;
        var files = new RedactedCiFiles(CiFiles.Physical, Context.Redactor);

        // A protocol writer's commands go through the trusted channel (its values are escaped by the protocol); a
        // plain-text writer's lines may hold repository text and take the untrusted path like any other line.
        var sinks = log is SafeWriter safe && agent.HasLogCommands
            ? new CiSinks(safe.Protocol, Context.Environment, files, Context.WorkingDirectory) { Masks = safe.Masks }
            : new CiSinks(log, Context.Environment, files, Context.WorkingDirectory);
        var writer = agent.CreateWriter(sinks);
        foreach (var secret in Settings.SecretValues)
        {
            writer.AddMask(secret);
        }

        return writer;
    }

    /// <summary>
    /// Opens the GitOps branch: --repo (or the checkout around the current folder), and the spec path relative to
    /// the repository root. PATH is taken relative to the current folder when it exists there inside the repository,
    /// else relative to the repository root. An unknown <c>--git-host</c> fails first, before anything is cloned.
    /// </summary>
    protected async Task<(GitWorkspace Workspace, string SpecPath)> OpenWorkspaceAsync(GraystepProviders providers, string path, CancellationToken ct)
    {
        _ = providers.GitHosts.Forced(Settings.GitHost);
        var factory = new GitWorkspaceFactory(new GitCli(new ProcessRunner(), Context.Environment), Settings.Git with { Redactor = Context.Redactor }, Context.Time);
        var repo = Settings.Repo;
        string? localRoot = null;
        if (repo is null || !LooksLikeUrl(repo))
        {
            var candidate = Path.GetFullPath(Path.Combine(Context.WorkingDirectory, repo ?? "."));
            localRoot = FindTopLevel(candidate);
        }

        // A path is taken relative to the working directory when it exists there (a spec beside you, even when
        // --repo names the remote), else relative to the repository root.
        var specPath = path;
        var full = Path.GetFullPath(Path.Combine(Context.WorkingDirectory, path));
        if (File.Exists(full) || Directory.Exists(full))
        {
            var top = localRoot is not null && IsUnder(full, localRoot) ? localRoot : FindTopLevel(full);
            if (top is not null && IsUnder(full, top))
            {
                specPath = Path.GetRelativePath(top, full).Replace('\\', '/');
            }
        }

        var sparseRoot = specPath.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || specPath.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            ? Path.GetDirectoryName(specPath)?.Replace('\\', '/') ?? string.Empty
            : specPath;
        var workspace = await factory.OpenAsync(
            new WorkspaceOptions
            {
                Repo = repo ?? localRoot ?? Context.WorkingDirectory,
                Branch = Settings.Branch,
                WorkingDirectory = Context.WorkingDirectory,
                SparsePaths = sparseRoot is "" or "." ? [] : [sparseRoot],
            },
            ct).ConfigureAwait(false);
        return (workspace, specPath == "." ? string.Empty : specPath);
    }

    /// <summary>The git host for the workspace's remote: the one <c>--git-host</c> names, or the one detected from the remote URL.</summary>
    protected IGitHost ResolveGitHost(GraystepProviders providers, GitWorkspace workspace) =>
        providers.GitHosts.Resolve(Settings.GitHost, workspace.RemoteUrl);

    /// <summary>How transitions reach the branch; dispose it when done (a pull-request host holds an HTTP client).</summary>
    protected static ITransitionPublisher CreatePublisher(GraystepProviders providers, RolloutState state, RolloutStore store, GitWorkspace workspace, IGitHost host, IRolloutObserver observer) =>
        Publishers.For(state, store, host, providers.GitHosts, workspace.RemoteUrl, workspace, observer);

    /// <summary>One analysis round over the registered metric providers: what <c>run</c> and <c>analyze</c> both use.</summary>
    protected MetricAnalysisRunner AnalysisRunner(GraystepProviders providers) =>
        new(providers.Metrics, Context.Time, new AnalysisOptions { MetricsServers = MetricsServers() });

    /// <summary>
    /// <c>--prometheus</c> as a URL and <c>--prometheus-map</c> as pairs; a value that is not an absolute URL, or a
    /// pair that is not two, is a usage error.
    /// </summary>
    protected Core.Analysis.MetricsServers MetricsServers()
    {
        Uri? prometheus = null;
        if (Settings.Prometheus is { } url && !Uri.TryCreate(url, UriKind.Absolute, out prometheus))
        {
            throw new GraystepException($"--prometheus {url}: not an absolute URL", ExitCodes.Usage, "e.g. --prometheus http://127.0.0.1:9090");
        }

        var map = Core.Analysis.MetricsServers.ParseMap(Settings.PrometheusMap, out var error)
            ?? throw new GraystepException(error!, ExitCodes.Usage, "e.g. --prometheus-map http://prometheus.istio-system:9090=http://127.0.0.1:9090");
        return new Core.Analysis.MetricsServers { Override = prometheus, Map = map };
    }

    protected RolloutRunner CreateRunner(GraystepProviders providers, RolloutStore store, IRolloutObserver observer, ITransitionPublisher publisher)
    {
        var sensors = new Sensors(providers.SyncGates, new HookRunner(providers.Webhooks), AnalysisRunner(providers));
        return new RolloutRunner(store, Context.Time, sensors, observer)
        {
            Alerts = new Engine.Alerts.RolloutAlerts(providers.Alerts, Context.Time),
            FreshOnStart = true,
            Publisher = publisher,
            PullRequestPollInterval = Settings.PullRequestPollInterval,
        };
    }

    private static bool LooksLikeUrl(string repo) =>
        repo.Contains("://", StringComparison.Ordinal) || (repo.Contains('@', StringComparison.Ordinal) && repo.Contains(':', StringComparison.Ordinal));

    /// <summary>
    /// Warnings (a removed Kubernetes API in a template, a Flagger field that means nothing outside the cluster) go to
    /// stderr as <c>file:line:col: warning: path: ...</c>; they never fail a command.
    /// </summary>
    protected void WriteWarnings(IEnumerable<Core.Spec.SpecProblem> warnings)
    {
        foreach (var warning in warnings)
        {
            var field = warning.FieldPath is "" or "apiVersion" ? string.Empty : warning.FieldPath + ": ";
            Context.Error.WriteLine($"{warning.Location}: warning: {field}{warning.Message}");
        }
    }

    /// <summary>
    /// The folder a PATH given to a command without git is relative to: the working directory when PATH exists there,
    /// else the root of the repository the working directory is in (else the working directory, for the error).
    /// </summary>
    protected string SpecBase(string path)
    {
        var full = Path.GetFullPath(Path.Combine(Context.WorkingDirectory, path));
        if (Context.Files.FileExists(full) || Context.Files.DirectoryExists(full))
        {
            return Context.WorkingDirectory;
        }

        return FindTopLevel(Context.WorkingDirectory) ?? Context.WorkingDirectory;
    }

    protected static string? FindTopLevel(string path)
    {
        var dir = new DirectoryInfo(File.Exists(path) ? Path.GetDirectoryName(path)! : path);
        while (dir is not null)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")))
            {
                return dir.FullName;
            }

            dir = dir.Parent;
        }

        return null;
    }

    private static bool IsUnder(string path, string root)
    {
        var relative = Path.GetRelativePath(root, path);
        return relative == "." || (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative));
    }
}
