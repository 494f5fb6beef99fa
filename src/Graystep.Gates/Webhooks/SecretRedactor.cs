using System.Text.Encodings.Web;
using Graystep.Core.Gates;
using Graystep.Core.Spec;

namespace Graystep.Gates.Webhooks;

/// <summary>
/// Keeps webhook secrets out of results, logs and commit bodies. Any metadata value may be a token (Flagger's
/// load tester takes commands and credentials there), and receivers often echo the request in their error body.
/// </summary>
internal static class SecretRedactor
{
    public const string Mask = "***";

    /// <summary>Values shorter than this are too short to be secrets and too common to mask without mangling text.</summary>
    public const int MinimumLength = 4;

    public static IReadOnlyList<string> SecretsOf(WebhookSpec hook, WebhookPayload payload)
    {
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in hook.Metadata.Values.Concat(payload.Metadata.Values))
        {
            Add(secrets, value);
        }

        var userInfo = hook.Url.UserInfo;
        if (userInfo.Length > 0)
        {
            Add(secrets, userInfo);
            foreach (var part in userInfo.Split(':'))
            {
                Add(secrets, Uri.UnescapeDataString(part));
            }
        }

        foreach (var pair in hook.Url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                Add(secrets, pair[(eq + 1)..]);
                Add(secrets, Uri.UnescapeDataString(pair[(eq + 1)..]));
            }
        }

        // Longest first, so a secret that contains another is masked whole.
        return secrets.OrderByDescending(s => s.Length).ThenBy(s => s, StringComparer.Ordinal).ToList();
    }

    public static string Redact(string text, IReadOnlyList<string> secrets)
    {
        foreach (var secret in secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>The URL as it may be shown: no user info, no query (tokens live there too).</summary>
    public static string SafeUrl(Uri url) => $"{url.Scheme}://{url.Authority}{url.AbsolutePath}";

    private static void Add(HashSet<string> secrets, string value)
    {
        if (value.Length < MinimumLength)
        {
            return;
        }

        secrets.Add(value);

        // A receiver that echoes the JSON request shows the value escaped.
        var escaped = JavaScriptEncoder.Default.Encode(value);
        if (escaped != value)
        {
            secrets.Add(escaped);
        }

        var relaxed = JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(value);
        if (relaxed != value)
        {
            secrets.Add(relaxed);
        }
    }
}
