using System.Net;
using Graystep.Core.Errors;

namespace Graystep.Hosts.GitHub;

/// <summary>A GitHub API failure the user can act on: the message names the cause, the hint the fix.</summary>
public sealed class GitHubApiException : GraystepException
{
    public GitHubApiException(string message, HttpStatusCode? statusCode, string? hint = null, Exception? inner = null)
        : base(message, ExitCodes.Failure, hint, inner)
    {
        StatusCode = statusCode;
    }

    public GitHubApiException()
        : this("GitHub API call failed", statusCode: null)
    {
    }

    public GitHubApiException(string message)
        : this(message, statusCode: null)
    {
    }

    public GitHubApiException(string message, Exception inner)
        : this(message, null, null, inner)
    {
    }

    /// <summary>The HTTP status GitHub answered, or null when no answer applies (no token, rate-limit cap).</summary>
    public HttpStatusCode? StatusCode { get; }
}
