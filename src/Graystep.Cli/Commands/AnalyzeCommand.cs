using System.Text.Json.Nodes;
using Graystep.Core.Analysis;
using Graystep.Core.Errors;
using Graystep.Core.Rollouts;
using Graystep.Engine.Rollouts;
using Graystep.Metrics;

namespace Graystep.Cli.Commands;

/// <summary><c>graystep analyze</c>: run every metric once now, against the canary (or the stable when none runs).</summary>
internal sealed class AnalyzeCommand(CliContext context, GlobalOptions globals) : CommandBase(context, globals)
{
    public async Task<int> ExecuteAsync(string path, CancellationToken ct)
    {
        Uri? prometheus = null;
        if (Globals.Prometheus is { } url && !Uri.TryCreate(url, UriKind.Absolute, out prometheus))
        {
            throw new GraystepException($"--prometheus {url}: not an absolute URL", ExitCodes.Usage, "e.g. --prometheus http://127.0.0.1:9090");
        }

        var (workspace, specPath) = await OpenWorkspaceAsync(path, ct).ConfigureAwait(false);
        await using (workspace.ConfigureAwait(false))
        {
            var state = await new RolloutStore(workspace, Context.Files, specPath).LoadAsync(ct).ConfigureAwait(false);
            var spec = state.Spec;
            if (spec.Analysis.Metrics.Count == 0)
            {
                throw new GraystepException($"{spec.File}: analysis.metrics is empty; nothing to analyze", ExitCodes.InvalidSpec);
            }

            var status = state.Status ?? throw new GraystepException($"{spec.Id}: no rollout yet; nothing runs to analyze", ExitCodes.Failure, "start one with graystep run --version V");
            var subject = RolloutTransitions.IsActive(status) ? status.Canary! : status.Stable;
            var now = Context.Time.GetUtcNow();
            var longest = spec.Analysis.Metrics.Max(m => m.Interval);
            // Only traffic after the last change counts, as in a real check; at most each metric's own window.
            // Git keeps whole seconds: the commit may be up to a second younger than its date, as the run loop counts it.
            var appliedAt = state.StatusCommit?.CommittedAt + TimeSpan.FromSeconds(1) is { } committed && committed > now - longest ? committed : now - longest;

            var runner = new PrometheusAnalysisRunner(Context.HttpHandler(), new PrometheusAnalysisOptions { PrometheusOverride = prometheus }, Context.Time);
            var results = await runner.RunAsync(
                new AnalysisContext(spec, state.Loaded.Templates, RolloutRunner.Workload(spec, subject), RolloutRunner.Workload(spec, status.Stable), appliedAt),
                ct).ConfigureAwait(false);
            var round = new AnalysisRound(results);
            if (Json)
            {
                Context.Out.WriteLine(new JsonObject
                {
                    ["rollout"] = spec.Id,
                    ["workload"] = RolloutRunner.Workload(spec, subject),
                    ["passed"] = round.Passed,
                    ["metrics"] = new JsonArray([.. results.Select(r => (JsonNode)JsonOutput.Metric(r))]),
                }.ToJsonString(JsonOutput.Options));
            }
            else
            {
                Context.Out.WriteLine($"{spec.Id}: analysis of {RolloutRunner.Workload(spec, subject)}: {round.Summary}");
                Context.Out.WriteLine(round.ToTable().TrimEnd());
                Context.Out.WriteLine();
                foreach (var result in results)
                {
                    Context.Out.WriteLine($"{result.Name}: {result.Query}");
                }
            }

            return round.Passed ? ExitCodes.Success : ExitCodes.Failure;
        }
    }
}
