using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.Manifests;
using Graystep.Core.Spec;

namespace Graystep.Engine.Specs;

/// <summary>One rollout resolved from a PATH, with everything found beside it.</summary>
public sealed record LoadedRollout(RolloutSpec Spec, SpecSet Set, string SpecDirectory)
{
    /// <summary>
    /// Plain manifests under the spec's folder: the target and what selects it. Graystep's own rendered output is
    /// left out: read back as input, a rendered canary Service would be copied next to the one rendered anew.
    /// </summary>
    public IReadOnlyList<ManifestDocument> Manifests { get; } = [.. Set.Manifests.Where(m => !m.IsRendered)];

    public IReadOnlyList<MetricTemplate> Templates => Set.Templates;

    /// <summary>The output folder, relative to the scan root, with '/' separators and no trailing '/'.</summary>
    public string OutputPath => Normalize(Path.Combine(SpecDirectory, Spec.Output));

    public string StatusPath => $"{OutputPath}/{Core.Rollouts.StatusDocument.FileName}";

    private static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        return string.Join('/', parts);
    }
}

/// <summary>Reads spec, template and manifest files from disk and hands them to Core as text.</summary>
public sealed class SpecSource(IFileSystem files)
{
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

        return SpecLoader.Load(sources);
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
        var problems = set.Problems.Where(p => !isFile || p.Location.File == display || IsTemplateFile(set, p.Location.File)).ToList();
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

    private static bool IsTemplateFile(SpecSet set, string file) => set.Templates.Any(t => t.File == file);

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
