using System.Text;
using Graystep.Core.Spec;

namespace Graystep.Rendering.Routing;

/// <summary>Turns Flagger match conditions into the regular expressions providers understand (RE2 syntax).</summary>
internal static class MatchText
{
    private const string Metacharacters = @"\.+*?()|[]{}^$";

    public static string Escape(string literal)
    {
        var sb = new StringBuilder(literal.Length);
        foreach (var c in literal)
        {
            if (Metacharacters.Contains(c, StringComparison.Ordinal))
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>The match as an anchored regular expression (prefix and suffix included).</summary>
    public static string AsRegex(StringMatch match) => match.Kind switch
    {
        StringMatchKind.Exact => $"^{Escape(match.Value)}$",
        StringMatchKind.Prefix => $"^{Escape(match.Value)}.*",
        StringMatchKind.Suffix => $".*{Escape(match.Value)}$",
        _ => match.Value,
    };

    /// <summary>
    /// A cookie condition as a regex on the <c>cookie</c> header, as Flagger writes it, but tolerating the space
    /// browsers put after each <c>;</c>.
    /// </summary>
    public static string CookieRegex(string name, StringMatch match)
    {
        var value = match.Kind switch
        {
            StringMatchKind.Exact => Escape(match.Value),
            StringMatchKind.Prefix => Escape(match.Value) + "[^;]*",
            StringMatchKind.Suffix => "[^;]*" + Escape(match.Value),
            _ => "(?:" + match.Value + ")",
        };
        return $"^(.*?;\\s*)?({Escape(name)}={value})(;.*)?$";
    }
}
