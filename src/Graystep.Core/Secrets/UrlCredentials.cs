using System.Text.RegularExpressions;

namespace Graystep.Core.Secrets;

/// <summary>
/// The one place URL credentials are taken out of text (<c>https://user:token@host/...</c>): every message, log line,
/// report and commit that may show a URL goes through it. scp-like SSH addresses (<c>git@host:path</c>) carry no
/// secret and are kept.
/// </summary>
public static partial class UrlCredentials
{
    /// <summary>Replaces the user-info part of every URL in <paramref name="text"/> with <c>***</c>.</summary>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return UserInfo().Replace(text, "${scheme}://***@");
    }

    /// <summary>
    /// <paramref name="url"/> without its user-info part at all: the form a remote is shown, compared and stored in,
    /// so that a token given in the URL never reaches a config file or an output.
    /// </summary>
    public static string Strip(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return url;
        }

        var start = scheme + 3;
        var slash = url.IndexOf('/', start);
        var at = url.LastIndexOf('@', slash < 0 ? url.Length - 1 : slash);
        return at >= start ? url[..start] + url[(at + 1)..] : url;
    }

    /// <summary>The user-info part of an absolute URL (<c>user:token</c> of <c>https://user:token@host/</c>), or null.</summary>
    public static string? UserInfo(string? url)
    {
        if (url is null)
        {
            return null;
        }

        var stripped = Strip(url);
        if (stripped.Length == url.Length)
        {
            return null;
        }

        var start = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var info = url[start..(start + url.Length - stripped.Length - 1)];
        return info.Length == 0 ? null : info;
    }

    /// <summary>A URL as it may be shown when its query may hold tokens too (webhooks): scheme, host, port and path only.</summary>
    public static string WithoutSecrets(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return $"{url.Scheme}://{url.Authority}{url.AbsolutePath}";
    }

    [GeneratedRegex(@"(?<scheme>[A-Za-z][A-Za-z0-9+.-]*)://[^/@\s'""]+@")]
    private static partial Regex UserInfo();
}
