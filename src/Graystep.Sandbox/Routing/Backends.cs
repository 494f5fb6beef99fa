using System.Globalization;
using Graystep.Sandbox.Cluster;
using YamlDotNet.RepresentationModel;

namespace Graystep.Sandbox.Routing;

/// <summary>Resolves Services, Istio hosts and subsets to the workloads behind them, by label selectors.</summary>
internal static class Backends
{
    /// <summary>A Service's endpoints: the workloads its selector selects. The version is the selector's <c>version</c>.</summary>
    public static Backend Service(ClusterState state, string ns, string name, string port)
    {
        var selector = state.Find("Service", ns, name)?.Spec.StringMap("selector") ?? new Dictionary<string, string>();
        return new Backend(ns, name, selector.TryGetValue("version", out var v) ? v : null, state.Select(ns, selector), port);
    }

    /// <summary>
    /// An Istio destination: the host's Service selector narrowed by the DestinationRule subset's labels. A host with
    /// no Service resolves by the subset labels alone.
    /// </summary>
    public static Backend Istio(ClusterState state, string ns, string host, string? subset, string port)
    {
        var (name, hostNs) = SplitHost(host, ns);
        var service = state.Find("Service", hostNs, name);
        var selector = new Dictionary<string, string>(service?.Spec.StringMap("selector") ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        string? version = selector.TryGetValue("version", out var sv) ? sv : null;
        if (subset is not null)
        {
            var labels = SubsetLabels(state, hostNs, name, subset);
            if (labels is null)
            {
                // Istio answers 503 (no healthy upstream) for an undefined subset.
                return new Backend(hostNs, name, subset, [], port);
            }

            foreach (var (k, v) in labels)
            {
                selector[k] = v;
            }

            version = labels.TryGetValue("version", out var lv) ? lv : version;
        }

        return new Backend(hostNs, name, version, state.Select(hostNs, selector), port);
    }

    /// <summary><c>reviews</c>, <c>reviews.bookinfo</c> and <c>reviews.bookinfo.svc.cluster.local</c> name the same Service.</summary>
    public static (string Name, string Namespace) SplitHost(string host, string defaultNamespace)
    {
        var parts = host.Split('.');
        return parts.Length >= 2 ? (parts[0], parts[1]) : (parts[0], defaultNamespace);
    }

    public static string Port(YamlNode? port) =>
        port.Str("number") ?? port.Str("name") ?? (port as YamlScalarNode)?.Value ?? string.Empty;

    public static string Port(double? number) => number?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;

    private static IReadOnlyDictionary<string, string>? SubsetLabels(ClusterState state, string ns, string serviceName, string subset)
    {
        foreach (var rule in state.OfKind("DestinationRule").Where(r => r.Namespace == ns))
        {
            var host = rule.Spec.Str("host");
            if (host is null || SplitHost(host, rule.Namespace) != (serviceName, ns))
            {
                continue;
            }

            var match = rule.Spec.Seq("subsets").Maps().FirstOrDefault(s => s.Str("name") == subset);
            if (match is not null)
            {
                return match.StringMap("labels");
            }
        }

        return null;
    }
}
