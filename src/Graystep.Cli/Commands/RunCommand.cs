using System.Text.Json.Nodes;
using Graystep.CiAgents;
using Graystep.Core.Errors;
using Graystep.Core.Hosts;
using Graystep.Core.Rollouts;
using Graystep.Engine.Rollouts;

namespace Graystep.Cli.Commands;

/// <summary><c>graystep run</c>: the pipeline step.</summary>
internal sealed class RunCommand(CliContext context, GlobalOptions globals) : CommandBase(context, globals)
{
    public async Task<int> ExecuteAsync(
        string path,
        string? version,
        IReadOnlyDictionary<string, string> images,
        bool once,
        TimeSpan? timeout,
        bool supersede,
        CancellationToken ct)
    {
        if (images.Count > 0 && version is null)
        {
            throw new GraystepException("--image needs --version: name the version these images make", ExitCodes.Usage, "e.g. --version v2 --image reviews=...:v2");
        }

        // Checked before the repository is cloned or fetched: bad input fails fast and touches nothing.
        if (version is not null && !TargetWorkload.IsDnsLabel(version))
        {
            throw new GraystepException($"--version '{version}' is not a valid version name", ExitCodes.Usage,
                "use lower-case letters, digits and '-' (a DNS label), e.g. v2 or 1-4-0");
        }

        var writer = CreateCiWriter();
        var (workspace, specPath) = await OpenWorkspaceAsync(path, ct).ConfigureAwait(false);
        await using (workspace.ConfigureAwait(false))
        {
            var store = new RolloutStore(workspace, Context.Files, specPath);
            var groups = CiAgentId is "github" or "azure" ? writer : null;
            var observer = new TextObserver(Json ? Context.Error : Context.Out, Context.Time, groups);
            var preview = await store.LoadAsync(ct).ConfigureAwait(false);
            var host = ResolveGitHost(workspace);
            using var disposeHost = host as IDisposable;
            var runner = CreateRunner(store, observer, CreatePublisher(preview, store, workspace, host, observer));

            var via = preview.Spec.Git.PullRequests ? $" ({host.Id}, a pull request per step)" : string.Empty;
            observer.Info($"{preview.Spec.Id}: {RemoteUrl.Redact(workspace.RemoteUrl)} branch {workspace.Branch}{via}");
            var result = await runner.RunAsync(
                new RunRequest { StartVersion = version, Images = images, Once = once, Timeout = timeout, Supersede = supersede },
                ct).ConfigureAwait(false);

            observer.EndGroup();
            var final = await store.LoadAsync(ct).ConfigureAwait(false);
            var timeline = await HistoryReader.ReadAsync(workspace, final.Loaded, ct).ConfigureAwait(false);
            var report = Report(final, result, timeline);
            if (Json)
            {
                Context.Out.WriteLine(RunJson(report, result, observer.Commits).ToJsonString(JsonOutput.Options));
            }

            writer.ReportRun(report);
            if (result.Outcome == RunOutcome.Stopped)
            {
                Context.Error.WriteLine($"error: {result.Reason}");
                if (result.Hint is { Length: > 0 } hint)
                {
                    Context.Error.WriteLine($"hint: {hint}");
                }
            }

            return result.ExitCode;
        }
    }

    internal static RunReport Report(RolloutState state, Engine.Rollouts.RunResult result, IReadOnlyList<TimelineEntry> timeline)
    {
        var status = result.Status ?? state.Status;
        var outcome = result.Outcome switch
        {
            RunOutcome.Promoted => CiAgents.RunResult.Promoted,
            RunOutcome.RolledBack => CiAgents.RunResult.RolledBack,
            RunOutcome.InProgress => CiAgents.RunResult.InProgress,
            RunOutcome.WaitingApproval => CiAgents.RunResult.WaitingApproval,
            RunOutcome.Stopped => CiAgents.RunResult.Failed,
            _ => CiAgents.RunResult.Ok,
        };
        return new RunReport(
            state.Spec.Id,
            status?.Phase ?? RolloutPhase.Initialized,
            status?.Stable.Name ?? string.Empty,
            status is not null && RolloutTransitions.IsActive(status) ? status.Canary?.Name : null,
            status?.Traffic.CanaryWeight ?? 0,
            outcome,
            result.Reason,
            [.. result.LastAnalysis.Select(AnalysisRow.From)],
            [.. timeline.Select(t => new TimelinePoint(t.Time, t.Action, t.Version, t.Weight))]);
    }

    private static JsonObject RunJson(RunReport report, Engine.Rollouts.RunResult result, IEnumerable<(DateTimeOffset Time, Transition Transition, string Sha)> commits) => new()
    {
        ["rollout"] = report.RolloutId,
        ["result"] = report.Result.ToWire(),
        ["exitCode"] = result.ExitCode,
        ["reason"] = report.Reason,
        ["phase"] = report.Phase.ToString(),
        ["stable"] = report.Stable,
        ["canary"] = report.Canary,
        ["weight"] = report.Weight,
        ["commits"] = new JsonArray([.. commits.Select(c => (JsonNode)new JsonObject
        {
            ["commit"] = c.Sha,
            ["action"] = Core.History.RolloutActionText.Format(c.Transition.Action),
            ["subject"] = c.Transition.Message.Subject,
        })]),
        ["analysis"] = new JsonArray([.. result.LastAnalysis.Select(a => (JsonNode)JsonOutput.Metric(a))]),
    };
}
