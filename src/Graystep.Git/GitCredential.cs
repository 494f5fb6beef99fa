using System.Text;
using Graystep.Core.Secrets;

namespace Graystep.Git;

/// <summary>
/// The credential an <c>https://user:token@host/...</c> remote carries, taken out of the URL: git is given the URL
/// without it (so <c>.git/config</c> never holds a secret) and the credential as an <c>Authorization: Basic</c>
/// header scoped to that URL, through <c>GIT_CONFIG_COUNT</c>/<c>GIT_CONFIG_KEY_n</c>/<c>GIT_CONFIG_VALUE_n</c> in
/// the environment of each git call: never in argv (which <c>ps</c> and logs show), never on disk.
/// </summary>
public sealed record GitCredential(string PlainUrl, string Header)
{
    /// <summary>The credential in <paramref name="url"/>, or null when it has none or is not HTTP(S) (SSH keys need none).</summary>
    public static GitCredential? From(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && !url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (UrlCredentials.UserInfo(url) is not { } userInfo)
        {
            return null;
        }

        // git decodes percent-escapes in user-info before it sends them; so do we. A token alone is the user name.
        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        var user = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
        var password = colon < 0 ? string.Empty : Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        return new GitCredential(UrlCredentials.Strip(url), $"Authorization: Basic {basic}");
    }

    /// <summary>
    /// The variables that give git the header for this remote only (<c>http.&lt;url&gt;.extraHeader</c>: not sent
    /// to another host a redirect may name).
    /// </summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["GIT_CONFIG_COUNT"] = "1",
        ["GIT_CONFIG_KEY_0"] = $"http.{PlainUrl}.extraHeader",
        ["GIT_CONFIG_VALUE_0"] = Header,
    };

    /// <summary>Never prints the header: a record's generated ToString would.</summary>
    public override string ToString() => $"GitCredential {{ PlainUrl = {PlainUrl} }}";
}
