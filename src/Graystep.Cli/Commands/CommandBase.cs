using Graystep.CiAgents;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.Hosts;
using Graystep.Engine.Publishing;
using Graystep.Engine.Rollouts;
using Graystep.Gates.Sync;
using Graystep.Gates.Webhooks;
using Graystep.Git;
using Graystep.Hosts.GitHub;
using Graystep.Metrics;

namespace Graystep.Cli.Commands;

/// <summary>Shared wiring for commands: the git workspace, the CI agent and the gate adapters.</summary>
internal abstract class CommandBase(CliContext context, GlobalOptions globals)
{
    protected CliContext Context { get; } = context;

    protected GlobalOptions Globals { get; } = globals;

    protected bool Json => Globals.Output == OutputFormat.Json;

    /// <summary>The CI system detected by the last <see cref="CreateCiWriter"/>: github, azure, jenkins or local.</summary>
    protected string CiAgentId { get; private set; } = "local";

    /// <summary>The agent's writer: CI protocols go to stdout in text mode, to stderr when stdout carries JSON.</summary>
    protected ICiWriter CreateCiWriter(bool toError = false)
    {
        var agent = CiAgentRegistry.CreateDefault().Resolve(Context.Environment);
        CiAgentId = agent.Id;
        var writer = agent.CreateWriter(new CiSinks(Json || toError ? Context.Error : Context.Out, Context.Environment, CiFiles.Physical, Context.WorkingDirectory));
        foreach (var name in new[] { "GITHUB_TOKEN", "GH_TOKEN", "GRAYSTEP_GITHUB_TOKEN", "GRAYSTEP_KUBE_TOKEN", "GRAYSTEP_PROMETHEUS_TOKEN" })
        {
            if (Context.Environment.GetVariable(name) is { Length: > 0 } secret)
            {
                writer.AddMask(secret);
            }
        }

        if (Globals.GitHubToken is { Length: > 0 } token)
        {
            writer.AddMask(token);
        }

        return writer;
    }

    /// <summary>
    /// Opens the GitOps branch: --repo (or the checkout around the current folder), and the spec path relative to
    /// the repository root. PATH is taken relative to the current folder when it exists there inside the repository,
    /// else relative to the repository root.
    /// </summary>
    protected async Task<(GitWorkspace Workspace, string SpecPath)> OpenWorkspaceAsync(string path, CancellationToken ct)
    {
        ValidateGitHost();
        var factory = new GitWorkspaceFactory(new GitCli(new ProcessRunner(), Context.Environment), Context.Environment, Context.Time);
        var repo = Globals.Repo;
        string? localRoot = null;
        if (repo is null || !LooksLikeUrl(repo))
        {
            var candidate = Path.GetFullPath(Path.Combine(Context.WorkingDirectory, repo ?? "."));
            localRoot = FindTopLevel(candidate);
        }

        var specPath = path;
        var full = Path.GetFullPath(Path.Combine(Context.WorkingDirectory, path));
        if (localRoot is not null && (File.Exists(full) || Directory.Exists(full)) && IsUnder(full, localRoot))
        {
            specPath = Path.GetRelativePath(localRoot, full).Replace('\\', '/');
        }

        var sparseRoot = specPath.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || specPath.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            ? Path.GetDirectoryName(specPath)?.Replace('\\', '/') ?? string.Empty
            : specPath;
        var workspace = await factory.OpenAsync(
            new WorkspaceOptions
            {
                Repo = repo ?? localRoot ?? Context.WorkingDirectory,
                Branch = Globals.Branch,
                WorkingDirectory = Context.WorkingDirectory,
                SparsePaths = sparseRoot is "" or "." ? [] : [sparseRoot],
            },
            ct).ConfigureAwait(false);
        return (workspace, specPath == "." ? string.Empty : specPath);
    }

