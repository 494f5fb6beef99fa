using System.Globalization;
using System.Text.Json.Nodes;
using Graystep.CiAgents.Local;
using Graystep.Cli.Composition;
using Graystep.Core.Errors;
using Graystep.Core.Rollouts;
using Graystep.Engine.Rollouts;

namespace Graystep.Cli.Commands;

/// <summary><c>graystep status</c> and <c>graystep history</c>: read-only views of the state in Git.</summary>
internal sealed class StatusCommand(CliContext context, GraystepSettings settings) : CommandBase(context, settings)
{
    public async Task<int> StatusAsync(string path, CancellationToken ct)
    {
        using var providers = Compose();
        var (workspace, specPath) = await OpenWorkspaceAsync(providers, path, ct).ConfigureAwait(false);
        await using (workspace.ConfigureAwait(false))
        {
            var state = await Store(providers, workspace, specPath).LoadAsync(ct).ConfigureAwait(false);
            var status = state.Status;
            if (Json)
            {
                Context.Out.WriteLine(StatusJson(state).ToJsonString(JsonOutput.Options));
                return ExitCodes.Success;
            }

            if (status is null)
            {
                Context.Out.WriteLine($"{state.Spec.Id}: no rollout yet (no {state.Loaded.StatusPath} on {workspace.Branch}); 'graystep run' initializes it");
                return ExitCodes.Success;
            }

            var rows = new List<string[]>
            {
                new[] { "rollout", state.Spec.Id },
                new[] { "phase", status.Phase + (status.Paused ? " (paused)" : string.Empty) },
                new[] { "stable", Describe(status.Stable) },
            };
            if (status.Canary is not null)
            {
                var attempt = status.Attempt > 1 ? string.Create(CultureInfo.InvariantCulture, $", attempt {status.Attempt}") : string.Empty;
                rows.Add([RolloutTransitions.IsActive(status) ? "canary" : "last canary", Describe(status.Canary) + attempt]);
            }

            if (status.Retiring is not null)
            {
                rows.Add(["retiring", Describe(status.Retiring) + " (0%, removed after scaleDownDelay by the next retire commit)"]);
            }

            if (status.Standby is not null)
            {
                rows.Add(["standby", Describe(status.Standby) + " (0%, keepPrevious: graystep rollback switches back to it)"]);
            }

            if (status.Adopting is { } original)
            {
                rows.Add(["adopting", status.AdoptingRouted
                    ? $"{original}, your own Deployment (0%, removed after scaleDownDelay by the next retire commit)"
                    : $"{original}, your own Deployment, runs beside its versioned copy until the cluster applies it"]);
            }

            rows.Add(["weight", !RolloutTransitions.IsActive(status) ? $"{status.Stable.Name} at 100%" : string.Create(CultureInfo.InvariantCulture, $"{status.Traffic.CanaryWeight}%{(status.Traffic.MatchActive ? " + A/B match" : string.Empty)}{(status.Traffic.MirrorActive ? " + mirroring" : string.Empty)}")]);
            rows.Add(["step", string.Create(CultureInfo.InvariantCulture, $"{status.StepIndex}/{status.StepCount}")]);
            rows.Add(["failed checks", string.Create(CultureInfo.InvariantCulture, $"{status.FailedChecks}/{state.Spec.Analysis.Threshold}")]);
            rows.Add(["last change", $"{status.LastTransitionTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)} {status.Reason}"]);
            if (state.StatusCommit is { } commit)
            {
                rows.Add(["commit", $"{commit.Sha[..7]} {commit.Message.Subject}"]);
            }

            Context.Out.Write(PlainText.Table(["field", "value"], rows));
            return ExitCodes.Success;
        }
    }

