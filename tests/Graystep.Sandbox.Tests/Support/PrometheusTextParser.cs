using System.Globalization;
using System.Text.RegularExpressions;

namespace Graystep.Sandbox.Tests.Support;

internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

internal sealed record MetricFamily(string Name, string Type, string Help);

internal sealed record ParsedMetrics(IReadOnlyList<MetricFamily> Families, IReadOnlyList<Sample> Samples);

/// <summary>
/// A strict reader of the Prometheus text format (0.0.4): HELP/TYPE before samples, valid names, quoted and escaped
/// label values, float values, and histogram invariants (cumulative buckets ending in +Inf equal to _count).
/// It fails the test on the first violation.
/// </summary>
internal static partial class PrometheusTextParser
{
    public static ParsedMetrics Parse(string text)
    {
        Assert.True(text.Length == 0 || text.EndsWith('\n'), "the exposition must end with a newline");
        var families = new Dictionary<string, MetricFamily>(StringComparer.Ordinal);
        var helps = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ', 2);
                helps[parts[0]] = parts.Length > 1 ? parts[1] : string.Empty;
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                Assert.Equal(2, parts.Length);
                Assert.Contains(parts[1], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.False(families.ContainsKey(parts[0]), $"TYPE {parts[0]} given twice");
                families[parts[0]] = new MetricFamily(parts[0], parts[1], helps.GetValueOrDefault(parts[0], string.Empty));
                continue;
            }

            Assert.False(line.StartsWith('#'), $"unexpected comment: {line}");
            var m = SampleLine().Match(line);
            Assert.True(m.Success, $"not a valid sample line: {line}");
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match l in Label().Matches(m.Groups["labels"].Value))
            {
                Assert.False(labels.ContainsKey(l.Groups[1].Value), $"label {l.Groups[1].Value} repeated: {line}");
                labels[l.Groups[1].Value] = Regex.Unescape(l.Groups[2].Value);
            }

            var value = m.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            var name = m.Groups["name"].Value;
            var family = FamilyOf(name, families);
            Assert.True(family is not null, $"sample {name} has no TYPE line before it");
            samples.Add(new Sample(name, labels, value));
        }

        CheckHistograms(families.Values.Where(f => f.Type == "histogram"), samples);
        return new ParsedMetrics(families.Values.ToList(), samples);
    }

    private static MetricFamily? FamilyOf(string name, Dictionary<string, MetricFamily> families)
    {
        if (families.TryGetValue(name, out var f))
        {
            return f;
        }

        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && families.TryGetValue(name[..^suffix.Length], out var h) && h.Type == "histogram")
            {
                return h;
            }
        }

        return null;
    }

    private static void CheckHistograms(IEnumerable<MetricFamily> histograms, List<Sample> samples)
    {
        foreach (var h in histograms)
        {
            var series = samples.Where(s => s.Name == h.Name + "_bucket")
                .GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")));
            foreach (var group in series)
            {
                var buckets = group.Select(s => (Le: s.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(s.Labels["le"], CultureInfo.InvariantCulture), s.Value)).ToList();
                Assert.True(double.IsPositiveInfinity(buckets[^1].Le), $"{h.Name}{{{group.Key}}} does not end with le=\"+Inf\"");
                for (var i = 1; i < buckets.Count; i++)
                {
                    Assert.True(buckets[i].Le > buckets[i - 1].Le, $"{h.Name} buckets out of order");
                    Assert.True(buckets[i].Value >= buckets[i - 1].Value, $"{h.Name} buckets are not cumulative");
                }

                var count = samples.Single(s => s.Name == h.Name + "_count" && Key(s) == group.Key);
                Assert.Equal(buckets[^1].Value, count.Value);
                Assert.Single(samples, s => s.Name == h.Name + "_sum" && Key(s) == group.Key);
            }
        }

        static string Key(Sample s) => string.Join(",", s.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^}]*)\})? (?<value>[-+]?(?:[0-9.]+(?:[eE][-+]?[0-9]+)?|Inf|NaN))(?: [0-9]+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?""")]
    private static partial Regex Label();
}
