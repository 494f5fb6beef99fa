using Graystep.Core.Manifests;
using Graystep.TestKit;
using YamlDotNet.RepresentationModel;

namespace Graystep.Rendering.Tests.Support;

/// <summary>Parses manifests the way the spec loader hands them to the renderer (the parser is not on this branch).</summary>
internal static class Manifests
{
    public static IReadOnlyList<ManifestDocument> Parse(string file, string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var documents = new List<ManifestDocument>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root)
            {
                continue;
            }

            var metadata = Child(root, "metadata") as YamlMappingNode;
            documents.Add(new ManifestDocument(
                file,
                (int)root.Start.Line,
                (int)root.Start.Column,
                Text(root, "apiVersion"),
                Text(root, "kind"),
                metadata is null ? null : Text(metadata, "name"),
                metadata is null ? null : Text(metadata, "namespace"),
                root));
        }

        return documents;
    }

    /// <summary>Every plain manifest under an example folder; rendered files are skipped as the loader skips them.</summary>
    public static IReadOnlyList<ManifestDocument> Example(string name)
    {
        var root = RepoPaths.Example(name);
        var files = Directory.EnumerateFiles(root, "*.yaml", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(files);
        return files
            .Select(f => (Path: Path.GetRelativePath(root, f).Replace('\\', '/'), Text: File.ReadAllText(f)))
            .Where(f => !f.Text.StartsWith(ManifestDocument.RenderedMarker, StringComparison.Ordinal))
            .SelectMany(f => Parse(f.Path, f.Text))
            .ToList();
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Text(YamlMappingNode map, string key) => (Child(map, key) as YamlScalarNode)?.Value;
}
