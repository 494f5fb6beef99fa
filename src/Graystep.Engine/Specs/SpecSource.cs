using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.Manifests;
using Graystep.Core.Providers;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using YamlDotNet.RepresentationModel;

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
        var guard = PathGuard.ForWorkTree(files, directory, baseDirectory);
        var sources = new List<SourceFile>();
        var refused = new List<SpecProblem>();
        foreach (var link in files.EnumerateDirectoryLinks(directory).Where(l => !IsSkipped(directory, l)))
        {
            // A linked folder is never walked; one that leaves the work tree is said so, as its files are not read.
            if (guard.Problem(link) is { } problem)
            {
                refused.Add(new SpecProblem(new SourceLocation(Display(baseDirectory, link), 1, 1), "", problem));
            }
        }

        foreach (var file in EnumerateYaml(directory).Order(StringComparer.Ordinal))
        {
            var shown = Display(baseDirectory, file);
            if (guard.Problem(file) is { } problem)
            {
                refused.Add(new SpecProblem(new SourceLocation(shown, 1, 1), "", problem));
                continue;
            }

            // Checked before reading: a 50 MB file is refused without being read or parsed.
            var length = files.FileLength(file);
            if (length > YamlLimits.MaxFileBytes)
            {
                refused.Add(new SpecProblem(new SourceLocation(shown, 1, 1), "", YamlLimits.TooLarge(length)));
                continue;
            }

            sources.Add(new SourceFile(shown, files.ReadAllText(file)));
        }

        var set = SpecLoader.Load(sources, catalogue);
        foreach (var rollout in set.Rollouts)
        {
            var output = Path.Combine(baseDirectory, Path.GetDirectoryName(rollout.File) ?? string.Empty, rollout.Output);
            if (guard.Problem(output) is { } problem)
            {
                var at = OutputNode(rollout.Document?.Root)?.Start ?? rollout.Document?.Root.Start;
                refused.Add(new SpecProblem(
                    new SourceLocation(rollout.File, (int)(at?.Line ?? 1), (int)(at?.Column ?? 1)),
                    "spec.output",
                    problem));
            }
        }

        if (refused.Count == 0)
        {
            return set;
        }

        var invalid = refused.Select(p => p.Location.File).ToHashSet(StringComparer.Ordinal);
        return set with
        {
            Rollouts = [.. set.Rollouts.Where(r => !invalid.Contains(r.File))],
            Problems = [.. set.Problems.Concat(refused)
                .OrderBy(p => p.Location.File, StringComparer.Ordinal)
                .ThenBy(p => p.Location.Line)
                .ThenBy(p => p.Location.Column)],
        };
    }

    /// <summary>
    /// PATH found neither relative to the working directory nor to the repository root: the error names both places
    /// (one when they are the same folder).
    /// </summary>
    public static GraystepException NotFound(string path, string? workingDirectory, string repositoryRoot, string hint)
    {
        ArgumentNullException.ThrowIfNull(repositoryRoot);
        var root = Path.GetFullPath(repositoryRoot);
        var where = workingDirectory is null || string.Equals(Path.GetFullPath(workingDirectory), root, StringComparison.Ordinal)
            ? $"no such file or folder in {root}"
            : $"no such file or folder in the working directory ({Path.GetFullPath(workingDirectory)}) or the repository root ({root})";
        return new GraystepException($"{path}: {where}", ExitCodes.InvalidSpec, hint);
    }

    /// <summary>
    /// Resolves PATH (a spec file, or a folder holding exactly one rollout) relative to <paramref name="baseDirectory"/>.
    /// Invalid specs raise an error listing every problem (exit code 3). <paramref name="workingDirectory"/>, when the
    /// caller looked there first, is named in the not-found error beside the repository root.
    /// </summary>
    public LoadedRollout LoadRollout(string baseDirectory, string path, string? workingDirectory = null)
    {
        var full = Path.GetFullPath(Path.Combine(baseDirectory, path));
        var isFile = files.FileExists(full);
        if (!isFile && !files.DirectoryExists(full))
        {
            throw NotFound(path, workingDirectory, baseDirectory, "pass the rollout spec file or the folder that holds it");
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

    private static YamlNode? OutputNode(YamlMappingNode? root) =>
        root is not null && root.Children.TryGetValue(new YamlScalarNode("spec"), out var spec) &&
        spec is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode("output"), out var output)
            ? output
            : null;

    private static bool IsSkipped(string directory, string path) =>
        Path.GetRelativePath(directory, path).Replace('\\', '/').Split('/').Any(segment => SkippedFolders.Contains(segment, StringComparer.Ordinal));

    private IEnumerable<string> EnumerateYaml(string directory)
    {
        foreach (var file in files.EnumerateFiles(directory, "*", recursive: true))
        {
            if (IsSkipped(directory, file))
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
