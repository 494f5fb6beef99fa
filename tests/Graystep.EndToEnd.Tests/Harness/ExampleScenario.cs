using Graystep.Sandbox;
using Graystep.TestKit.Processes;

namespace Graystep.EndToEnd.Tests.Harness;

/// <summary>What one example's two rollouts did: the runs, the branch they wrote, and what the simulated cluster saw.</summary>
internal sealed record ScenarioResult
{
    public required ExampleCase Example { get; init; }

    public required string SeedSha { get; init; }

    public required ChildProcessResult Initialize { get; init; }

    public required ChildProcessResult Healthy { get; init; }

    public required ChildProcessResult Faulty { get; init; }

    /// <summary>Every commit of the branch, oldest first (the seed commit included).</summary>
    public required IReadOnlyList<RolloutCommit> Commits { get; init; }

    public RolloutCommit? Promote => Commits.FirstOrDefault(c => c.Action == "promote" && c.Version == Example.HealthyVersion);

    public RolloutCommit? Rollback => Commits.FirstOrDefault(c => c.Action == "rollback" && c.Version == Example.FaultyVersion);

    /// <summary>The rendered output folder at the promotion commit and at the branch tip (after the rollback).</summary>
    public required IReadOnlyDictionary<string, string> RenderedAtPromote { get; init; }

    public required IReadOnlyDictionary<string, string> RenderedAtTip { get; init; }

    /// <summary>The sandbox after the rollback commit was applied and the stable version served traffic again.</summary>
    public required SandboxSnapshot Final { get; init; }

    public required ChildProcessResult History { get; init; }

    public required ChildProcessResult Status { get; init; }

    public IReadOnlyList<WebhookCall> WebhookCalls { get; init; } = [];

    /// <summary>The sandbox's answer to GET /sandbox/route for each of the example's probe paths (200 tries each), at the end.</summary>
    public IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode> Probes { get; init; } = new Dictionary<string, System.Text.Json.Nodes.JsonNode>();

    public AppSnapshot App => Final.App(Example.AppKey) ?? throw new InvalidOperationException($"the sandbox has no app {Example.AppKey}");

    public IEnumerable<RolloutCommit> CommitsOf(string version) => Commits.Where(c => c.Version == version && c.Action is not "initialize");

    /// <summary>User requests the faulty version answered before the rollback commit was applied (after: must be 0).</summary>
    public long FaultyRequestsBeforeRollback => Counts(Example.FaultyVersion).Requests - FaultyAfterRollback.Requests;

    /// <summary>Of those, the ones it answered with an error: what users actually suffered.</summary>
    public long FaultyErrorsBeforeRollback => Counts(Example.FaultyVersion).Errors - FaultyAfterRollback.Errors;

    public RequestCounts FaultyAfterRollback => Rollback is { } r ? Final.CountsSince(Example.AppKey, Example.FaultyVersion, r.Sha) : RequestCounts.Zero;

    public RequestCounts Counts(string version) => App.Version(version)?.Total ?? RequestCounts.Zero;
}

/// <summary>
/// The scenario every example goes through, as ./build.sh demo does with bookinfo: initialize the stable version,
/// roll out a healthy version to promotion, then a faulty one (10% errors) to rollback. Unexpected exit codes are
/// recorded, not thrown, so the tests can say what went wrong; a gate that never opens is a timeout.
/// </summary>
internal static class ExampleScenario
{
    public static async Task<ScenarioResult> RunAsync(Rig rig)
    {
        ArgumentNullException.ThrowIfNull(rig);
        var example = rig.Example;

        var init = await rig.GraystepAsync("run", example.SpecFile, "--once").ConfigureAwait(false);
        var commits = await rig.Remote.LogAsync().ConfigureAwait(false);
        // The first run adopts the example's own Deployment: initialize, then the retire commit that removes it.
        if (init.ExitCode != 0 || commits[^1].Action != "retire" || commits[^2].Action != "initialize")
        {
            throw new InvalidOperationException(init.Describe("graystep run --once (initialize)"));
        }

        // The pipeline starts on a cluster that runs the stable version and already has its metrics.
        await rig.WaitAppliedAsync(commits[^1].Sha, example.StableVersion).ConfigureAwait(false);

        var healthy = await rig.GraystepAsync(rig.RunVersion(example.HealthyVersion)).ConfigureAwait(false);
        commits = await rig.Remote.LogAsync().ConfigureAwait(false);
        var promoted = commits[^1];
        if (healthy.ExitCode == 0 && promoted.Action == "promote")
        {
            await rig.WaitAppliedAsync(promoted.Sha, example.HealthyVersion).ConfigureAwait(false);
        }

        var faulty = await rig.GraystepAsync(rig.RunVersion(example.FaultyVersion)).ConfigureAwait(false);
        commits = await rig.Remote.LogAsync().ConfigureAwait(false);
        var tip = commits[^1];

        // Let the simulated users keep coming after the rollback is applied: any that still reach the faulty version
        // would show in its counters.
        await rig.WaitAppliedAsync(tip.Sha, tip.Action == "rollback" ? example.HealthyVersion : example.StableVersion, userRequests: 400).ConfigureAwait(false);

        var probes = new Dictionary<string, System.Text.Json.Nodes.JsonNode>(StringComparer.Ordinal);
        if (example.ProbePaths.Count > 0)
        {
            using var http = new HttpClient { BaseAddress = rig.Sandbox.Address, Timeout = TimeSpan.FromSeconds(10) };
            foreach (var path in example.ProbePaths)
            {
                var query = $"/sandbox/route?app={Uri.EscapeDataString(example.AppKey)}&path={Uri.EscapeDataString(path)}&count=200";
                probes[path] = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync(new Uri(query, UriKind.Relative)).ConfigureAwait(false))!;
            }
        }

        return new ScenarioResult
        {
            Probes = probes,
            Example = example,
            SeedSha = rig.SeedSha,
            Initialize = init,
            Healthy = healthy,
            Faulty = faulty,
            Commits = commits,
            RenderedAtPromote = await rig.Remote.FilesAtAsync(promoted.Sha, example.Output).ConfigureAwait(false),
            RenderedAtTip = await rig.Remote.FilesAtAsync(tip.Sha, example.Output).ConfigureAwait(false),
            Final = rig.Sandbox.Snapshot(),
            History = await rig.GraystepAsync("history", example.SpecFile, "-o", "json").ConfigureAwait(false),
            Status = await rig.GraystepAsync("status", example.SpecFile, "-o", "json").ConfigureAwait(false),
            WebhookCalls = rig.Webhooks?.Calls ?? [],
        };
    }
}
