using System.Net;
using Graystep.Core.Errors;

namespace Graystep.Hosts.AzureRepos;

/// <summary>An Azure DevOps REST failure the user can act on: the message names the cause, the hint the fix.</summary>
public sealed class AzureReposApiException : GraystepException
{
    public AzureReposApiException(string message, HttpStatusCode? statusCode, string? hint = null, Exception? inner = null)
        : base(message, ExitCodes.Failure, hint, inner)
    {
        StatusCode = statusCode;
    }

    public AzureReposApiException()
        : this("Azure DevOps API call failed", statusCode: null)
    {
    }

    public AzureReposApiException(string message)
        : this(message, statusCode: null)
    {
    }

    public AzureReposApiException(string message, Exception inner)
        : this(message, null, null, inner)
    {
    }

    /// <summary>The HTTP status Azure DevOps answered, or null when no answer applies (no token, throttling cap).</summary>
    public HttpStatusCode? StatusCode { get; }
}
