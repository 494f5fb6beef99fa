using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Graystep.Hosts.GitHub;

/// <summary>A repository on a GitHub server, as named by a git remote URL.</summary>
public sealed partial record GitHubRepository(string Host, string Owner, string Name)
{
    public string FullName => $"{Owner}/{Name}";

    public override string ToString() => FullName;

    /// <summary>
    /// Reads host, owner and name from the remote URL forms git accepts: https (with or without user info),
    /// ssh://, git:// and the scp-like <c>git@host:owner/name.git</c>. No network.
    /// </summary>
    public static bool TryParse(string? remoteUrl, [NotNullWhen(true)] out GitHubRepository? repository)
    {
        repository = null;
        if (string.IsNullOrWhiteSpace(remoteUrl))
        {
            return false;
        }

        var url = remoteUrl.Trim();
        string host;
        string path;
        if (url.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.IsFile || string.IsNullOrEmpty(uri.Host))
            {
                return false;
            }

            host = uri.Host;
            path = Uri.UnescapeDataString(uri.AbsolutePath);
        }
        else
        {
            var match = ScpLike().Match(url);
            if (!match.Success)
            {
                return false;
            }

            host = match.Groups["host"].Value;
            path = match.Groups["path"].Value;
        }

        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length != 2)
        {
            return false;
        }

        var name = segments[1].EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? segments[1][..^4] : segments[1];
        if (name.Length == 0)
        {
            return false;
        }

        repository = new GitHubRepository(host.ToLowerInvariant(), segments[0], name);
        return true;
    }

    // user@host:path, where host is longer than one letter so that a Windows path (C:\x) never matches.
    [GeneratedRegex(@"^(?:[^@/\\]+@)?(?<host>[A-Za-z0-9][A-Za-z0-9.\-]+):(?<path>[^\\]+)$")]
    private static partial Regex ScpLike();
}
