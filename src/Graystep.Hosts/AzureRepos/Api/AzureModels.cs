using System.Text.Json.Serialization;

namespace Graystep.Hosts.AzureRepos.Api;

// Only the fields Graystep reads or sends, in the words of git.json (GitPullRequest, IdentityRefWithVote,
// GitPullRequestStatus, GitPullRequestCommentThread, GitRef, GitRefUpdate). System.Text.Json skips the rest.

internal sealed record AzureCommitRef(string? CommitId);

internal sealed record AzureIdentity(string? Id, string? DisplayName, string? UniqueName);

internal sealed record AzureReviewer(string? Id, string? DisplayName, string? UniqueName, int Vote, bool? IsRequired, bool? HasDeclined, bool? IsContainer);

internal sealed record AzureRepositoryRef(string? Id, string? Name, string? WebUrl, string? RemoteUrl);

internal sealed record AzurePullRequest(
    int PullRequestId,
    string? Status,
    string? Title,
    string? SourceRefName,
    string? TargetRefName,
    string? MergeStatus,
    string? MergeFailureMessage,
    AzureCommitRef? LastMergeSourceCommit,
    AzureCommitRef? LastMergeCommit,
    string? CreationDate,
    string? ClosedDate,
    List<AzureReviewer>? Reviewers,
    AzureRepositoryRef? Repository,
    string? Url);

internal sealed record AzureList<T>(int Count, List<T> Value);

internal sealed record AzureError(string? Message, string? TypeKey, string? TypeName);

internal sealed record AzureRef(string Name, string ObjectId);

internal sealed record AzureRefUpdateResult(string? Name, bool Success, string? UpdateStatus, string? CustomMessage);

internal sealed record CreatePullRequestBody(string SourceRefName, string TargetRefName, string Title, string Description);

internal sealed record CompletionOptions(string MergeStrategy, bool DeleteSourceBranch, string MergeCommitMessage, bool TransitionWorkItems);

internal sealed record CompletePullRequestBody(string Status, AzureCommitRef LastMergeSourceCommit, CompletionOptions CompletionOptions);

internal sealed record AbandonPullRequestBody(string Status);

internal sealed record StatusContext(string Name, string Genre);

internal sealed record StatusBody(string State, string Description, StatusContext Context, string? TargetUrl);

internal sealed record CommentBody(int ParentCommentId, string Content, string CommentType);

internal sealed record ThreadBody(List<CommentBody> Comments, string Status);

internal sealed record RefUpdateBody(string Name, string OldObjectId, string NewObjectId);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AzurePullRequest))]
[JsonSerializable(typeof(AzureList<AzurePullRequest>))]
[JsonSerializable(typeof(AzureList<AzureRef>))]
[JsonSerializable(typeof(AzureList<AzureRefUpdateResult>))]
[JsonSerializable(typeof(AzureList<AzureReviewer>))]
[JsonSerializable(typeof(AzureError))]
[JsonSerializable(typeof(CreatePullRequestBody))]
[JsonSerializable(typeof(CompletePullRequestBody))]
[JsonSerializable(typeof(AbandonPullRequestBody))]
[JsonSerializable(typeof(StatusBody))]
[JsonSerializable(typeof(ThreadBody))]
[JsonSerializable(typeof(List<RefUpdateBody>))]
internal sealed partial class AzureJson : JsonSerializerContext;
