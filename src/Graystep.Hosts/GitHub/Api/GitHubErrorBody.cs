using System.Text;
using System.Text.Json;

namespace Graystep.Hosts.GitHub.Api;

/// <summary>GitHub's error body (<c>basic-error</c> / <c>validation-error</c>), read leniently: any part may be missing.</summary>
internal sealed record GitHubErrorBody(string? Message, string? DocumentationUrl, IReadOnlyList<string> Details)
{
    private static readonly GitHubErrorBody Empty = new(null, null, []);

    public static GitHubErrorBody Parse(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return Empty;
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Empty;
            }

            var details = new List<string>();
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                foreach (var error in errors.EnumerateArray())
                {
                    var detail = Describe(error);
                    if (detail.Length > 0)
                    {
                        details.Add(detail);
                    }
                }
            }

            return new GitHubErrorBody(String(root, "message"), String(root, "documentation_url"), details);
        }
        catch (JsonException)
        {
            return Empty;
        }
    }

    /// <summary>"Validation Failed: A pull request already exists for o:b." or GitHub's message alone.</summary>
    public string Summary(string fallback)
    {
        var text = new StringBuilder(Message ?? fallback);
        if (Details.Count > 0)
        {
            text.Append(": ").AppendJoin("; ", Details);
        }

        return text.ToString();
    }

    public bool Mentions(string text) =>
        (Message?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false)
        || Details.Any(d => d.Contains(text, StringComparison.OrdinalIgnoreCase));

    private static string Describe(JsonElement error)
    {
        if (error.ValueKind == JsonValueKind.String)
        {
            return error.GetString() ?? string.Empty;
        }

        if (error.ValueKind != JsonValueKind.Object)
        {
            return string.Empty;
        }

        // A custom error carries its own sentence; the others name the field and what is wrong with it.
        if (String(error, "message") is { Length: > 0 } message)
        {
            return message;
        }

        var parts = new[] { String(error, "resource"), String(error, "field"), String(error, "code") }
            .Where(p => !string.IsNullOrEmpty(p));
        return string.Join(' ', parts);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
