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
}
