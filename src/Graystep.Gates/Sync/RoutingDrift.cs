using System.Globalization;
using System.Text.Json;

namespace Graystep.Gates.Sync;

/// <summary>
/// Whether a routing object in the cluster is the one the commit applies: its weights first (the difference a
/// person looks for, both sides in one line), then every other field. Istio's kinds get no defaults from the API
/// server, so their spec must equal the commit's; HTTPRoute, Ingress and Service do, so there every committed field
/// must hold and the rest are the server's defaults.
/// </summary>
internal static class RoutingDrift
{
    private const string NginxAnnotations = "nginx.ingress.kubernetes.io/";

    /// <summary>The difference, as "route 0: cluster has v1 100 / v2 0, the commit has 90 / 10"; null when there is none.</summary>
    public static string? Find(string kind, JsonElement commit, JsonElement cluster) => kind switch
    {
        "VirtualService" => Weights(commit, cluster, ["spec", "http"], "route", VirtualServiceWeights) ?? Spec(commit, cluster, exact: true),
        "DestinationRule" => Spec(commit, cluster, exact: true),
        "HTTPRoute" => Weights(commit, cluster, ["spec", "rules"], "backendRefs", HttpRouteWeights) ?? Spec(commit, cluster, exact: false),
        "Ingress" => Annotations(commit, cluster) ?? Spec(commit, cluster, exact: false),
        "Service" => Selector(commit, cluster) ?? Spec(commit, cluster, exact: false),
        _ => Spec(commit, cluster, exact: false),
    };

    private static string? Spec(JsonElement commit, JsonElement cluster, bool exact) =>
        commit.Get("spec") is { } spec && ObjectDiff.First(spec, cluster.Get("spec"), "spec", exact) is { } difference
            ? $"{difference.Path}: cluster has {difference.Cluster}, the commit has {difference.Commit}"
            : null;

    /// <summary>Each route's destinations and weights, compared as a whole so the message shows both splits.</summary>
    private static string? Weights(JsonElement commit, JsonElement cluster, string[] routesPath, string destinations, Func<JsonElement, string, IReadOnlyList<(string Label, long Weight)>> read)
    {
        var committed = commit.Objects(routesPath).ToList();
        var running = cluster.Objects(routesPath).ToList();
        for (var i = 0; i < committed.Count; i++)
        {
            var want = read(committed[i], destinations);
            var have = i < running.Count ? read(running[i], destinations) : [];
            if (!want.SequenceEqual(have))
            {
                var name = committed[i].String("name") is { } routeName ? $" ({routeName})" : string.Empty;
                var sameLabels = want.Select(w => w.Label).SequenceEqual(have.Select(h => h.Label));
                return string.Create(CultureInfo.InvariantCulture,
                    $"route {i}{name}: cluster has {Split(have, labels: true)}, the commit has {Split(want, labels: !sameLabels)}");
            }
        }

        return null;
    }

    /// <summary>Istio: a route with one destination takes all its traffic; with several, an unset weight is 0.</summary>
    private static IReadOnlyList<(string Label, long Weight)> VirtualServiceWeights(JsonElement route, string field)
    {
        var destinations = route.Objects(field).ToList();
        return [.. destinations.Select(d => (
            d.String("destination", "subset") ?? d.String("destination", "host") ?? "?",
            Number(d.Get("weight")) ?? (destinations.Count == 1 ? 100 : 0)))];
    }

    /// <summary>Gateway API: an unset backendRef weight is 1.</summary>
    private static IReadOnlyList<(string Label, long Weight)> HttpRouteWeights(JsonElement rule, string field) =>
        [.. rule.Objects(field).Select(b => (b.String("name") ?? "?", Number(b.Get("weight")) ?? 1))];

    private static string Split(IReadOnlyList<(string Label, long Weight)> split, bool labels) =>
        split.Count == 0 ? "no route"
            : string.Join(" / ", split.Select(s => labels ? string.Create(CultureInfo.InvariantCulture, $"{s.Label} {s.Weight}") : s.Weight.ToString(CultureInfo.InvariantCulture)));

    /// <summary>NGINX's canary annotations (canary, canary-weight, canary-by-header…) must be the same on both sides.</summary>
    private static string? Annotations(JsonElement commit, JsonElement cluster)
    {
        var want = Nginx(commit);
        var have = Nginx(cluster);
        foreach (var key in want.Keys.Union(have.Keys).Order(StringComparer.Ordinal))
        {
            var wanted = want.GetValueOrDefault(key);
            var had = have.GetValueOrDefault(key);
            if (wanted != had)
            {
                return $"annotation {key}: cluster has {Shown(had)}, the commit has {Shown(wanted)}";
            }
        }

        return null;
    }

    private static Dictionary<string, string> Nginx(JsonElement obj) =>
        obj.Get("metadata", "annotations") is { ValueKind: JsonValueKind.Object } annotations
            ? annotations.EnumerateObject()
                .Where(a => a.Name.StartsWith(NginxAnnotations, StringComparison.Ordinal) && ObjectDiff.Text(a.Value) is not null)
                .ToDictionary(a => a.Name, a => ObjectDiff.Text(a.Value)!, StringComparer.Ordinal)
            : [];

    /// <summary>The Service's selector decides which version gets the traffic (kubernetes provider): equal, both ways.</summary>
    private static string? Selector(JsonElement commit, JsonElement cluster)
    {
        var want = Labels(commit.Get("spec", "selector"));
        var have = Labels(cluster.Get("spec", "selector"));
        return want.SequenceEqual(have) ? null : $"selector: cluster has {Show(have)}, the commit has {Show(want)}";

        static string Show(SortedDictionary<string, string> labels) =>
            labels.Count == 0 ? "none" : string.Join(", ", labels.Select(l => $"{l.Key}={l.Value}"));
    }

    private static SortedDictionary<string, string> Labels(JsonElement? map)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (map is { ValueKind: JsonValueKind.Object } value)
        {
            foreach (var label in value.EnumerateObject())
            {
                labels[label.Name] = ObjectDiff.Text(label.Value) ?? string.Empty;
            }
        }

        return labels;
    }

    private static long? Number(JsonElement? value) =>
        long.TryParse(ObjectDiff.Text(value), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static string Shown(string? value) => value is null ? "none" : ObjectDiff.ShowText(value);
}
