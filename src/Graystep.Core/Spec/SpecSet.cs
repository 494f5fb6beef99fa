using Graystep.Core.Manifests;

namespace Graystep.Core.Spec;

/// <summary>
/// Everything <see cref="SpecLoader"/> read from a set of files.
/// <see cref="Rollouts"/> and <see cref="Templates"/> hold only the valid ones, with every default filled in;
/// <see cref="Problems"/> holds every problem, sorted by file, line and column.
/// <see cref="Manifests"/> holds every other document (Graystep's rendered output included, marked <see cref="ManifestDocument.IsRendered"/>).
/// </summary>
public sealed record SpecSet(
    IReadOnlyList<RolloutSpec> Rollouts,
    IReadOnlyList<MetricTemplate> Templates,
    IReadOnlyList<ManifestDocument> Manifests,
    IReadOnlyList<SpecProblem> Problems)
{
    public bool IsValid => Problems.Count == 0;

    /// <summary>
    /// Files holding a Rollout or Canary, valid or not. A command given one spec file reports that file's problems and
    /// those of the files it may depend on (templates, manifests), but not those of other rollouts.
    /// </summary>
    public IReadOnlyList<string> RolloutFiles { get; init; } = [];

    /// <summary>Fields that were accepted but mean nothing without a controller in the cluster, each with the reason.</summary>
    public IReadOnlyList<SpecProblem> Warnings { get; init; } = [];

    /// <summary>The warnings that concern the rollout spec in <paramref name="file"/>, as <see cref="ProblemsFor"/>.</summary>
    public IEnumerable<SpecProblem> WarningsFor(string file) =>
        Warnings.Where(p => p.Location.File == file || !RolloutFiles.Contains(p.Location.File, StringComparer.Ordinal));

    /// <summary>The problems that concern the rollout spec in <paramref name="file"/>.</summary>
    public IEnumerable<SpecProblem> ProblemsFor(string file) =>
        Problems.Where(p => p.Location.File == file || !RolloutFiles.Contains(p.Location.File, StringComparer.Ordinal));
}