    public async Task<int> HistoryAsync(string path, CancellationToken ct)
    {
        using var providers = Compose();
        var (workspace, specPath) = await OpenWorkspaceAsync(providers, path, ct).ConfigureAwait(false);
        await using (workspace.ConfigureAwait(false))
        {
            var store = Store(providers, workspace, specPath);
            var state = await store.LoadAsync(ct).ConfigureAwait(false);
            var timeline = await HistoryReader.ReadAsync(workspace, state.Loaded, ct).ConfigureAwait(false);
            if (Json)
            {
                Context.Out.WriteLine(new JsonObject
                {
                    ["rollout"] = state.Spec.Id,
                    ["entries"] = new JsonArray([.. timeline.Select(e => (JsonNode)new JsonObject
                    {
                        ["time"] = JsonOutput.Time(e.Time),
                        ["action"] = e.Action,
                        ["version"] = e.Version,
                        ["attempt"] = e.Attempt,
                        ["weight"] = e.Weight,
                        ["step"] = e.Step,
                        ["reason"] = e.Reason,
                        ["commit"] = e.Sha,
                        ["subject"] = e.Subject,
                        ["author"] = e.Author,
                    })]),
                }.ToJsonString(JsonOutput.Options));
                return ExitCodes.Success;
            }

            if (timeline.Count == 0)
            {
                Context.Out.WriteLine($"{state.Spec.Id}: no Graystep commits on {workspace.Branch} yet");
                return ExitCodes.Success;
            }

            Context.Out.WriteLine($"{state.Spec.Id}: {timeline.Count} changes on {workspace.Branch}, oldest first");
            Context.Out.Write(PlainText.Table(
                ["time (UTC)", "action", "version", "weight", "step", "commit", "reason"],
                [.. timeline.Select(e => new[]
                {
                    e.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    e.Action,
                    e.Attempt > 1 ? string.Create(CultureInfo.InvariantCulture, $"{e.Version} #{e.Attempt}") : e.Version,
                    string.Create(CultureInfo.InvariantCulture, $"{e.Weight}%"),
                    e.Step,
                    e.Sha[..7],
                    e.Reason,
                })]));
            return ExitCodes.Success;
        }
    }

    internal static JsonObject StatusJson(RolloutState state)
    {
        var status = state.Status;
        var json = new JsonObject
        {
            ["rollout"] = state.Spec.Id,
            ["spec"] = state.Spec.File,
            ["statusFile"] = state.Loaded.StatusPath,
            ["initialized"] = status is not null,
        };
        if (status is null)
        {
            return json;
        }

        json["phase"] = status.Phase.ToString();
        json["active"] = RolloutTransitions.IsActive(status);
        json["paused"] = status.Paused;
        json["stable"] = VersionJson(status.Stable);
        json["canary"] = status.Canary is null ? null : VersionJson(status.Canary);
        json["attempt"] = status.Attempt;
        json["retiring"] = status.Retiring is null ? null : VersionJson(status.Retiring);
        json["standby"] = status.Standby is null ? null : VersionJson(status.Standby);
        json["adopting"] = status.Adopting;
        json["canaryWeight"] = status.Traffic.CanaryWeight;
        json["matchActive"] = status.Traffic.MatchActive;
        json["mirrorActive"] = status.Traffic.MirrorActive;
        json["stepIndex"] = status.StepIndex;
        json["stepCount"] = status.StepCount;
        json["failedChecks"] = status.FailedChecks;
        json["threshold"] = state.Spec.Analysis.Threshold;
        json["lastTransitionTime"] = JsonOutput.Time(status.LastTransitionTime);
        json["reason"] = status.Reason;
        json["commit"] = state.StatusCommit?.Sha;
        return json;
    }

    private static JsonObject VersionJson(VersionRef version) => new()
    {
        ["version"] = version.Name,
        ["images"] = new JsonObject([.. version.Images.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value))]),
    };

    private static string Describe(VersionRef version) =>
        version.Images.Count == 0 ? version.Name : $"{version.Name} ({string.Join(", ", version.Images.Values)})";
}
