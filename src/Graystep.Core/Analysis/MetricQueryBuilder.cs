using System.Text;
using System.Text.RegularExpressions;
using Graystep.Core.Errors;

namespace Graystep.Core.Analysis;

/// <summary>
/// The values a metric query can use: Flagger's <c>MetricTemplateModel</c> plus <c>stable</c>.
/// </summary>
public sealed record MetricQueryModel
{
    public required string Namespace { get; init; }

    /// <summary>The canary workload, <c>&lt;target&gt;-&lt;canaryVersion&gt;</c>.</summary>
    public required string Target { get; init; }

    /// <summary>The stable workload, <c>&lt;target&gt;-&lt;stableVersion&gt;</c>.</summary>
    public required string Stable { get; init; }

    /// <summary>The check's window as a PromQL duration (<c>1m</c>, <c>30s</c>).</summary>
    public required string Interval { get; init; }

    public required string Service { get; init; }

    public required string Ingress { get; init; }

    /// <summary>The metric's <c>templateVariables</c>.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>One <c>{{ name }}</c> action in a query template, with its place (1-based line and column).</summary>
public sealed record TemplateVariableReference(string Name, int Offset, int Length, int Line, int Column)
{
    public bool IsKnown => MetricQueryBuilder.IsKnownVariable(Name);
}

/// <summary>A query template that cannot be rendered. It is an input problem, so it exits with code 3.</summary>
public sealed class MetricTemplateException : GraystepException
{
    public MetricTemplateException(string message, string? hint = null)
        : base(message, ExitCodes.InvalidSpec, hint)
    {
    }

    public MetricTemplateException()
        : this("invalid metric query template")
    {
    }

    public MetricTemplateException(string message, Exception inner)
        : base(message, ExitCodes.InvalidSpec, null, inner)
    {
    }
}

/// <summary>
/// Renders metric query templates as Flagger does (Go-template actions such as <c>{{ namespace }}</c>,
/// whitespace inside the braces optional, <c>{{-</c>/<c>-}}</c> trim markers and <c>{{/* */}}</c> comments),
/// then collapses every run of whitespace to one space, as Flagger does before it sends a query.
/// Pure: no I/O.
/// </summary>
public static partial class MetricQueryBuilder
{
    private const string VariablesPrefix = "variables.";

    /// <summary>The variable names a template may use; <c>variables.*</c> stands for any <c>variables.X</c>.</summary>
    public static IReadOnlyList<string> KnownVariables { get; } =
        ["namespace", "target", "stable", "interval", "service", "ingress", "variables.*"];

    private static string KnownList => "namespace, target, stable, interval, service, ingress, variables.X";

    public static bool IsKnownVariable(string name) =>
        name is "namespace" or "target" or "stable" or "interval" or "service" or "ingress" ||
        (name.StartsWith(VariablesPrefix, StringComparison.Ordinal) && IdentifierRegex().IsMatch(name[VariablesPrefix.Length..]));

    /// <summary>
    /// Every variable action in <paramref name="template"/>, known or not, in order. Validation uses it to report
    /// unknown names with their line and column. Throws <see cref="MetricTemplateException"/> for an action that is
    /// not a variable (an unclosed <c>{{</c>, a pipeline, <c>if</c>, ...).
    /// </summary>
    public static IReadOnlyList<TemplateVariableReference> FindVariables(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var found = new List<TemplateVariableReference>();
        foreach (var action in Scan(template))
        {
            if (action.Variable is not null)
            {
                var (line, column) = Position(template, action.Start);
                found.Add(new TemplateVariableReference(action.Variable, action.Start, action.End - action.Start, line, column));
            }
        }

        return found;
    }

    /// <summary>Renders the template and collapses whitespace. Unknown or unset variables are errors.</summary>
    public static string Build(string template, MetricQueryModel model)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(model);

