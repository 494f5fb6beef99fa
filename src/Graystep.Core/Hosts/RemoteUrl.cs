using System.Text.RegularExpressions;

namespace Graystep.Core.Hosts;

/// <summary>Remote URLs as they may be shown to people: credentials in them are never printed.</summary>
public static partial class RemoteUrl
{
    /// <summary>
    /// Replaces the user-info part of every URL in <paramref name="text"/> (<c>https://user:token@host</c>) with
    /// <c>***</c>. scp-like SSH addresses (<c>git@host:path</c>) carry no secret and are kept.
    /// </summary>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return UserInfo().Replace(text, "${scheme}://***@");
    }

    [GeneratedRegex(@"(?<scheme>[A-Za-z][A-Za-z0-9+.-]*)://[^/@\s'""]+@")]
    private static partial Regex UserInfo();
}
