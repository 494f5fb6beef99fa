using Graystep.Core.History;
using Graystep.Core.Manifests;
using Graystep.Core.Spec;

namespace Graystep.Core.Rollouts;

/// <summary>One rollout resolved from a PATH, with everything found beside it.</summary>
public sealed record LoadedRollout(RolloutSpec Spec, SpecSet Set, string SpecDirectory)
{
    /// <summary>
    /// Plain manifests under the spec's folder: the target and what selects it. Graystep's own rendered output is
    /// left out: the output folder usually sits under the spec's folder, and reading it back as input would make
    /// the rendered Services and Ingresses clash with the ones rendered from the templates.
    /// </summary>
    public IReadOnlyList<ManifestDocument> Manifests { get; } = [.. Set.Manifests.Where(m => !m.IsRendered)];

    public IReadOnlyList<MetricTemplate> Templates => Set.Templates;

    /// <summary>The output folder, relative to the scan root, with '/' separators and no trailing '/'.</summary>
    public string OutputPath => Normalize(Path.Combine(SpecDirectory, Spec.Output));

    public string StatusPath => $"{OutputPath}/{StatusDocument.FileName}";

    /// <summary>The manifest <c>spec.targetRef</c> names: the template of every version's workload.</summary>
    public ManifestDocument Target => Manifests.First(m => m.Kind == Spec.TargetRef.Kind && m.Name == Spec.TargetRef.Name);

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

/// <summary>The rollout as read from the tip of the branch: spec, status and the commit that wrote the status.</summary>
public sealed record RolloutState(LoadedRollout Loaded, RolloutStatus? Status, CommitRecord? StatusCommit)
{
    public RolloutSpec Spec => Loaded.Spec;
}
