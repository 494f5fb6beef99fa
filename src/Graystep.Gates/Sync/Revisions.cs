namespace Graystep.Gates.Sync;

internal static class Revisions
{
    /// <summary>The first 7 characters, as git shows a commit.</summary>
    public static string Short(string? revision) =>
        string.IsNullOrEmpty(revision) ? "(none)" : revision.Length > 12 && IsHex(revision) ? revision[..7] : revision;

    public static bool SameCommit(string? reported, string sha) =>
        !string.IsNullOrEmpty(reported) && string.Equals(reported.Trim(), sha, StringComparison.OrdinalIgnoreCase);

    /// <summary>Flux writes <c>main@sha1:&lt;sha&gt;</c> (and <c>main/&lt;sha&gt;</c> before v2.0): the SHA is the suffix.</summary>
    public static bool EndsWithCommit(string? reported, string sha)
    {
        if (string.IsNullOrEmpty(reported) || !reported.EndsWith(sha, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var before = reported.Length - sha.Length;
        return before == 0 || reported[before - 1] is ':' or '/' or '@';
    }

    /// <summary>The cluster cannot run a commit before it exists; reconciler clocks and carried-over times can say otherwise.</summary>
    public static DateTimeOffset NotBefore(DateTimeOffset? reported, DateTimeOffset committedAt, DateTimeOffset now)
    {
        var at = reported ?? now;
        return at < committedAt ? committedAt : at;
    }

    private static bool IsHex(string text) => text.All(char.IsAsciiHexDigit);
}
