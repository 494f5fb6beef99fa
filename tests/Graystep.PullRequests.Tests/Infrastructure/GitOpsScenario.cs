using System.Diagnostics;
using System.Globalization;
using System.Text;
using Graystep.Cli;
using Graystep.Core.Abstractions;
using Graystep.GitHubStandIn;
using Graystep.Rendering.IO;
using Graystep.TestKit;

namespace Graystep.PullRequests.Tests.Infrastructure;

/// <summary>
/// A GitOps repository on the GitHub stand-in (real bare repository, served over smart HTTP beside the API), seeded
/// with Bookinfo's reviews rollout, and a way to run the graystep CLI against it: in-process through
/// <see cref="GraystepApp"/>, or as a separate process that a test can kill.
/// </summary>
internal sealed class GitOpsScenario : IAsyncDisposable
{
    public const string Token = "ghs_graystep_pr_tests_0123456789";
    public const string Bot = "graystep-bot";
    public const string SpecPath = "apps/reviews/rollout.yaml";
    public const string StatusPath = "apps/reviews/rendered/graystep-status.yaml";
    public const string Image = "reviews=docker.io/istio/examples-bookinfo-reviews-v2:1.20.1";

    private readonly TempDirectory _root;

    private GitOpsScenario(TempDirectory root, GitHubStandIn.GitHubStandIn server, StandInRepository repository)
    {
        _root = root;
        Server = server;
        Repository = repository;
    }

    public GitHubStandIn.GitHubStandIn Server { get; }

    public StandInRepository Repository { get; }

    public string RemoteUrl => Server.CloneUrl(Repository);

    /// <summary>The managed workspaces; one folder for every run, as a CI runner's cache would be.</summary>
    public string WorkspaceRoot => _root.Combine("workspaces");

    /// <summary>A scratch folder of the scenario (deleted with it), for CI files and workspaces of a test's own.</summary>
    public string Scratch(string name)
    {
        var path = _root.Combine(name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <param name="gitBasicCredential">When set (<c>user:password</c>), git over HTTP requires it as Basic auth.</param>
    public static async Task<GitOpsScenario> StartAsync(RolloutOptions rollout, string? gitBasicCredential = null)
    {
        var root = new TempDirectory("graystep-pr");
        Directory.CreateDirectory(root.Combine("github"));
        var server = await GitHubStandIn.GitHubStandIn.StartAsync(new GitHubStandInOptions { RootDirectory = root.Combine("github"), GitBasicCredential = gitBasicCredential });
        server.AddToken(Token, Bot);
        var repository = await server.CreateRepositoryAsync("acme", "gitops");
        var templates = Path.Combine(RepoPaths.Example("bookinfo"), "templates");
        var files = Directory.EnumerateFiles(templates).ToDictionary(
            f => "apps/reviews/templates/" + Path.GetFileName(f),
            f => File.ReadAllText(f));
        files[SpecPath] = rollout.Yaml();
        await server.CommitAsync(repository, "main", files, "Add the reviews rollout");
        return new GitOpsScenario(root, server, repository);
    }

    /// <summary>The variables a CI job would have: the API address and token, and the workspace cache.</summary>
    public Dictionary<string, string?> Environment(bool withToken = true) => new(StringComparer.Ordinal)
    {
        ["GITHUB_API_URL"] = Server.ApiUrl,
        ["GITHUB_TOKEN"] = withToken ? Token : null,
        ["GH_TOKEN"] = null,
        ["GRAYSTEP_GITHUB_TOKEN"] = null,
        ["GRAYSTEP_WORKSPACE"] = WorkspaceRoot,
        ["GRAYSTEP_PULL_REQUEST_POLL_INTERVAL"] = "300ms",

        // Not inside any CI system: plain text output, nothing written to a runner's files.
        ["GITHUB_ACTIONS"] = null,
        ["GITHUB_OUTPUT"] = null,
        ["GITHUB_STEP_SUMMARY"] = null,
        ["GITHUB_SERVER_URL"] = null,
        ["GITHUB_REPOSITORY"] = null,
        ["GITHUB_RUN_ID"] = null,
        ["TF_BUILD"] = null,
        ["JENKINS_URL"] = null,
        ["GRAYSTEP_REPO"] = null,
        ["GRAYSTEP_GIT_HOST"] = null,
        ["GRAYSTEP_OUTPUT"] = null,
    };

    /// <summary>graystep with <paramref name="arguments"/>, in-process, against this repository.</summary>
    public async Task<CliRun> GraystepAsync(IReadOnlyList<string> arguments, Dictionary<string, string?>? environment = null, CancellationToken cancellationToken = default)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var stdout = TextWriter.Synchronized(output);
        var stderr = TextWriter.Synchronized(error);
        var context = new CliContext(
            stdout,
            stderr,
            new LayeredEnvironment(environment ?? Environment()),
            new PhysicalFileSystem(),
            TimeProvider.System,
            _root.Path,
            () => new SocketsHttpHandler());
        var exit = await GraystepApp.RunAsync([.. arguments], context, cancellationToken);
        return new CliRun(exit, output.ToString(), error.ToString());
    }

    /// <summary><c>graystep run</c> for version v2 with the repository as --repo.</summary>
    public Task<CliRun> RunAsync(params string[] extra) =>
        GraystepAsync(["run", SpecPath, "--repo", RemoteUrl, "--version", "v2", "--image", Image, .. extra]);

    /// <summary>The CLI as its own process (the test output's graystep.dll under dotnet), so a test can kill it.</summary>
    public Process StartProcess(IReadOnlyList<string> arguments, StringBuilder log)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "graystep.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _root.Path,
        };
        start.ArgumentList.Add(dll);
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

