using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static Graystep.Core.Manifests.YamlNodes;

namespace Graystep.Core.Spec;

/// <summary>What every part of the spec binder shares: where problems go, and how values are read and checked.</summary>
internal abstract class BinderBase(ProblemSink sink)
{
    protected ProblemSink Sink { get; } = sink;

    protected void PositiveDuration(YamlMappingNode? map, string key, string path, TimeSpan value)
    {
        if (Has(map, key) && Duration(map, key) is not null && value <= TimeSpan.Zero)
        {
            Sink.Report(Child(map, key)!, path + "." + key, key + " must be greater than 0, got " + Quote(Scalar(map, key) ?? ""));
        }
    }

    protected void CheckDnsName(YamlMappingNode? map, string key, string path)
    {
        if (Child(map, key) is YamlScalarNode { Value: { } value } node && !SafeNames.IsDnsSubdomain(value))
        {
            Sink.Report(node, path, "expected a DNS name (lowercase letters, digits, '-' and '.'), got " + Quote(value));
        }
    }

    protected static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    protected static TimeSpan? Duration(YamlMappingNode? map, string key) =>
        Child(map, key) is YamlScalarNode s && GoDuration.TryParse(s.Value, out var d) ? d : null;

    protected static Mark KeyAt(YamlMappingNode? map, string key, Mark fallback) => Key(map, key)?.Start ?? fallback;

    protected static List<string> Strings(YamlSequenceNode? seq) =>
        seq is null ? [] : seq.Children.OfType<YamlScalarNode>().Where(s => !IsNull(s)).Select(s => s.Value ?? "").ToList();

    protected static SortedDictionary<string, string> StringMap(YamlMappingNode? map)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (map is null)
        {
            return result;
        }

        foreach (var entry in map.Children)
        {
            if (entry.Key is YamlScalarNode { Value: { } key } && entry.Value is YamlScalarNode value && !IsNull(value))
            {
                result[key] = value.Value ?? "";
            }
        }

        return result;
    }

    protected static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
