using Graystep.Core.Manifests;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;

namespace Graystep.Rendering;

/// <summary>
/// Everything one render needs. <paramref name="Manifests"/> are the plain (not rendered) manifests found under
/// the spec's folder. <paramref name="Canary"/> null renders the stable version alone at 100% (initialize, and
/// after promotion or rollback); <paramref name="Traffic"/> is then ignored.
/// </summary>
public sealed record RenderRequest(
    RolloutSpec Spec,
    IReadOnlyList<ManifestDocument> Manifests,
    VersionRef Stable,
    VersionRef? Canary,
    TrafficSplit Traffic)
{
    /// <summary>
    /// Folders (relative, '/'-separated, "" for the root) whose manifests are not this rollout's templates, so they
    /// are never passed through into its output: the output folder itself (files others put there), and the folders
    /// that hold another rollout's spec (their manifests belong to that rollout, or to both).
    /// </summary>
    public IReadOnlyList<string> NotTemplateFolders { get; init; } = [];

    /// <summary>
    /// Versions that keep running without traffic: one retiring after a switch (<c>analysis.scaleDownDelay</c>) or a
    /// standby (<c>analysis.keepPrevious</c>). Their workloads are rendered; no route points at them.
    /// </summary>
    public IReadOnlyList<VersionRef> Idle { get; init; } = [];

    /// <summary>Where the user's own unversioned Deployment stands while the first rollout adopts it.</summary>
    public OriginalWorkload Original { get; init; } = OriginalWorkload.Gone;
}

/// <summary>The user's own Deployment (the template as written) during an adoption.</summary>
public enum OriginalWorkload
{
    /// <summary>Not rendered: adopted, or never adopted (its name already is the versioned one).</summary>
    Gone,

    /// <summary>
    /// Running beside its versioned copy with the routing as the user wrote it: every template object is written as it
    /// is, so applying the output changes nothing that serves traffic, and only adds the copy.
    /// </summary>
    BesideCopy,

    /// <summary>Still running, without traffic: Graystep's routing sends the version to the copy only.</summary>
    WithoutTraffic,
}

/// <summary>One file of the output folder: a name relative to that folder, and its exact text.</summary>
public sealed record RenderedFile(string RelativePath, string Content);

/// <summary>The whole output folder, sorted by path (ordinal). Includes <c>kustomization.yaml</c>.</summary>
public sealed record RenderedOutput(IReadOnlyList<RenderedFile> Files)
{
    /// <summary>The template objects written to the output as the user wrote them.</summary>
    public IReadOnlyList<Workloads.PassedThrough> PassedThrough { get; init; } = [];

    /// <summary>The template routing objects Graystep edited (their routes to the service) instead of rendering its own.</summary>
    public IReadOnlyList<Workloads.EditedObject> Edited { get; init; } = [];

    /// <summary>The output files that are Graystep's own: neither passed through nor edited, and not the kustomization.</summary>
    public IEnumerable<string> Generated => Paths.Where(p => p != "kustomization.yaml" &&
        !PassedThrough.Any(t => t.OutputFile == p) && !Edited.Any(e => e.OutputFile == p));

    public RenderedFile? Find(string relativePath) =>
        Files.FirstOrDefault(f => string.Equals(f.RelativePath, relativePath, StringComparison.Ordinal));

    public IEnumerable<string> Paths => Files.Select(f => f.RelativePath);
}
