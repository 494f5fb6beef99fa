using System.Diagnostics;
using System.Globalization;
using System.Text;
using Graystep.AzureReposStandIn;
using Graystep.Cli;
using Graystep.Rendering.IO;
using Graystep.TestKit;

namespace Graystep.PullRequests.Tests.Infrastructure;

/// <summary>
/// A GitOps repository on the Azure Repos stand-in (a real bare repository served over smart HTTP at
/// <c>/{org}/{project}/_git/{repo}</c>), seeded with Bookinfo's reviews rollout, and the graystep CLI against it as on
/// Azure DevOps Server: the collection from SYSTEM_COLLECTIONURI, the job's token from SYSTEM_ACCESSTOKEN.
/// </summary>
internal sealed class AzureScenario : IAsyncDisposable
{
    public const string JobToken = "azure-job-access-token-0123456789abcdef";
    public const string Organization = "fabrikam";

    private readonly TempDirectory _root;

    private AzureScenario(TempDirectory root, AzureReposStandIn.AzureReposStandIn server, AzureStandInRepository repository)
    {
        _root = root;
        Server = server;
        Repository = repository;
    }

    public AzureReposStandIn.AzureReposStandIn Server { get; }

    public AzureStandInRepository Repository { get; }

    public string RemoteUrl => Server.RemoteUrl(Repository);

    public static async Task<AzureScenario> StartAsync(RolloutOptions rollout)
    {
        var root = new TempDirectory("graystep-azure-pr");
        var server = await AzureReposStandIn.AzureReposStandIn.StartAsync(root.Combine("azure"));
        server.AddToken(JobToken, "Fiber Build Service (fabrikam)");
        var repository = await server.CreateRepositoryAsync(Organization, "Fiber", "gitops");
        var templates = Path.Combine(RepoPaths.Example("bookinfo"), "templates");
        var files = Directory.EnumerateFiles(templates).ToDictionary(f => "apps/reviews/templates/" + Path.GetFileName(f), f => File.ReadAllText(f));
        files[GitOpsScenario.SpecPath] = rollout.Yaml();
        await server.CommitAsync(repository, "main", files, "Add the reviews rollout");
        return new AzureScenario(root, server, repository);
    }

    /// <summary>What an Azure Pipelines job on a server would have, minus TF_BUILD (plain text output).</summary>
    public Dictionary<string, string?> Environment() => new(StringComparer.Ordinal)
    {
        ["SYSTEM_COLLECTIONURI"] = Server.CollectionUrl(Organization),
        ["SYSTEM_ACCESSTOKEN"] = JobToken,
        ["AZURE_DEVOPS_EXT_PAT"] = null,
        ["GRAYSTEP_AZURE_TOKEN"] = null,
        ["GRAYSTEP_WORKSPACE"] = _root.Combine("workspaces"),
        ["GRAYSTEP_PULL_REQUEST_POLL_INTERVAL"] = "300ms",
        ["GITHUB_ACTIONS"] = null,
        ["GITHUB_OUTPUT"] = null,
        ["GITHUB_STEP_SUMMARY"] = null,
        ["GITHUB_API_URL"] = null,
        ["GITHUB_SERVER_URL"] = null,
        ["GITHUB_TOKEN"] = null,
        ["GH_TOKEN"] = null,
        ["TF_BUILD"] = null,
        ["JENKINS_URL"] = null,
        ["GRAYSTEP_REPO"] = null,
        ["GRAYSTEP_GIT_HOST"] = null,
        ["GRAYSTEP_OUTPUT"] = null,
    };

    public async Task<CliRun> GraystepAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var context = new CliContext(
            TextWriter.Synchronized(output),
            TextWriter.Synchronized(error),
            new LayeredEnvironment(Environment()),
            new PhysicalFileSystem(),
            TimeProvider.System,
            _root.Path,
            () => new SocketsHttpHandler());
        var exit = await GraystepApp.RunAsync([.. arguments], context, cancellationToken);
        return new CliRun(exit, output.ToString(), error.ToString());
    }

    public string[] RunArguments(params string[] extra) =>
        ["run", GitOpsScenario.SpecPath, "--repo", RemoteUrl, "--version", "v2", "--image", GitOpsScenario.Image, .. extra];

    public Task<CliRun> RunAsync(params string[] extra) => GraystepAsync(RunArguments(extra));

    /// <summary>The CLI as its own process, so a test can kill it.</summary>
    public Process StartProcess(IReadOnlyList<string> arguments, StringBuilder log)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _root.Path };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "graystep.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in Environment())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public IReadOnlyList<AzureStandInPullRequest> PullRequests() => [.. Server.PullRequests(Repository).OrderBy(p => p.Id)];

    public async Task<AzureStandInPullRequest> PullRequestAsync(Func<AzureStandInPullRequest, bool> match, Task? runner = null)
    {
        AzureStandInPullRequest? found = null;
        await Eventually.TrueAsync(() => (found = PullRequests().FirstOrDefault(match)) is not null, TimeSpan.FromSeconds(120), runner);
        return found!;
    }

    /// <summary>The graystep statuses posted on a pull request, oldest first, as (state, description).</summary>
    public IReadOnlyList<(string State, string? Description)> Statuses(AzureStandInPullRequest pull) =>
        [.. Server.PullRequest(Repository, pull.Id).Statuses.Where(s => s.Genre == "graystep" && s.Name == "reviews").Select(s => (s.State, s.Description))];

    public Task<string?> StatusFileAsync() => Server.ReadFileAsync(Repository, "main", GitOpsScenario.StatusPath);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _root.Dispose();
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }
}
