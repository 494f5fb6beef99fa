using System.Text.Json.Nodes;
using Graystep.Cli.Composition;
using Graystep.Core.Analysis;
using Graystep.Core.Errors;
using Graystep.Core.Rollouts;

namespace Graystep.Cli.Commands;

/// <summary><c>graystep analyze</c>: run every metric once now, against the canary (or the stable when none runs).</summary>
internal sealed class AnalyzeCommand(CliContext context, GraystepSettings settings) : CommandBase(context, settings)
{
    public async Task<int> ExecuteAsync(string path, CancellationToken ct)
    {
        using var providers = Compose();
        var runner = AnalysisRunner(providers);
        var (workspace, specPath) = await OpenWorkspaceAsync(providers, path, ct).ConfigureAwait(false);
        await using (workspace.ConfigureAwait(false))
        {
            var state = await Store(providers, workspace, specPath).LoadAsync(ct).ConfigureAwait(false);
            var spec = state.Spec;
            var analysis = OnDemandAnalysis.For(state, Context.Time.GetUtcNow());
            var results = await runner.RunAsync(analysis, ct).ConfigureAwait(false);
            var round = new AnalysisRound(results);
            if (Json)
            {
                Context.Out.WriteLine(new JsonObject
                {
                    ["rollout"] = spec.Id,
                    ["workload"] = analysis.CanaryWorkload,
                    ["passed"] = round.Passed,
                    ["metrics"] = new JsonArray([.. results.Select(r => (JsonNode)JsonOutput.Metric(r))]),
                }.ToJsonString(JsonOutput.Options));
            }
            else
            {
                Context.Out.WriteLine($"{spec.Id}: analysis of {analysis.CanaryWorkload}: {round.Summary}");
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
