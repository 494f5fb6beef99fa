using Graystep.Core.Spec;
using System.Globalization;
using Graystep.Core.Errors;
using Graystep.Sandbox.Traffic;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Graystep.Sandbox.Behaviour;

/// <summary>How long a simulated request takes, in milliseconds.</summary>
public abstract record LatencyModel
{
    internal abstract double SampleMs(Prng rng);

    /// <summary>Log-normal with the given median and 99th percentile: the long tail real services have.</summary>
    public sealed record Percentiles(double P50Ms, double P99Ms) : LatencyModel
    {
        // z(0.99) of the standard normal: p99 = p50 * exp(sigma * z).
        private const double Z99 = 2.3263478740408408;

        internal override double SampleMs(Prng rng)
        {
            var sigma = P99Ms > P50Ms ? Math.Log(P99Ms / P50Ms) / Z99 : 0;
            return Math.Max(0.05, P50Ms * Math.Exp(sigma * rng.NextGaussian()));
        }
    }

    /// <summary>Normal around a mean with the given standard deviation, never below 0.05 ms.</summary>
    public sealed record MeanJitter(double MeanMs, double JitterMs) : LatencyModel
    {
        internal override double SampleMs(Prng rng) => Math.Max(0.05, MeanMs + (JitterMs * rng.NextGaussian()));
    }
}

/// <summary>One version's simulated behaviour. The default is healthy: no errors, p50 15 ms, p99 60 ms.</summary>
public sealed record VersionBehaviour
{
    public static readonly VersionBehaviour Healthy = new();

    /// <summary>Share (0..1) of requests answered with <see cref="ErrorStatus"/>.</summary>
    public double ErrorRate { get; init; }

    /// <summary>Share (0..1) of requests answered with 404.</summary>
    public double NotFoundRate { get; init; }

    /// <summary>The 5xx status code of a failed request.</summary>
    public int ErrorStatus { get; init; } = 500;

    public LatencyModel Latency { get; init; } = new LatencyModel.Percentiles(15, 60);
}

/// <summary>
/// Version behaviour keyed by container image, workload name (<c>&lt;target&gt;-&lt;version&gt;</c>) or version name,
/// looked up in that order. Unknown versions get <see cref="Default"/>, which is healthy unless the file says otherwise.
/// </summary>
/// <example>
/// <code>
/// default: {latency: {p50: 10, p99: 40}}
/// versions:
///   v2: {errorRate: 0.05, notFoundRate: "1%", latency: {p50: 30, p99: 250}}
///   ghcr.io/stefanprodan/podinfo:6.1.0: {latency: {mean: 400, jitter: 50}}
/// </code>
/// </example>
public sealed class BehaviourConfig
{
    public BehaviourConfig(IReadOnlyDictionary<string, VersionBehaviour> versions, VersionBehaviour? @default = null)
    {
        Versions = new Dictionary<string, VersionBehaviour>(versions, StringComparer.Ordinal);
        Default = @default ?? VersionBehaviour.Healthy;
    }

    public static BehaviourConfig Empty { get; } = new(new Dictionary<string, VersionBehaviour>());

    public IReadOnlyDictionary<string, VersionBehaviour> Versions { get; }

    public VersionBehaviour Default { get; }

    /// <summary>The first key that matches wins: any of the images, then the workload name, then the version name.</summary>
    public VersionBehaviour For(string version, string workload, IEnumerable<string> images)
    {
        foreach (var image in images)
        {
            if (Versions.TryGetValue(image, out var byImage))
            {
                return byImage;
            }
        }

        return Versions.TryGetValue(workload, out var byWorkload) ? byWorkload
            : Versions.TryGetValue(version, out var byVersion) ? byVersion
            : Default;
    }

