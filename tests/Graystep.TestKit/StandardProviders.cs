using Graystep.Core.Providers;
using Graystep.Gates;
using Graystep.Gates.Alerts;
using Graystep.Gates.Sync;
using Graystep.Metrics;
using Graystep.Rendering;
using Graystep.Rendering.Routing;

namespace Graystep.TestKit;

/// <summary>
/// What the CLI's composition root registers, for tests that load specs, render or run rollouts without the CLI:
/// the real routers, the real metric provider types and sync kinds. Nothing here touches the network.
/// </summary>
public static class StandardProviders
{
    public static ProviderCatalogue Catalogue { get; } = new(
        Routers.Default.Descriptors,
        MetricProviders.Create(() => throw new InvalidOperationException("the catalogue never queries"), TimeProvider.System).Names,
        SyncGates.Create(() => throw new InvalidOperationException("the catalogue never reads the Kubernetes API"), TimeProvider.System, new KubeSettings(), new NoFiles()).Ids,
        Routers.DefaultProvider)
    {
        AlertProviderTypes = AlertSenders.Create(() => throw new InvalidOperationException("the catalogue never sends"), TimeProvider.System).Ids,
    };

    public static ManifestRenderer Renderer { get; } = new(Routers.Default);

    /// <summary>A traffic provider's descriptor by id, as a spec names it.</summary>
    public static TrafficProvider Provider(string id) => Routers.Default.Resolve(null, id).Descriptor;

    public static TrafficProvider Istio => Provider("istio");

    public static TrafficProvider Nginx => Provider("nginx");

    public static TrafficProvider GatewayApi => Provider("gateway-api");

    public static TrafficProvider Kubernetes => Provider("kubernetes");

    private sealed class NoFiles : Core.Abstractions.IFileSystem
    {
        public bool FileExists(string path) => false;

        public bool DirectoryExists(string path) => false;

        public string ReadAllText(string path) => throw new FileNotFoundException(path);

        public byte[] ReadAllBytes(string path) => throw new FileNotFoundException(path);

        public void WriteAllBytes(string path, byte[] content) => throw new InvalidOperationException("read-only");

        public void DeleteFile(string path) => throw new InvalidOperationException("read-only");

        public void CreateDirectory(string path) => throw new InvalidOperationException("read-only");

        public IEnumerable<string> EnumerateFiles(string directory, string searchPattern, bool recursive) => [];
    }
}
