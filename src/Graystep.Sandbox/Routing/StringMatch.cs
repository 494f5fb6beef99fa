using System.Text.RegularExpressions;
using Graystep.Sandbox.Cluster;
using YamlDotNet.RepresentationModel;

namespace Graystep.Sandbox.Routing;

internal enum MatchKind
{
    Exact,
    Prefix,
    Suffix,
    Regex,
}

/// <summary>A string condition of a route rule. Istio and Gateway API regexes match the whole value (Envoy's RE2 full match).</summary>
internal sealed record StringMatch(MatchKind Kind, string Value, bool FullRegex = true)
{
    private readonly Regex? _regex = Kind == MatchKind.Regex ? Compile(Value, FullRegex) : null;

    /// <summary>Istio's StringMatch: <c>{exact|prefix|regex: value}</c> (the sandbox also reads <c>suffix</c>).</summary>
    public static StringMatch? FromIstio(YamlNode? node)
    {
        if (node is not YamlMappingNode)
        {
            return null;
        }

        return node.Str("exact") is { } exact ? new StringMatch(MatchKind.Exact, exact)
            : node.Str("prefix") is { } prefix ? new StringMatch(MatchKind.Prefix, prefix)
            : node.Str("suffix") is { } suffix ? new StringMatch(MatchKind.Suffix, suffix)
            : node.Str("regex") is { } regex ? new StringMatch(MatchKind.Regex, regex)
            : null;
    }

    public bool Matches(string? actual, bool ignoreCase = false)
    {
        if (actual is null)
        {
            return false;
        }

        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return Kind switch
        {
            MatchKind.Exact => string.Equals(actual, Value, comparison),
            MatchKind.Prefix => actual.StartsWith(Value, comparison),
            MatchKind.Suffix => actual.EndsWith(Value, comparison),
            _ => _regex is not null && _regex.IsMatch(actual),
        };
    }

    /// <summary>A value this condition accepts, for A/B users; null when none could be built.</summary>
    public string? Witness()
    {
        var candidate = Kind == MatchKind.Regex ? RegexWitness.Build(Value) : Value;
        return candidate is not null && Matches(candidate) ? candidate : null;
    }

    public override string ToString() => Kind switch
    {
        MatchKind.Exact => $"= {Value}",
        MatchKind.Prefix => $"^= {Value}",
        MatchKind.Suffix => $"$= {Value}",
        _ => $"~ {Value}",
    };

    private static Regex? Compile(string pattern, bool full)
    {
        try
        {
            // Linear time in the input, as Envoy's RE2: no pattern from the repository can make a match slow, so no
            // wall-clock timeout is needed (on a loaded machine one fired mid-match and stopped the simulated users).
            return new Regex(full ? $"^(?:{pattern})$" : pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            // An invalid regex, or one RE2 does not accept either (backreferences, lookarounds), matches nothing, as
            // Envoy rejects the route.
            return null;
        }
    }
}
