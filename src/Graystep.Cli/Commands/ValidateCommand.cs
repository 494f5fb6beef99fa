using System.Text.Json.Nodes;
using Graystep.CiAgents;
using Graystep.Cli.Composition;
using Graystep.Core.Errors;
using Graystep.Core.Manifests;
using Graystep.Core.Spec;
using Graystep.Engine.Specs;

namespace Graystep.Cli.Commands;

/// <summary><c>graystep validate [PATH]</c>: every problem at once, with file, line, column and field path.</summary>
internal sealed class ValidateCommand(CliContext context, GraystepSettings settings) : CommandBase(context, settings)
{
    public int Execute(string path)
    {
        var baseDirectory = SpecBase(path);
        var full = Path.GetFullPath(Path.Combine(baseDirectory, path));
        var isFile = Context.Files.FileExists(full);
        if (!isFile && !Context.Files.DirectoryExists(full))
        {
            throw SpecSource.NotFound(path, Context.WorkingDirectory, baseDirectory, "pass a rollout spec file or a folder to search");
        }

        using var providers = Compose();
        var source = Specs(providers);
        var set = source.LoadFolder(baseDirectory, isFile ? Path.GetDirectoryName(full)! : full);
        var shown = Path.GetRelativePath(baseDirectory, full).Replace('\\', '/');
        var rollouts = set.Rollouts.Where(r => !isFile || r.File == shown).ToList();
        var templates = set.Templates.Where(t => !isFile || t.File == shown).ToList();
        var problems = (isFile ? set.ProblemsFor(shown) : set.Problems).ToList();

        if (Json)
        {
            var json = new JsonObject
            {
                ["valid"] = problems.Count == 0,
                ["rollouts"] = new JsonArray([.. rollouts.Select(r => (JsonNode)new JsonObject
                {
                    ["file"] = r.File,
                    ["rollout"] = r.Id,
                    ["provider"] = r.Provider.Id,
                    ["strategy"] = JsonOutput.Strategy(r.Strategy),
                    ["steps"] = new JsonArray([.. r.Analysis.StepWeights.Select(w => (JsonNode)w)]),
                    ["iterations"] = r.Analysis.Iterations,
                    ["summary"] = SpecSummary.Describe(r),
                })]),
                ["templates"] = new JsonArray([.. templates.Select(t => (JsonNode)new JsonObject { ["file"] = t.File, ["name"] = t.Name, ["namespace"] = t.Namespace })]),
                ["problems"] = new JsonArray([.. problems.Select(p => (JsonNode)new JsonObject
                {
                    ["file"] = p.Location.File,
                    ["line"] = p.Location.Line,
                    ["column"] = p.Location.Column,
                    ["path"] = p.FieldPath,
                    ["message"] = p.Message,
                })]),
            };
            Context.Out.WriteLine(json.ToJsonString(JsonOutput.Options));
        }
        else
        {
            foreach (var rollout in rollouts.Where(r => problems.All(p => p.Location.File != r.File)))
            {
                Context.Out.WriteLine(SpecSummary.Describe(rollout));
            }
        }

        WriteWarnings((isFile ? set.WarningsFor(shown) : set.Warnings).Concat(DeprecatedApis.Warnings(set.Manifests)));
        if (problems.Count > 0)
        {
            var writer = CreateCiWriter(providers, toError: true);
            writer.ReportProblems([.. problems.Select(p => Problem.From(p))]);
            var files = problems.Select(p => p.Location.File).Distinct(StringComparer.Ordinal).Count();
            Context.Error.WriteLine($"error: {problems.Count} problem{(problems.Count == 1 ? string.Empty : "s")} in {files} file{(files == 1 ? string.Empty : "s")}; fix them and run graystep validate again");
            return ExitCodes.InvalidSpec;
        }

        if (rollouts.Count == 0 && templates.Count == 0)
        {
            Context.Error.WriteLine($"error: {path}: no Rollout, Canary or MetricTemplate found");
            Context.Error.WriteLine("hint: a spec has apiVersion graystep.io/v1alpha1 and kind Rollout (or flagger.app/v1beta1 Canary); see examples/");
            return ExitCodes.InvalidSpec;
        }

        return ExitCodes.Success;
    }
}
