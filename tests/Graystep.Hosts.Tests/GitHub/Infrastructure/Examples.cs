using Graystep.Hosts.GitHub;
using System.Text.Json.Nodes;

namespace Graystep.Hosts.Tests.GitHub.Infrastructure;

/// <summary>Responses built from the OpenAPI description's own examples, patched only where a test says so.</summary>
internal static class Examples
{
    private static OpenApiDescription Api => OpenApiDescription.GitHub;

    public static string PullRequest => Api.Example("pull-request");

    public static string PullRequestSimpleItems => Api.Example("pull-request-simple-items");

    public static string ReviewItems => Api.Example("pull-request-review-items");

    public static string MergeResult => Api.Example("pull-request-merge-result-response-if-merge-was-successful");

    public static string Status => Api.Example("status");

    public static string IssueComment => Api.Example("issue-comment");

    public static string MergeNotAllowed => Api.ResponseExample("put", "/repos/{owner}/{repo}/pulls/{pull_number}/merge", 405);

    public static string MergeHeadMoved => Api.ResponseExample("put", "/repos/{owner}/{repo}/pulls/{pull_number}/merge", 409);

    public static JsonObject Node(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>The description's review example in <paramref name="state"/>, by <paramref name="login"/>.</summary>
    public static JsonObject Review(string state, string login, long id)
    {
        // The description has an example per decisive state; COMMENTED has none, so it is APPROVED's with the state changed.
        var source = state switch
        {
            "APPROVED" => "pull-request-review-4",
            "CHANGES_REQUESTED" => "pull-request-review-5",
            "DISMISSED" => "pull-request-review-3",
            _ => "pull-request-review-4",
        };
        var review = Node(Api.Example(source));
        review["state"] = state;
        review["id"] = id;
        review["user"]!["login"] = login;
        return review;
    }

    public static string Reviews(params (string State, string Login)[] reviews) =>
        new JsonArray(reviews.Select((r, i) => (JsonNode)Review(r.State, r.Login, i + 1)).ToArray()).ToJsonString();
}