    public static BehaviourConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GraystepException($"cannot read the behaviour file {path}: {e.Message}", ExitCodes.Usage,
                "pass --behaviour with a readable YAML or JSON file, or leave it out to make every version healthy");
        }

        return Parse(text, path);
    }

    /// <summary>Parses YAML or JSON (JSON is YAML). Every problem names the file, line, column and field.</summary>
    public static BehaviourConfig Parse(string text, string source)
    {
        var problems = new List<string>();
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw Invalid(source, [$"{source}:{e.Start.Line}:{e.Start.Column}: {e.Message}"]);
        }

        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return Empty;
        }

        if (yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw Invalid(source, [$"{At(source, yaml.Documents[0].RootNode)}: expected a mapping with 'versions' and 'default'"]);
        }

        VersionBehaviour? @default = null;
        var versions = new Dictionary<string, VersionBehaviour>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? string.Empty;
            switch (key)
            {
                case "default":
                    @default = ParseBehaviour(valueNode, "default", source, problems);
                    break;
                case "versions":
                    if (valueNode is not YamlMappingNode map)
                    {
                        problems.Add($"{At(source, valueNode)}: versions: expected a mapping of version, workload or image to behaviour");
                        break;
                    }

                    foreach (var (k, v) in map.Children)
                    {
                        var name = (k as YamlScalarNode)?.Value ?? string.Empty;
                        versions[name] = ParseBehaviour(v, $"versions.{name}", source, problems);
                    }

                    break;
                default:
                    problems.Add($"{At(source, keyNode)}: {key}: unknown field; expected 'versions' or 'default'");
                    break;
            }
        }

        if (problems.Count > 0)
        {
            throw Invalid(source, problems);
        }

        return new BehaviourConfig(versions, @default);
    }

    private static VersionBehaviour ParseBehaviour(YamlNode node, string path, string source, List<string> problems)
    {
        var result = new VersionBehaviour();
        if (node is not YamlMappingNode map)
        {
            problems.Add($"{At(source, node)}: {path}: expected a mapping (errorRate, notFoundRate, errorStatus, latency)");
            return result;
        }

        foreach (var (keyNode, value) in map.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? string.Empty;
            var field = $"{path}.{key}";
            switch (key)
            {
                case "errorRate":
                    result = result with { ErrorRate = Rate(value, field, source, problems) };
                    break;
                case "notFoundRate":
                    result = result with { NotFoundRate = Rate(value, field, source, problems) };
                    break;
                case "errorStatus":
                    var status = (int)Number(value, field, source, problems);
                    if (status is < 500 or > 599)
                    {
                        problems.Add($"{At(source, value)}: {field}: {status} is not a 5xx status code");
                    }

                    result = result with { ErrorStatus = status };
                    break;
                case "latency":
                    result = result with { Latency = Latency(value, field, source, problems) };
                    break;
                default:
                    problems.Add($"{At(source, keyNode)}: {field}: unknown field; expected errorRate, notFoundRate, errorStatus or latency");
                    break;
            }
        }

        if (result.ErrorRate + result.NotFoundRate > 1)
        {
            problems.Add($"{At(source, node)}: {path}: errorRate + notFoundRate is above 1");
        }

        return result;
    }

    private static LatencyModel Latency(YamlNode node, string path, string source, List<string> problems)
    {
        if (node is not YamlMappingNode map)
        {
            problems.Add($"{At(source, node)}: {path}: expected {{p50, p99}} or {{mean, jitter}} in milliseconds");
            return VersionBehaviour.Healthy.Latency;
        }

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? string.Empty;
            if (key is "p50" or "p99" or "mean" or "jitter")
            {
                values[key] = Milliseconds(value, $"{path}.{key}", source, problems);
            }
            else
            {
                problems.Add($"{At(source, keyNode)}: {path}.{key}: unknown field; expected p50 and p99, or mean and jitter");
            }
        }

        if (values.ContainsKey("p50") && !values.ContainsKey("mean") && !values.ContainsKey("jitter"))
        {
            var p50 = values["p50"];
            var p99 = values.TryGetValue("p99", out var v) ? v : p50 * 4;
            if (p99 < p50)
            {
                problems.Add($"{At(source, node)}: {path}: p99 ({p99}) is below p50 ({p50})");
            }

            return new LatencyModel.Percentiles(p50, p99);
        }

        if (values.ContainsKey("mean") && !values.ContainsKey("p50") && !values.ContainsKey("p99"))
        {
            return new LatencyModel.MeanJitter(values["mean"], values.TryGetValue("jitter", out var j) ? j : 0);
        }

        problems.Add($"{At(source, node)}: {path}: give either p50 (and p99), or mean (and jitter)");
        return VersionBehaviour.Healthy.Latency;
    }

    /// <summary>A share: 0.05 or "5%".</summary>
    private static double Rate(YamlNode node, string path, string source, List<string> problems)
    {
        var text = (node as YamlScalarNode)?.Value?.Trim() ?? string.Empty;
        var percent = text.EndsWith('%');
        if (!double.TryParse(percent ? text[..^1] : text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            problems.Add($"{At(source, node)}: {path}: '{text}' is not a rate; write 0.05 or \"5%\"");
            return 0;
        }

        value = percent ? value / 100 : value;
        if (value is < 0 or > 1)
        {
            problems.Add($"{At(source, node)}: {path}: {text} is outside 0..1 (0%..100%)");
            return 0;
        }

        return value;
    }

    /// <summary>A number of milliseconds, or a duration such as "250ms" or "1.5s".</summary>
    private static double Milliseconds(YamlNode node, string path, string source, List<string> problems)
    {
        var text = (node as YamlScalarNode)?.Value?.Trim() ?? string.Empty;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
        {
            return ms;
        }

        if (GoDuration.TryParse(text.Trim(), out var duration))
        {
            return duration.TotalMilliseconds;
        }

        problems.Add($"{At(source, node)}: {path}: '{text}' is not a latency; write milliseconds (250) or a duration (\"250ms\")");
        return 0;
    }

    private static double Number(YamlNode node, string path, string source, List<string> problems)
    {
        var text = (node as YamlScalarNode)?.Value?.Trim() ?? string.Empty;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        problems.Add($"{At(source, node)}: {path}: '{text}' is not a number");
        return 0;
    }

    private static string At(string source, YamlNode node) =>
        string.Create(CultureInfo.InvariantCulture, $"{source}:{node.Start.Line}:{node.Start.Column}");

    private static GraystepException Invalid(string source, IReadOnlyList<string> problems) =>
        new($"invalid behaviour file {source}:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}",
            ExitCodes.InvalidSpec,
            "see docs/sandbox.md#version-behaviour for the format");
}