    /// <summary>The pull requests, oldest first.</summary>
    public IReadOnlyList<StandInPullRequest> PullRequests() => [.. Server.PullRequests(Repository).OrderBy(p => p.Number)];

    /// <summary>Waits (bounded) until a pull request matching <paramref name="match"/> exists, and returns it.</summary>
    public async Task<StandInPullRequest> PullRequestAsync(Func<StandInPullRequest, bool> match, Task? runner = null, TimeSpan? timeout = null)
    {
        StandInPullRequest? found = null;
        await Eventually.TrueAsync(() => (found = PullRequests().FirstOrDefault(match)) is not null, timeout ?? TimeSpan.FromSeconds(120), runner);
        return found!;
    }

    /// <summary>The commit statuses Graystep set on a pull request's head, oldest first, as (state, description).</summary>
    public IReadOnlyList<(string State, string? Description)> Statuses(StandInPullRequest pull) =>
        [.. Server.Statuses(Repository, pull.HeadSha).Where(s => s.Context == "graystep/reviews").Select(s => (s.State, s.Description))];

    public async Task<string?> StatusFileAsync() => await Server.ReadFileAsync(Repository, "main", StatusPath);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _root.Dispose();
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }
}

/// <summary>What one graystep invocation printed and returned.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public string All => Out + Error;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>The test's variables over the real process environment (PATH, HOME for git); a null value hides one.</summary>
internal sealed class LayeredEnvironment(IReadOnlyDictionary<string, string?> overrides) : IEnvironment
{
    public string? GetVariable(string name) =>
        overrides.TryGetValue(name, out var value) ? value : System.Environment.GetEnvironmentVariable(name);
}

/// <summary>Bounded polling: no sleeps where a condition can be watched.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, Task? runner = null)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            if (runner is { IsCompleted: true })
            {
                await runner; // surfaces the run's exception, if any
                if (condition())
                {
                    return;
                }

                throw new Xunit.Sdk.XunitException("the run ended before the condition held");
            }

            if (stopwatch.Elapsed > timeout)
            {
                throw new TimeoutException($"condition not met within {timeout.TotalSeconds}s");
            }

            await Task.Delay(100);
        }
    }
}
