using System.Text.Json.Nodes;
using Graystep.CiAgents;
using Graystep.Core.Errors;
using Graystep.Core.Reports;
using Graystep.Cli.Composition;
using Graystep.Core.Secrets;
using Graystep.Core.Rollouts;
using Graystep.Engine.Rollouts;
using Graystep.Engine.Specs;

namespace Graystep.Cli.Commands;

/// <summary><c>graystep run</c>: the pipeline step.</summary>
internal sealed class RunCommand(CliContext context, GraystepSettings settings) : CommandBase(context, settings)
{
    public async Task<int> ExecuteAsync(
        string path,
        string? version,
        IReadOnlyDictionary<string, string> images,
        bool once,
        TimeSpan? timeout,
        bool supersede,
        CancellationToken ct,
        bool retry = false)
    {
        // The CI writer first: whatever fails after this point is still reported in the CI system's outputs.
        using var providers = Compose();
        var writer = CreateCiWriter(providers);
        try
        {
            if (images.Count > 0 && version is null)
            {
                throw new GraystepException("--image needs --version: name the version these images make", ExitCodes.Usage, "e.g. --version v2 --image reviews=...:v2");
            }

            // Checked before the repository is cloned or fetched: bad input fails fast and touches nothing.
            if (version is not null)
            {
                VersionName.CheckOption("--version", version);
            }

            var (workspace, specPath) = await OpenWorkspaceAsync(providers, path, ct).ConfigureAwait(false);
            await using (workspace.ConfigureAwait(false))
            {
                var store = Store(providers, workspace, specPath);
                var groups = writer.HasGroups ? writer : null;
                var observer = new TextObserver(Json ? Context.Error : Context.Out, Context.Time, groups);
                var preview = await store.LoadAsync(ct).ConfigureAwait(false);
                var host = ResolveGitHost(providers, workspace);
                var publisher = CreatePublisher(providers, preview, store, workspace, host, observer);
                using var disposePublisher = publisher as IDisposable;
                var runner = CreateRunner(providers, store, observer, publisher);

                var via = preview.Spec.Git.PullRequests ? $" ({host.Id}, a pull request per step)" : string.Empty;
                observer.Info($"{preview.Spec.Id}: {UrlCredentials.Redact(workspace.RemoteUrl)} branch {workspace.Branch}{via}");
                var result = await runner.RunAsync(
                    new RunRequest { StartVersion = version, Images = images, Once = once, Timeout = timeout, Supersede = supersede, Retry = retry },
                    ct).ConfigureAwait(false);

                observer.EndGroup();
                var final = await store.LoadAsync(ct).ConfigureAwait(false);
                var log = await workspace.LogAsync(final.Loaded.OutputPath, HistoryReader.MaxCommits, ct).ConfigureAwait(false);
                var timeline = HistoryReader.Timeline(log, final.Spec.Id);
                var report = Report(final, result, timeline) with
                {
                    Decisions = DecisionRecords.Latest(DecisionRecords.From(log, final.Spec.Id)).Records,
                };
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
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            var problems = failure is SpecInvalidException invalid ? invalid.Problems.Select(p => Problem.From(p)).ToList() : [];
            writer.ReportFailure(FailureReason(failure), problems);
            throw;
        }
    }

    /// <summary>The reason a failed run gives in its outputs: the same words as its <c>error:</c> line.</summary>
    private static string FailureReason(Exception failure) => failure switch
    {
        Git.GitException git => git.Summary,
        GraystepException known => known.Message,
        _ => $"unexpected failure: {failure.Message}",
    };

    internal static RunReport Report(RolloutState state, Engine.Rollouts.RunResult result, IReadOnlyList<TimelineEntry> timeline)
    {
        var status = result.Status ?? state.Status;
        var outcome = result.Outcome switch
        {
            RunOutcome.Promoted => CiAgents.StepResult.Promoted,
            RunOutcome.RolledBack => CiAgents.StepResult.RolledBack,
            RunOutcome.InProgress => CiAgents.StepResult.InProgress,
            RunOutcome.WaitingApproval => CiAgents.StepResult.WaitingApproval,
            RunOutcome.Stopped => CiAgents.StepResult.Failed,
            _ => CiAgents.StepResult.Ok,
        };
        return new RunReport(
            state.Spec.Id,
            status?.Phase ?? RolloutPhase.Initialized,
            status?.Stable.Name ?? string.Empty,
            status is not null && RolloutTransitions.IsActive(status) ? status.Canary?.Name : null,
            // As history and the promote trailer say: the promoted version has all the traffic.
            status?.Phase == RolloutPhase.Succeeded ? 100 : status?.Traffic.CanaryWeight ?? 0,
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
