using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.Manifests;
using Graystep.Core.Providers;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;

namespace Graystep.Engine.Specs;

/// <summary>Reads spec, template and manifest files from disk and hands them to Core as text.</summary>
public sealed class SpecSource(IFileSystem files, ProviderCatalogue catalogue)
{
    public IFileSystem Files => files;

    public ProviderCatalogue Catalogue => catalogue;

    private static readonly string[] SkippedFolders = [".git", "node_modules", "bin", "obj", ".github"];

    /// <summary>
    /// Loads every YAML file under <paramref name="directory"/>. <paramref name="baseDirectory"/> is what paths
    /// are shown relative to (the repository root for the engine, the current directory for validate).
    /// </summary>
    public SpecSet LoadFolder(string baseDirectory, string directory)
    {
        var sources = new List<SourceFile>();
        foreach (var file in EnumerateYaml(directory).Order(StringComparer.Ordinal))
        {
            sources.Add(new SourceFile(Display(baseDirectory, file), files.ReadAllText(file)));
        }

        return SpecLoader.Load(sources, catalogue);
    }

    /// <summary>
    /// Resolves PATH (a spec file, or a folder holding exactly one rollout) relative to <paramref name="baseDirectory"/>.
    /// Invalid specs raise an error listing every problem (exit code 3).
    /// </summary>
    public LoadedRollout LoadRollout(string baseDirectory, string path)
    {
        var full = Path.GetFullPath(Path.Combine(baseDirectory, path));
        var isFile = files.FileExists(full);
        if (!isFile && !files.DirectoryExists(full))
        {
            throw new GraystepException($"{path}: no such file or folder", ExitCodes.InvalidSpec, "pass the rollout spec file or the folder that holds it");
        }

        var folder = isFile ? Path.GetDirectoryName(full)! : full;
        var set = LoadFolder(baseDirectory, folder);
        var display = Display(baseDirectory, full);
        var rollouts = isFile ? set.Rollouts.Where(r => r.File == display).ToList() : [.. set.Rollouts];
        var problems = (isFile ? set.ProblemsFor(display) : set.Problems).ToList();
        if (problems.Count > 0)
        {
            throw new SpecInvalidException(problems);
        }

        return rollouts.Count switch
        {
            1 => new LoadedRollout(rollouts[0], set, Display(baseDirectory, Path.GetDirectoryName(Path.GetFullPath(Path.Combine(baseDirectory, rollouts[0].File)))!)),
            0 => throw new GraystepException(
                isFile ? $"{path} holds no Rollout (graystep.io/v1alpha1) or Canary (flagger.app/v1beta1)" : $"{path}: no Rollout or Canary found under this folder",
                ExitCodes.InvalidSpec,
                "pass the rollout spec file; see examples/ for the format"),
            _ => throw new GraystepException(
                $"{path} holds {rollouts.Count} rollouts ({string.Join(", ", rollouts.Select(r => r.File))}); pass one spec file",
                ExitCodes.Usage),
        };
    }

    private IEnumerable<string> EnumerateYaml(string directory)
    {
        foreach (var file in files.EnumerateFiles(directory, "*", recursive: true))
        {
            var relative = Path.GetRelativePath(directory, file).Replace('\\', '/');
            if (relative.Split('/').Any(segment => SkippedFolders.Contains(segment, StringComparer.Ordinal)))
            {
                continue;
            }

            if (file.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            {
                yield return file;
            }
        }
    }

    private static string Display(string baseDirectory, string file)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(baseDirectory), file).Replace('\\', '/');
        return relative == "." ? string.Empty : relative;
    }
}

/// <summary>Every problem found in the specs; the CLI prints one line each and exits with 3.</summary>
public sealed class SpecInvalidException(IReadOnlyList<SpecProblem> problems)
    : GraystepException(problems.Count == 1 ? "1 problem in the rollout spec" : $"{problems.Count} problems in the rollout spec", ExitCodes.InvalidSpec)
{
    public IReadOnlyList<SpecProblem> Problems { get; } = problems;
}
