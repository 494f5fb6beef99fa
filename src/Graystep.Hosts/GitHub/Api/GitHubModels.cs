using System.Text.Json.Serialization;

namespace Graystep.Hosts.GitHub.Api;

// Only the fields Graystep reads. GitHub's full objects carry many more; System.Text.Json skips them.

internal sealed record PullRequestDto(
    int Number,
    string State,
    string? HtmlUrl,
    BranchRefDto Head,
    BranchRefDto Base,
    bool? Merged,
    string? MergedAt,
    string? MergeCommitSha,
    string? CreatedAt = null);

internal sealed record BranchRefDto(string Ref, string Sha);

internal sealed record UserDto(string Login);

internal sealed record ReviewDto(long Id, UserDto? User, string State, string? CommitId);

internal sealed record MergeResultDto(string? Sha, bool Merged, string? Message);

internal sealed record CreatePullRequestBody(string Title, string Head, string Base, string Body);

internal sealed record MergeBody(string CommitTitle, string CommitMessage, string MergeMethod, string Sha);

internal sealed record StatusBody(string State, string Context, string Description, string? TargetUrl);

internal sealed record CommentBody(string Body);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PullRequestDto))]
[JsonSerializable(typeof(List<PullRequestDto>))]
[JsonSerializable(typeof(List<ReviewDto>))]
[JsonSerializable(typeof(MergeResultDto))]
[JsonSerializable(typeof(CreatePullRequestBody))]
[JsonSerializable(typeof(MergeBody))]
[JsonSerializable(typeof(StatusBody))]
[JsonSerializable(typeof(CommentBody))]
internal sealed partial class GitHubJson : JsonSerializerContext;
