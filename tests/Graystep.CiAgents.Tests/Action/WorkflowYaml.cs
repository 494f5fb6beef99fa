using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Graystep.CiAgents.Tests.Action;

/// <summary>
/// Just enough of GitHub's workflow semantics to drive action.yml and the example workflow in a test: read the
/// YAML, and evaluate the `${{ a || b }}` expressions they use (context lookups and `||`, nothing more; anything
/// else fails the test so that the emulation never silently diverges).
/// </summary>
internal sealed partial class WorkflowYaml
{
    private WorkflowYaml(YamlMappingNode root) => Root = root;

    public YamlMappingNode Root { get; }

    public static WorkflowYaml Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return new WorkflowYaml((YamlMappingNode)stream.Documents[0].RootNode);
    }

    public static WorkflowYaml Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return new WorkflowYaml((YamlMappingNode)stream.Documents[0].RootNode);
    }

    /// <summary>Every step of a composite action or of every job in a workflow.</summary>
    public IEnumerable<YamlMappingNode> Steps()
    {
        if (Map(Root, "runs") is { } runs && Seq(runs, "steps") is { } actionSteps)
        {
            foreach (var step in actionSteps.Children.Cast<YamlMappingNode>())
            {
                yield return step;
            }
        }

        if (Map(Root, "jobs") is { } jobs)
        {
            foreach (var job in jobs.Children.Values.Cast<YamlMappingNode>())
            {
                foreach (var step in Seq(job, "steps")?.Children.Cast<YamlMappingNode>() ?? [])
                {
                    yield return step;
                }
            }
        }
    }

    public static YamlMappingNode? Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode : null;

    public static YamlSequenceNode? Seq(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlSequenceNode : null;

    public static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;

    public static Dictionary<string, string> Pairs(YamlMappingNode? node) =>
        node?.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value ?? string.Empty, StringComparer.Ordinal)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Evaluates a value that is either literal text or exactly one `${{ ... }}` expression.</summary>
    public static string Evaluate(string value, Func<string, string?> lookup)
    {
        var match = WholeExpression().Match(value);
        if (!match.Success)
        {
            Assert.DoesNotContain("${{", value, StringComparison.Ordinal);
            return value;
        }

        foreach (var operand in match.Groups[1].Value.Split("||").Select(o => o.Trim()))
        {
            Assert.Matches(ContextPath(), operand);
            var result = lookup(operand);
            if (!string.IsNullOrEmpty(result))
            {
                return result;
            }
        }

        return string.Empty;
    }

    /// <summary>`github.event.a.b` in an event payload; a missing member is empty, as in GitHub.</summary>
    public static string? EventValue(JsonNode payload, string path)
    {
        JsonNode? node = payload;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(part, out var child) ? child : null;
        }

        return node is JsonValue v ? v.ToString() : null;
    }

    [GeneratedRegex(@"^\$\{\{\s*(.+?)\s*\}\}$", RegexOptions.Singleline)]
    private static partial Regex WholeExpression();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)+$")]
    private static partial Regex ContextPath();
}
