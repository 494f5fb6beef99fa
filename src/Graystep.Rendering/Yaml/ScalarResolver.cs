using System.Text.RegularExpressions;

namespace Graystep.Rendering.Yaml;

/// <summary>
/// Decides what a plain scalar would mean to a YAML reader. Kubernetes tooling mixes YAML 1.1 (go-yaml v2:
/// <c>yes</c>, <c>on</c>, <c>0777</c>, <c>1:30</c>) and 1.2, so anything either version reads as a non-string
/// counts as one.
/// </summary>
internal static partial class ScalarResolver
{
    private static readonly HashSet<string> BoolWords = new(StringComparer.Ordinal)
    {
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
    };

    private static readonly HashSet<string> NullWords = new(StringComparer.Ordinal) { "~", "null", "Null", "NULL" };

    public static YamlScalarType ResolvePlain(string text)
    {
        if (text.Length == 0 || NullWords.Contains(text))
        {
            return YamlScalarType.Null;
        }

        if (BoolWords.Contains(text))
        {
            return YamlScalarType.Bool;
        }

        return IsNumberLike(text) ? YamlScalarType.Number : YamlScalarType.String;
    }

    /// <summary>Numbers in either YAML version, and YAML 1.1 timestamps (which are not strings either).</summary>
    private static bool IsNumberLike(string text) =>
        IntegerPattern().IsMatch(text) || FloatPattern().IsMatch(text) || SpecialFloatPattern().IsMatch(text) ||
        SexagesimalPattern().IsMatch(text) || TimestampPattern().IsMatch(text);

    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9_]*|0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+|0o[0-7_]+)$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(?=\.?[0-9])([0-9][0-9_]*)?(\.[0-9_]*)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"^([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex SpecialFloatPattern();

    [GeneratedRegex(@"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")]
    private static partial Regex SexagesimalPattern();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ]|$)")]
    private static partial Regex TimestampPattern();
}
