using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Graystep.Cli.Composition;
using Graystep.Core.Errors;
using Graystep.Core.Reports;
using Graystep.Engine.Reports;

namespace Graystep.Cli.Commands;

/// <summary>
/// <c>graystep report PATH [--out FILE]</c>: one self-contained HTML page of the latest rollout: the weight over time
/// from the commits, each metric over time from Prometheus (canary and stable), the judge's estimates and every
/// decision with its commit. Unreadable metrics are a warning, not a failure: the page says so.
/// </summary>
internal sealed class ReportCommand(CliContext context, GraystepSettings settings) : CommandBase(context, settings)
{
    public const string DefaultFile = "graystep-report.html";

    public async Task<int> ExecuteAsync(string path, string? output, CancellationToken ct)
    {
        var servers = MetricsServers();
        var target = output ?? DefaultFile;
        var toStdout = target == "-";
        var file = toStdout ? null : Path.GetFullPath(Path.Combine(Context.WorkingDirectory, target));
        if (file is not null && (Context.Files.DirectoryExists(file) || !Context.Files.DirectoryExists(Path.GetDirectoryName(file)!)))
        {
            throw new GraystepException(
                Context.Files.DirectoryExists(file) ? $"--out {target}: is a folder; name a file" : $"--out {target}: the folder {Path.GetDirectoryName(file)} does not exist",
                ExitCodes.Usage,
                "e.g. --out rollout-report.html, or --out - for stdout");
        }

        using var providers = Compose();
        var (workspace, specPath) = await OpenWorkspaceAsync(providers, path, ct).ConfigureAwait(false);
        await using (workspace.ConfigureAwait(false))
        {
            var state = await Store(providers, workspace, specPath).LoadAsync(ct).ConfigureAwait(false);
            var builder = new ReportBuilder(providers.Metrics, Context.Time, servers);
            var report = await builder.BuildAsync(workspace, state, ct).ConfigureAwait(false);
            var bytes = Encoding.UTF8.GetBytes(ReportHtml.Render(report));
            foreach (var warning in builder.Warnings)
            {
                Context.Error.WriteLine($"warning: {warning}");
            }

            if (file is null)
            {
                Context.Out.Write(Encoding.UTF8.GetString(bytes));
                return ExitCodes.Success;
            }

            Context.Files.WriteAllBytes(file, bytes);
            var judged = report.Decisions.Count(d => d.Judge is not null);
            if (Json)
            {
                Context.Out.WriteLine(new JsonObject
                {
                    ["rollout"] = report.RolloutId,
                    ["file"] = file,
                    ["bytes"] = bytes.Length,
                    ["stable"] = report.Stable,
                    ["canary"] = report.Canary,
                    ["from"] = JsonOutput.Time(report.From),
                    ["to"] = JsonOutput.Time(report.To),
                    ["commits"] = report.Decisions.Count,
                    ["judgedCommits"] = judged,
                    ["metrics"] = new JsonArray([.. report.Metrics.Select(m => (JsonNode)new JsonObject
                    {
                        ["name"] = m.Name,
                        ["canaryPoints"] = m.Canary.Count,
                        ["stablePoints"] = m.Stable.Count,
                        ["note"] = m.Note,
                    })]),
                    ["warnings"] = new JsonArray([.. builder.Warnings.Select(w => (JsonNode)JsonValue.Create(w))]),
                }.ToJsonString(JsonOutput.Options));
            }
            else
            {
                Context.Out.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{report.RolloutId}: wrote {target} ({bytes.Length / 1024.0:0.#} KB): {report.Decisions.Count} commits, {report.Metrics.Count} metrics, {judged} judged checks"));
            }

            return ExitCodes.Success;
        }
    }
}
