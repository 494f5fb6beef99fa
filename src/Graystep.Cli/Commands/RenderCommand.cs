using System.Text.Json.Nodes;
using Graystep.Cli.Composition;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.Manifests;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using Graystep.Engine.Rollouts;

namespace Graystep.Cli.Commands;

/// <summary><c>graystep render</c>: write the manifests for a version into the output folder. No git.</summary>
internal sealed class RenderCommand(CliContext context, GraystepSettings settings) : CommandBase(context, settings)
{
    public int Execute(string path, string version, IReadOnlyDictionary<string, string> images, int? weight)
    {
        if (weight is < 0 or > 100)
        {
            throw new GraystepException($"--weight {weight}: must be between 0 and 100", ExitCodes.Usage);
        }

        VersionName.CheckOption("--version", version);
        using var providers = Compose();
        // The loaded paths (output, status file) are relative to the folder the spec was found from.
        var baseDirectory = SpecBase(path);
        var loaded = Specs(providers).LoadRollout(baseDirectory, path, Context.WorkingDirectory);
        var spec = loaded.Spec;
        WriteWarnings(loaded.Set.WarningsFor(spec.File).Concat(DeprecatedApis.Warnings(loaded.Manifests)));
        var target = loaded.Target;
        var templateImages = TargetWorkload.Images(target);
        foreach (var container in images.Keys.Where(c => !templateImages.ContainsKey(c)))
        {
            throw new GraystepException($"--image {container}=...: {target.Kind}/{target.Name} has no container named '{container}'",
                ExitCodes.Usage, $"containers in {target.File}: {string.Join(", ", templateImages.Keys)}");
        }

        // The stable version comes from the status file when a rollout has run, else from the target itself.
        var statusFile = Path.Combine(baseDirectory, loaded.StatusPath);
        var stable = Context.Files.FileExists(statusFile)
            ? StatusDocument.Read(loaded.StatusPath, new PathGuard(Context.Files, RolloutStore.WorkTree(Context.Files, baseDirectory, loaded)).ReadYaml(statusFile)).Stable
            : VersionRef.Of(TargetWorkload.InitialVersion(target), templateImages);
        var canary = version == stable.Name
            ? null
            : VersionRef.Of(version, templateImages.ToDictionary(p => p.Key, p => images.TryGetValue(p.Key, out var image) ? image : p.Value));
        var w = weight ?? 0;
        var traffic = StepPlan.TrafficAtWeight(spec, w);
        if (spec.Strategy == Strategy.BlueGreen && w is > 0 and < 100)
        {
            throw new GraystepException($"--weight {w}: blue/green switches all traffic at once", ExitCodes.Usage, "use --weight 0 (stable) or --weight 100 (switched)");
        }

        // Edited objects change at every step; render names them when they are first written, as passed-through ones.
        var outputDirectory = Path.Combine(baseDirectory, loaded.OutputPath);
        var existing = Context.Files.DirectoryExists(outputDirectory)
            ? Context.Files.EnumerateFiles(outputDirectory, "*.yaml", recursive: false).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal)
            : [];
        var changed = RolloutStore.RenderOutput(Context.Files, providers.Renderer, baseDirectory, loaded, stable, canary, traffic, out var output);
        if (Json)
        {
            Context.Out.WriteLine(new JsonObject
            {
                ["rollout"] = spec.Id,
                ["output"] = loaded.OutputPath,
                ["stable"] = stable.Name,
                ["canary"] = canary?.Name,
                ["weight"] = canary is null ? 0 : w,
                ["changed"] = new JsonArray([.. changed.Select(c => (JsonNode)c)]),
                ["passedThrough"] = new JsonArray([.. output.PassedThrough.Select(p => (JsonNode)new JsonObject
                {
                    ["kind"] = p.Kind, ["name"] = p.Name, ["file"] = p.File, ["line"] = p.Line,
                })]),
                ["edited"] = new JsonArray([.. output.Edited.Select(e => (JsonNode)new JsonObject
                {
                    ["kind"] = e.Kind, ["name"] = e.Name, ["file"] = e.File, ["line"] = e.Line, ["output"] = e.OutputFile, ["what"] = e.What,
                })]),
                ["generated"] = new JsonArray([.. output.Generated.Select(g => (JsonNode)g)]),
            }.ToJsonString(JsonOutput.Options));
        }
        else
        {
            var what = canary is null ? $"{stable.Name} at 100%" : $"{stable.Name} (stable) and {canary.Name} (canary, {Describe(spec, traffic)})";
            Context.Out.WriteLine($"rendered {spec.Id}: {what} into {loaded.OutputPath}/");
            Context.Out.WriteLine(changed.Count == 0 ? "  no file changed" : string.Join(Environment.NewLine, changed.Select(c => "  " + c)));
            // Said when it is news (its file changed) or asked for, so that rendering again stays quiet.
            foreach (var passed in output.PassedThrough.Where(p => Settings.Verbose || changed.Contains(p.OutputFile)))
            {
                Context.Out.WriteLine($"  passed through as written: {passed.Kind} {passed.Name} ({passed.File}:{passed.Line})");
            }

            foreach (var edited in output.Edited.Where(e => Settings.Verbose || (changed.Contains(e.OutputFile) && !existing.Contains(e.OutputFile))))
            {
                Context.Out.WriteLine($"  edited from the templates: {edited.Kind} {edited.Name} ({edited.File}:{edited.Line}): {edited.What}");
            }

            if (Settings.Verbose)
            {
                Context.Out.WriteLine($"  generated by Graystep: {string.Join(", ", output.Generated)}");
            }
        }

        return ExitCodes.Success;
    }

    private static string Describe(RolloutSpec spec, TrafficSplit traffic) => spec.Strategy switch
    {
        Strategy.ABTesting => traffic.MatchActive ? "A/B match on" : "A/B match off",
        Strategy.BlueGreenMirroring => traffic.MirrorActive ? "mirroring on" : "mirroring off",
        _ => $"{traffic.CanaryWeight}%",
    };
}