    /// <summary>
    /// The git host for the workspace's remote: the one <c>--git-host</c> names, or the one detected from the remote URL
    /// (GitHub for github.com and for the server <c>GITHUB_SERVER_URL</c>/<c>GITHUB_API_URL</c> name; plain git otherwise).
    /// Dispose it when done: a GitHub host holds an HTTP client.
    /// </summary>
    protected IGitHost ResolveGitHost(GitWorkspace workspace)
    {
        var registry = new GitHostRegistry()
            .Register(
                new GitHubHost(new GitHubHostOptions { RemoteUrl = workspace.RemoteUrl, Token = Globals.GitHubToken }, Context.Environment, Context.HttpHandler(), Context.Time),
                GitHostPriority.Normal)
            .Register(new LocalGitHost(), GitHostPriority.Fallback);
        return registry.Resolve(Globals.GitHost, workspace.RemoteUrl);
    }

    /// <summary>
    /// How transitions reach the branch: null (straight commits) unless the spec asks for pull requests, which need a
    /// host that has them.
    /// </summary>
    protected static ITransitionPublisher? CreatePublisher(RolloutState state, RolloutStore store, GitWorkspace workspace, IGitHost host, IRolloutObserver observer)
    {
        if (!state.Spec.Git.PullRequests)
        {
            return null;
        }

        if (host is not IPullRequestHost pullRequests)
        {
            throw new GraystepException(
                $"{state.Spec.File}: git.pullRequests is true, but pull requests need a git host that has them: {RemoteUrl.Redact(workspace.RemoteUrl)} is used as plain git (--git-host {host.Id})",
                ExitCodes.Usage,
                "pass --git-host github (GRAYSTEP_GIT_HOST) for a GitHub repository, or set git.pullRequests: false to commit each step straight to the branch");
        }

        return new PullRequestPublisher(store, pullRequests, workspace, observer);
    }

    protected RolloutRunner CreateRunner(RolloutStore store, IRolloutObserver observer, ITransitionPublisher? publisher = null)
    {
        var handler = Context.HttpHandler();
        Uri? prometheus = null;
        if (Globals.Prometheus is { } url && !Uri.TryCreate(url, UriKind.Absolute, out prometheus))
        {
            throw new GraystepException($"--prometheus {url}: not an absolute URL", ExitCodes.Usage, "e.g. --prometheus http://127.0.0.1:9090");
        }

        var analysis = new PrometheusAnalysisRunner(handler, new PrometheusAnalysisOptions { PrometheusOverride = prometheus }, Context.Time);
        var webhooks = new WebhookCaller(Context.HttpHandler(), Context.Time);
        var sync = SyncGateRegistry.CreateDefault(KubeApiHandler.Create(Context.Environment, Context.Files), Context.Time, Context.Environment, Context.Files);
        var pullRequestPoll = Context.Environment.GetVariable("GRAYSTEP_PULL_REQUEST_POLL_INTERVAL") is { Length: > 0 } poll
            ? CommandLine.ParseDuration("GRAYSTEP_PULL_REQUEST_POLL_INTERVAL", poll)
            : TimeSpan.FromSeconds(30);
        return new RolloutRunner(store, Context.Time, analysis, webhooks, sync, observer)
        {
            FreshOnStart = true,
            Publisher = publisher,
            PullRequestPollInterval = pullRequestPoll > TimeSpan.Zero ? pullRequestPoll : TimeSpan.FromSeconds(30),
        };
    }

    private void ValidateGitHost()
    {
        string[] known = ["auto", "local", "github", "azure", "gitlab"];
        if (!known.Contains(Globals.GitHost, StringComparer.Ordinal))
        {
            throw new GraystepException($"--git-host {Globals.GitHost}: unknown git host", ExitCodes.Usage, "use one of: " + string.Join(", ", known));
        }

        if (Globals.GitHost is "azure" or "gitlab")
        {
            throw new GraystepException($"--git-host {Globals.GitHost}: pull requests on this host are not implemented yet", ExitCodes.Usage,
                "use --git-host local (commit and push directly) until the host lands");
        }
    }

    private static bool LooksLikeUrl(string repo) =>
        repo.Contains("://", StringComparison.Ordinal) || (repo.Contains('@', StringComparison.Ordinal) && repo.Contains(':', StringComparison.Ordinal));

    private static string? FindTopLevel(string path)
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

    protected static IFileSystem FilesOf(CliContext context) => context.Files;
}
