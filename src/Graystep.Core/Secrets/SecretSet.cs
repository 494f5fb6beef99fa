using System.Text.Encodings.Web;

namespace Graystep.Core.Secrets;

/// <summary>
/// The secrets one output path must never write: tokens, passwords, webhook metadata. Every writer (CI protocols,
/// logs, errors, commit bodies, webhook results, Prometheus errors) masks its text through one of these. A secret is
/// also masked line by line (a PEM key is often printed so) and in its JSON-escaped forms (a server that echoes a
/// request shows it escaped).
/// </summary>
public sealed class SecretSet
{
    public const string Placeholder = "***";

    private readonly List<string> _values = [];

    /// <summary>The values masked, longest first, so a secret that contains another is masked whole.</summary>
    public IReadOnlyList<string> Values => _values;

    /// <summary>
    /// Adds a secret and its forms; values shorter than <paramref name="minimumLength"/> are left out (too short to
    /// be secrets, too common to mask without mangling text). Returns the new values as given (not their escaped forms),
    /// for a CI system's own masking command.
    /// </summary>
    public IReadOnlyList<string> Add(string? secret, int minimumLength = 1)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return [];
        }

        var added = new List<string>();
        IEnumerable<string> parts = [secret, .. secret.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)];
        foreach (var part in parts.Where(p => !string.IsNullOrWhiteSpace(p) && p.Length >= minimumLength).Distinct(StringComparer.Ordinal))
        {
            if (!_values.Contains(part, StringComparer.Ordinal))
            {
                _values.Add(part);
                added.Add(part);
            }

            foreach (var form in new[] { JavaScriptEncoder.Default.Encode(part), JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(part) })
            {
                if (!_values.Contains(form, StringComparer.Ordinal))
                {
                    _values.Add(form);
                }
            }
        }

        _values.Sort((a, b) => b.Length != a.Length ? b.Length.CompareTo(a.Length) : string.CompareOrdinal(a, b));
        return added;
    }

    /// <summary><paramref name="text"/> with every secret replaced by <see cref="Placeholder"/>.</summary>
    public string Apply(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in _values)
        {
            text = text.Replace(secret, Placeholder, StringComparison.Ordinal);
        }

        return text;
    }
}