        var output = new StringBuilder(template.Length + 64);
        var position = 0;
        foreach (var action in Scan(template))
        {
            output.Append(template, position, action.Start - position);
            if (action.TrimLeft)
            {
                TrimEnd(output);
            }

            if (action.Variable is not null)
            {
                output.Append(Resolve(action.Variable, model, template, action.Start));
            }

            position = action.End;
            if (action.TrimRight)
            {
                while (position < template.Length && char.IsWhiteSpace(template[position]))
                {
                    position++;
                }
            }
        }

        output.Append(template, position, template.Length - position);
        return CollapseWhitespace(output.ToString());
    }

    /// <summary>Flagger's trimQuery: every run of whitespace becomes one space (and we trim the ends).</summary>
    public static string CollapseWhitespace(string query) => WhitespaceRegex().Replace(query, " ").Trim();

    private static string Resolve(string name, MetricQueryModel model, string template, int offset)
    {
        switch (name)
        {
            case "namespace": return model.Namespace;
            case "target": return model.Target;
            case "stable": return model.Stable;
            case "interval": return model.Interval;
            case "service": return model.Service;
            case "ingress": return model.Ingress;
        }

        var (line, column) = Position(template, offset);
        if (name.StartsWith(VariablesPrefix, StringComparison.Ordinal) && IsKnownVariable(name))
        {
            var key = name[VariablesPrefix.Length..];
            if (model.Variables.TryGetValue(key, out var value))
            {
                return value;
            }

            throw new MetricTemplateException(
                $"template variable \"{name}\" at {line}:{column} is not set",
                $"add \"{key}\" to the metric's templateVariables");
        }

        throw new MetricTemplateException(
            $"unknown template variable \"{name}\" at {line}:{column}; known: {KnownList}",
            "use one of the known variables; Graystep supports the Flagger variables plus stable");
    }

    private readonly record struct Action(int Start, int End, string? Variable, bool TrimLeft, bool TrimRight);

    private static List<Action> Scan(string template)
    {
        var actions = new List<Action>();
        var index = 0;
        while ((index = template.IndexOf("{{", index, StringComparison.Ordinal)) >= 0)
        {
            var close = template.IndexOf("}}", index + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                var (line, column) = Position(template, index);
                throw new MetricTemplateException($"unclosed action \"{{{{\" at {line}:{column}", "close it with \"}}\"");
            }

            var inner = template[(index + 2)..close];

            // Go's trim markers need whitespace beside the dash: "{{- x }}", "{{ x -}}".
            var trimLeft = inner.Length >= 2 && inner[0] == '-' && char.IsWhiteSpace(inner[1]);
            var trimRight = inner.Length >= 2 && inner[^1] == '-' && char.IsWhiteSpace(inner[^2]);
            var body = inner;
            if (trimLeft)
            {
                body = body[1..];
            }

            if (trimRight)
            {
                body = body[..^1];
            }

            body = body.Trim();
            var end = close + 2;
            if (body.StartsWith("/*", StringComparison.Ordinal) && body.EndsWith("*/", StringComparison.Ordinal))
            {
                actions.Add(new Action(index, end, null, trimLeft, trimRight));
            }
            else if (VariableRegex().IsMatch(body))
            {
                actions.Add(new Action(index, end, body, trimLeft, trimRight));
            }
            else
            {
                var (line, column) = Position(template, index);
                throw new MetricTemplateException(
                    $"unsupported template action \"{template[index..end]}\" at {line}:{column}: only variables are supported ({KnownList})");
            }

            index = end;
        }

        return actions;
    }

    private static void TrimEnd(StringBuilder builder)
    {
        var length = builder.Length;
        while (length > 0 && char.IsWhiteSpace(builder[length - 1]))
        {
            length--;
        }

        builder.Length = length;
    }

    private static (int Line, int Column) Position(string text, int offset)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, offset - lineStart + 1);
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableRegex();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierRegex();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex WhitespaceRegex();
}
