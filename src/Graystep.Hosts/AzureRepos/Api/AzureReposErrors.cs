using System.Globalization;
using System.Net;

namespace Graystep.Hosts.AzureRepos.Api;

/// <summary>Turns an unexpected Azure DevOps answer into an error that names the cause and the fix.</summary>
internal static class AzureReposErrors
{
    public const string TokenSources = "SYSTEM_ACCESSTOKEN (or --azure-token, GRAYSTEP_AZURE_TOKEN, AZURE_DEVOPS_EXT_PAT)";

    private const string PipelineHint =
        "In Azure Pipelines map the job's token into the step: `env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)`; "
        + "elsewhere set AZURE_DEVOPS_EXT_PAT to a personal access token with Code (Read & write) and Code (Status).";

    public static AzureReposApiException NoToken(AzureReposRepository repository) => new(
        $"no Azure DevOps token for {repository}: set {TokenSources}",
        null,
        PipelineHint);

    public static AzureReposApiException From(AzureCall call, AzureResponse response, AzureReposRepository repository)
    {
        var error = response.Error;
        var code = response.Code.ToString(CultureInfo.InvariantCulture);
        var message = error.Message ?? response.ReasonPhrase;
        return response.StatusCode switch
        {
            // Azure DevOps answers a bad or expired PAT with its sign-in page and 203 (or 302 to it), not 401.
            HttpStatusCode.NonAuthoritativeInformation or HttpStatusCode.Unauthorized or HttpStatusCode.Redirect => new AzureReposApiException(
                $"Azure DevOps rejected the token ({code} {(response.StatusCode == HttpStatusCode.Unauthorized ? message : "sign-in page")}) to {call.Operation}: "
                + $"it is missing, expired or revoked; set {TokenSources} to a valid token",
                response.StatusCode,
                PipelineHint),
            HttpStatusCode.Forbidden => new AzureReposApiException(
                $"Azure DevOps refused to {call.Operation} in {repository} ({code} {message}): the identity lacks a permission",
                response.StatusCode,
                "Give the pipeline's build service identity (Project Collection Build Service, or the project's) \"Contribute\" and "
                + "\"Contribute to pull requests\" on the repository; a personal access token needs the Code (Read & write) and Code (Status) scopes."),
            HttpStatusCode.NotFound => new AzureReposApiException(
                $"Azure DevOps answered {code} ({message}) to {call.Operation}: repository {repository} in {repository.CollectionUrl} not found "
                + "or the token cannot see it" + (call.Subject is null ? string.Empty : $", or {call.Subject} does not exist"),
                response.StatusCode,
                "Check the remote URL (https://dev.azure.com/ORG/PROJECT/_git/REPO) and, on Azure DevOps Server, --azure-url; a job token "
                + "limited to its own project (\"Limit job authorization scope\") cannot see a repository in another project."),
            _ => new AzureReposApiException(
                $"Azure DevOps answered {code} {message} to {call.Operation} in {repository}",
                response.StatusCode,
                response.Code >= 500 ? "Azure DevOps had a server error; run again in a few minutes (https://status.dev.azure.com)." : null),
        };
    }

    public static AzureReposApiException Throttled(AzureCall call, AzureResponse response, TimeSpan wait, DateTimeOffset now, TimeSpan cap, AzureReposRepository repository)
    {
        var until = (now + wait).ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var why = wait > cap ? $"longer than the {Throttling.Format(cap)} Graystep waits" : "and the retries are used up";
        return new AzureReposApiException(
            $"Azure DevOps throttled the request to {call.Operation} in {repository} ({response.Code.ToString(CultureInfo.InvariantCulture)}): "
            + $"it asks to wait {Throttling.Format(wait)}, until {until}, {why}",
            response.StatusCode,
            "Run again after that time; the rollout resumes from Git. Throttling is per identity: a dedicated identity's PAT is not shared with other pipelines.");
    }
}
