using System.Globalization;
using Graystep.Core.Manifests;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Graystep.Sandbox.Cluster;

/// <summary>One applied Kubernetes object, as read from a rendered file.</summary>
internal sealed record ClusterObject(string File, string ApiVersion, string Kind, string Name, string Namespace, YamlMappingNode Root)
{
    public string Group => ApiVersion.Contains('/', StringComparison.Ordinal) ? ApiVersion[..ApiVersion.IndexOf('/', StringComparison.Ordinal)] : string.Empty;

    public YamlMappingNode? Spec => Root.Map("spec");

    public IReadOnlyDictionary<string, string> Labels => Root.Map("metadata").StringMap("labels");

    public IReadOnlyDictionary<string, string> Annotations => Root.Map("metadata").StringMap("annotations");
}

/// <summary>A file the reconciler read at a commit (path relative to the repo root, text as UTF-8).</summary>
internal sealed record RepoFile(string Path, string Text);

/// <summary>The objects applied from one commit: what the simulated cluster runs.</summary>
internal sealed class ClusterState
{
    public static readonly ClusterState Empty = new([]);

    public ClusterState(IReadOnlyList<ClusterObject> objects)
    {
        Objects = objects;
        Deployments = objects.Where(o => o.Kind == "Deployment").Select(Workload.From).ToList();
    }

    public IReadOnlyList<ClusterObject> Objects { get; }

    public IReadOnlyList<Workload> Deployments { get; }

    public IEnumerable<ClusterObject> OfKind(string kind) => Objects.Where(o => o.Kind == kind);

    public ClusterObject? Find(string kind, string ns, string name) =>
        Objects.FirstOrDefault(o => o.Kind == kind && o.Namespace == ns && o.Name == name);

    /// <summary>Workloads whose pod labels carry every selector entry, as kube-proxy resolves a Service's endpoints.</summary>
    public IReadOnlyList<Workload> Select(string ns, IReadOnlyDictionary<string, string> selector) =>
        selector.Count == 0
            ? []
            : Deployments.Where(d => d.Namespace == ns && selector.All(s => d.PodLabels.TryGetValue(s.Key, out var v) && v == s.Value)).ToList();

    /// <summary>
    /// Reads every rendered file (first line <see cref="ManifestDocument.RenderedMarker"/>, .yaml/.yml) into objects.
    /// A folder with a <c>kustomization.yaml</c> contributes only the resources it lists, as Argo CD and Flux build it
    /// (so the engine's status file, which is not listed, is never applied). Broken YAML fails the whole apply, as a
    /// sync with a broken manifest does; a document that is not a Kubernetes object is skipped and reported.
    /// </summary>
    public static ClusterState Parse(IEnumerable<RepoFile> files, ICollection<string>? skipped = null)
    {
        var rendered = files.Where(IsRendered).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        var kustomizations = rendered
            .Where(IsKustomization)
            .GroupBy(f => Folder(f.Path), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Resources(g.First()), StringComparer.Ordinal);
        var objects = new List<ClusterObject>();
        foreach (var file in rendered)
        {
            if (IsKustomization(file))
            {
                continue;
            }

            if (!Listed(file.Path, kustomizations))
            {
                skipped?.Add($"{file.Path}: not listed in its kustomization");
                continue;
            }

            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(file.Text));
            }
            catch (YamlException e)
            {
                throw new ApplyException(string.Create(CultureInfo.InvariantCulture,
                    $"{file.Path}:{e.Start.Line}:{e.Start.Column}: {e.Message}"));
            }

            foreach (var doc in stream.Documents)
            {
                if (doc.RootNode is not YamlMappingNode root)
                {
                    continue;
                }

                var apiVersion = root.Str("apiVersion");
                var kind = root.Str("kind");
                var name = root.Map("metadata").Str("name");
                if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind) || string.IsNullOrEmpty(name))
                {
                    skipped?.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{file.Path}:{doc.RootNode.Start.Line}: not a Kubernetes object (needs apiVersion, kind and metadata.name)"));
                    continue;
                }

                var ns = root.Map("metadata").Str("namespace");
                objects.Add(new ClusterObject(file.Path, apiVersion, kind, name, string.IsNullOrEmpty(ns) ? "default" : ns, root));
            }
        }

        return new ClusterState(objects);
    }

    /// <summary>A kustomization is build input for the reconciler, not an object it applies.</summary>
    private static bool IsKustomization(RepoFile file) => System.IO.Path.GetFileName(file.Path) is "kustomization.yaml" or "kustomization.yml";

    private static string Folder(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? string.Empty : path[..slash];
    }

    /// <summary>The files and folders a kustomization lists under <c>resources</c>, as repo paths.</summary>
    private static IReadOnlyList<string> Resources(RepoFile kustomization)
    {
        var folder = Folder(kustomization.Path);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(kustomization.Text));
        }
        catch (YamlException e)
        {
            throw new ApplyException(string.Create(CultureInfo.InvariantCulture, $"{kustomization.Path}:{e.Start.Line}:{e.Start.Column}: {e.Message}"));
        }

        var root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null;
        return root.Seq("resources")?.Children.OfType<YamlScalarNode>()
            .Select(n => Normalize(folder.Length == 0 ? n.Value ?? string.Empty : $"{folder}/{n.Value}"))
            .ToList() ?? [];
    }

    /// <summary>The nearest kustomization above a file decides whether it is applied; without one, every file is.</summary>
    private static bool Listed(string path, Dictionary<string, IReadOnlyList<string>> kustomizations)
    {
        for (var folder = Folder(path); ; folder = Folder(folder))
        {
            if (kustomizations.TryGetValue(folder, out var resources))
            {
                return resources.Any(r => r == path || path.StartsWith(r.TrimEnd('/') + "/", StringComparison.Ordinal));
            }

            if (folder.Length == 0)
            {
                return true;
            }
        }
    }

    private static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 0)
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else
            {
                parts.Add(part);
            }
        }

        return string.Join('/', parts);
    }

    public static bool IsRendered(RepoFile file) =>
        (file.Path.EndsWith(".yaml", StringComparison.Ordinal) || file.Path.EndsWith(".yml", StringComparison.Ordinal))
        && FirstLine(file.Text) == ManifestDocument.RenderedMarker;

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return (end < 0 ? text : text[..end]).TrimEnd('\r');
    }
}

/// <summary>A commit could not be applied (a broken manifest); the cluster keeps running the last good one.</summary>
internal sealed class ApplyException(string message) : Exception(message);
