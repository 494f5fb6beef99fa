using YamlDotNet.RepresentationModel;

namespace Graystep.Core.Manifests;

/// <summary>A file handed to Core as text; <see cref="Path"/> is what messages show (relative to the scan root).</summary>
public sealed record SourceFile(string Path, string Text);

/// <summary>One YAML document of a Kubernetes-style manifest, with where it starts.</summary>
public sealed record ManifestDocument(
    string File,
    int Line,
    int Column,
    string? ApiVersion,
    string? Kind,
    string? Name,
    string? Namespace,
    YamlMappingNode Root)
{
    /// <summary>Files Graystep renders start with this line; they are never targets or specs.</summary>
    public const string RenderedMarker = "# graystep: rendered";

    /// <summary>True when the file starts with <see cref="RenderedMarker"/>: Graystep's own output, never a target or a spec.</summary>
    public bool IsRendered { get; init; }
}
