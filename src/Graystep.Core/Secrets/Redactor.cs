namespace Graystep.Core.Secrets;

/// <summary>
/// Every secret value this process holds, in one place: tokens from options and variables, the user-info of URLs
/// (the repository, Prometheus, webhooks) and whatever a provider learns later. Every output sink (stdout, stderr,
/// <c>-o json</c>, CI files, commit messages, pull-request text) writes through <see cref="Apply"/>, so a secret that
/// comes back inside a remote's error text is masked too. Thread-safe: webhooks and sinks run concurrently.
/// </summary>
public sealed class Redactor
{
    /// <summary>Shorter values are not masked: they are too common to replace without mangling text, and no real token is.</summary>
    public const int MinimumLength = 4;

    private readonly object _gate = new();
    private readonly SecretSet _secrets = new();

    /// <summary>The values masked (and their JSON-escaped forms), longest first.</summary>
    public IReadOnlyList<string> Values
    {
        get
        {
            lock (_gate)
            {
                return [.. _secrets.Values];
            }
        }
    }

    /// <summary>Adds a secret value; returns the values that were new (for a CI system's own masking command).</summary>
    public IReadOnlyList<string> Add(string? secret)
    {
        lock (_gate)
        {
            return _secrets.Add(secret, MinimumLength);
        }
    }

    /// <summary>
    /// Adds the credentials a URL carries in its user-info (<c>https://user:token@host</c>): the whole user-info,
    /// the password, and their percent-decoded forms. A URL without user-info adds nothing.
    /// </summary>
    public void AddUrlCredentials(string? url)
    {
        if (UrlCredentials.UserInfo(url) is not { } userInfo)
        {
            return;
        }

        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        IEnumerable<string> parts = colon < 0 ? [userInfo] : [userInfo, userInfo[(colon + 1)..]];
        foreach (var part in parts.ToList())
        {
            Add(part);
            Add(Uri.UnescapeDataString(part));
        }
    }

    /// <summary><paramref name="text"/> with every known secret and every URL's user-info replaced by <c>***</c>.</summary>
    public string Apply(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (_gate)
        {
            text = _secrets.Apply(text);
        }

        return UrlCredentials.Redact(text);
    }
}
