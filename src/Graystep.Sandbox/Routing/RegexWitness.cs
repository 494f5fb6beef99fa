using System.Text;
using System.Text.RegularExpressions;

namespace Graystep.Sandbox.Routing;

/// <summary>
/// Builds a short string that a regex accepts, so simulated A/B users can carry a value for a rendered regex rule
/// (Flagger's <c>^(.*?;)?(canary=always)(;.*)?$</c>, <c>.*Firefox.*</c>, ...). It takes the shortest path through
/// literals, groups, classes and quantifiers; lookarounds and backreferences give up (null). Callers verify the result.
/// </summary>
internal static class RegexWitness
{
    public static string? Build(string pattern)
    {
        var parser = new Parser(pattern);
        var result = parser.Alternation();
        return parser.AtEnd ? result : null;
    }

    private sealed class Parser(string p)
    {
        private int _i;

        public bool AtEnd => _i >= p.Length;

        public string? Alternation()
        {
            var first = Sequence();
            while (_i < p.Length && p[_i] == '|')
            {
                _i++;
                var other = Sequence();
                first ??= other;
            }

            return first;
        }

        private string? Sequence()
        {
            var sb = new StringBuilder();
            var ok = true;
            while (_i < p.Length && p[_i] != '|' && p[_i] != ')')
            {
                var atom = Atom();
                var (min, valid) = Quantifier();
                if (atom is null || !valid)
                {
                    ok = false;
                    continue;
                }

                for (var n = 0; n < min; n++)
                {
                    sb.Append(atom);
                }
            }

            return ok ? sb.ToString() : null;
        }

        private (int Min, bool Valid) Quantifier()
        {
            if (_i >= p.Length)
            {
                return (1, true);
            }

            int min;
            switch (p[_i])
            {
                case '?' or '*':
                    min = 0;
                    _i++;
                    break;
                case '+':
                    min = 1;
                    _i++;
                    break;
                case '{':
                    var close = p.IndexOf('}', _i);
                    var body = close < 0 ? string.Empty : p[(_i + 1)..close];
                    var digits = body.Split(',')[0];
                    if (close < 0 || !int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out min))
                    {
                        // Not a quantifier: .NET reads a lone '{' as a literal.
                        return (1, true);
                    }

                    _i = close + 1;
                    break;
                default:
                    return (1, true);
            }

            if (_i < p.Length && p[_i] is '?' or '+')
            {
                _i++;
            }

            return (min, true);
        }

        private string? Atom()
        {
            var c = p[_i++];
            switch (c)
            {
                case '^' or '$':
                    return string.Empty;
                case '.':
                    return "x";
                case '(':
                    if (_i < p.Length && p[_i] == '?')
                    {
                        if (p.AsSpan(_i).StartsWith("?:"))
                        {
                            _i += 2;
                        }
                        else if (p.AsSpan(_i).StartsWith("?<") && _i + 2 < p.Length && p[_i + 2] is not '=' and not '!')
                        {
                            _i = p.IndexOf('>', _i) + 1;
                        }
                        else if (p.AsSpan(_i).StartsWith("?P<"))
                        {
                            _i = p.IndexOf('>', _i) + 1;
                        }
                        else
                        {
                            return null;
                        }
                    }

                    var inner = Alternation();
                    if (_i >= p.Length || p[_i] != ')')
                    {
                        return null;
                    }

                    _i++;
                    return inner;
                case '[':
                    return Class();
                case '\\':
                    return _i < p.Length ? Escape(p[_i++]) : null;
                default:
                    return c.ToString();
            }
        }

        private static string? Escape(char e) => e switch
        {
            'd' => "0",
            'w' => "a",
            's' => " ",
            'D' or 'S' => "x",
            'W' => "-",
            'b' or 'B' or 'A' or 'z' or 'Z' => string.Empty,
            >= '1' and <= '9' => null,
            'n' => "\n",
            't' => "\t",
            _ => e.ToString(),
        };

        private string? Class()
        {
            var start = _i - 1;
            var negated = _i < p.Length && p[_i] == '^';
            if (negated)
            {
                _i++;
            }

            string? first = null;
            var firstChar = true;
            while (_i < p.Length && (p[_i] != ']' || firstChar))
            {
                firstChar = false;
                var c = p[_i++];
                var member = c == '\\' && _i < p.Length ? Escape(p[_i++]) : c.ToString();
                first ??= member is { Length: > 0 } ? member : null;
                if (_i + 1 < p.Length && p[_i] == '-' && p[_i + 1] != ']')
                {
                    _i += 2;
                    if (p[_i - 1] == '\\')
                    {
                        _i++;
                    }
                }
            }

            if (_i >= p.Length)
            {
                return null;
            }

            _i++;
            if (!negated)
            {
                return first;
            }

            Regex cls;
            try
            {
                // One character class against one character: linear, so no wall-clock timeout to fire under load.
                cls = new Regex("^" + p[start.._i] + "$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                return null;
            }

            foreach (var candidate in new[] { "x", "a", "0", "_", "Z", "-", " " })
            {
                if (cls.IsMatch(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }
    }
}
