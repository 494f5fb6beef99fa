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
    /// A file that does not parse fails the whole apply, as a sync with a broken manifest does.
    /// </summary>
    public static ClusterState Parse(IEnumerable<RepoFile> files)
    {
        var objects = new List<ClusterObject>();
        foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            if (!IsRendered(file))
            {
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
                    throw new ApplyException(string.Create(CultureInfo.InvariantCulture,
                        $"{file.Path}:{doc.RootNode.Start.Line}: a Kubernetes object needs apiVersion, kind and metadata.name"));
                }

                var ns = root.Map("metadata").Str("namespace");
                objects.Add(new ClusterObject(file.Path, apiVersion, kind, name, string.IsNullOrEmpty(ns) ? "default" : ns, root));
            }
        }

        return new ClusterState(objects);
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
