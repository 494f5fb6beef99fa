using System.Net;

namespace Graystep.Hosts.GitHub.Api;

/// <summary>A fine-grained permission in the words of a workflow's <c>permissions:</c> block.</summary>
internal sealed record GitHubPermission(string Name, string Level)
{
    public static readonly GitHubPermission PullRequestsRead = new("pull-requests", "read");
    public static readonly GitHubPermission PullRequestsWrite = new("pull-requests", "write");
    public static readonly GitHubPermission ContentsWrite = new("contents", "write");
    public static readonly GitHubPermission StatusesWrite = new("statuses", "write");

    public override string ToString() => $"`{Name}: {Level}`";
}

/// <summary>
/// One request, with what the errors need to be specific: what it does in the user's words and the permission it
/// needs.
/// </summary>
internal sealed record GitHubCall(
    HttpMethod Method,
    string Path,
    string Operation,
    GitHubPermission Permission,
    string? Body = null,
    string? Subject = null)
{
    /// <summary>An absolute URL (a pagination link) instead of <see cref="Path"/>.</summary>
    public Uri? AbsoluteUrl { get; init; }
}

/// <summary>An answer read whole: status, the headers that matter, and the body text.</summary>
internal sealed record GitHubResponse(HttpStatusCode StatusCode, string ReasonPhrase, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public int Code => (int)StatusCode;
}
