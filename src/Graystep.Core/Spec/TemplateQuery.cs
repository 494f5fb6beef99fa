namespace Graystep.Core.Spec;

/// <summary>One <c>{{ ... }}</c> in a MetricTemplate query. <see cref="Name"/> is the content without braces,
/// whitespace or Go trim markers: <c>namespace</c>, <c>variables.direction</c>.</summary>
internal readonly record struct TemplateToken(string Text, string Name, int Offset);

/// <summary>The template variables of CONVENTIONS.md: the only ones a MetricTemplate query may use.</summary>
internal static class TemplateQuery
{
    public static readonly IReadOnlyList<string> Variables = ["namespace", "target", "stable", "interval", "service", "ingress"];

    public const string VariablesPrefix = "variables.";

    public const string Allowed = "{{ namespace }}, {{ target }}, {{ stable }}, {{ interval }}, {{ service }}, {{ ingress }} or {{ variables.NAME }}";

    /// <summary>Every <c>{{ ... }}</c> in order; <paramref name="unclosedOffset"/> is where a <c>{{</c> has no <c>}}</c>.</summary>
    public static List<TemplateToken> Tokens(string query, out int? unclosedOffset)
    {
        unclosedOffset = null;
        var tokens = new List<TemplateToken>();
        var at = 0;
        while (true)
        {
            var open = query.IndexOf("{{", at, StringComparison.Ordinal);
            if (open < 0)
            {
                return tokens;
            }

            var close = query.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                unclosedOffset = open;
                return tokens;
            }

            var inner = query.AsSpan(open + 2, close - open - 2).Trim();
            if (inner.StartsWith('-'))
            {
                inner = inner[1..].TrimStart();
            }

            if (inner.EndsWith('-'))
            {
                inner = inner[..^1].TrimEnd();
            }

            tokens.Add(new TemplateToken(query[open..(close + 2)], inner.ToString(), open));
            at = close + 2;
        }
    }

    /// <summary>True for a built-in variable or <c>variables.X</c> with X an identifier.</summary>
    public static bool IsKnown(string name) =>
        Variables.Contains(name, StringComparer.Ordinal) || VariableName(name) is not null;

    /// <summary>X of <c>variables.X</c>, or null.</summary>
    public static string? VariableName(string name)
    {
        if (!name.StartsWith(VariablesPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var x = name[VariablesPrefix.Length..];
        if (x.Length == 0 || !(char.IsAsciiLetter(x[0]) || x[0] == '_'))
        {
            return null;
        }

        foreach (var c in x)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return null;
            }
        }

        return x;
    }
}
