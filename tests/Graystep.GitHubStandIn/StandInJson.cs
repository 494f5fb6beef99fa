using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Graystep.GitHubStandIn;

/// <summary>
/// Builds GitHub's response objects with every property the OpenAPI description marks required, so a client
/// that works against the stand-in reads the same shapes it reads from GitHub.
/// </summary>
internal sealed class StandInJson
{
    // Repository link templates, as GitHub spells them, relative to the repository's API URL.
    private static readonly (string Name, string Suffix)[] RepositoryLinks =
    [
        ("archive_url", "/{archive_format}{/ref}"), ("assignees_url", "/assignees{/user}"), ("blobs_url", "/git/blobs{/sha}"),
        ("branches_url", "/branches{/branch}"), ("collaborators_url", "/collaborators{/collaborator}"),
        ("comments_url", "/comments{/number}"), ("commits_url", "/commits{/sha}"), ("compare_url", "/compare/{base}...{head}"),
        ("contents_url", "/contents/{+path}"), ("contributors_url", "/contributors"), ("deployments_url", "/deployments"),
        ("downloads_url", "/downloads"), ("events_url", "/events"), ("forks_url", "/forks"),
        ("git_commits_url", "/git/commits{/sha}"), ("git_refs_url", "/git/refs{/sha}"), ("git_tags_url", "/git/tags{/sha}"),
        ("hooks_url", "/hooks"), ("issue_comment_url", "/issues/comments{/number}"), ("issue_events_url", "/issues/events{/number}"),
        ("issues_url", "/issues{/number}"), ("keys_url", "/keys{/key_id}"), ("labels_url", "/labels{/name}"),
        ("languages_url", "/languages"), ("merges_url", "/merges"), ("milestones_url", "/milestones{/number}"),
        ("notifications_url", "/notifications{?since,all,participating}"), ("pulls_url", "/pulls{/number}"),
        ("releases_url", "/releases{/id}"), ("stargazers_url", "/stargazers"), ("statuses_url", "/statuses/{sha}"),
        ("subscribers_url", "/subscribers"), ("subscription_url", "/subscription"), ("tags_url", "/tags"),
        ("teams_url", "/teams"), ("trees_url", "/git/trees{/sha}"),
    ];

    private readonly Dictionary<string, long> _userIds = new(StringComparer.OrdinalIgnoreCase);

    public StandInJson(string apiUrl, string webUrl)
    {
        Api = apiUrl.TrimEnd('/');
        Web = webUrl.TrimEnd('/');
    }

    public string Api { get; }

    public string Web { get; }

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string NodeId(string kind, long id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"04:{kind}{id}")));

    public static JsonObject Error(string message, string documentation = "https://docs.github.com/rest") =>
        new() { ["message"] = message, ["documentation_url"] = documentation };

    public static JsonObject ValidationError(params JsonObject[] errors) =>
        new()
        {
            ["message"] = "Validation Failed",
            ["errors"] = new JsonArray(errors.Select(e => (JsonNode)e).ToArray()),
            ["documentation_url"] = "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
        };

    public JsonObject User(string login)
    {
        if (!_userIds.TryGetValue(login, out var id))
        {
            id = 1000 + _userIds.Count;
            _userIds[login] = id;
        }

        var api = $"{Api}/users/{login}";
        return new JsonObject
        {
            ["login"] = login,
            ["id"] = id,
            ["node_id"] = NodeId("User", id),
            ["avatar_url"] = $"{Web}/avatars/{login}",
            ["gravatar_id"] = string.Empty,
            ["url"] = api,
            ["html_url"] = $"{Web}/{login}",
            ["followers_url"] = api + "/followers",
            ["following_url"] = api + "/following{/other_user}",
            ["gists_url"] = api + "/gists{/gist_id}",
            ["starred_url"] = api + "/starred{/owner}{/repo}",
            ["subscriptions_url"] = api + "/subscriptions",
            ["organizations_url"] = api + "/orgs",
            ["repos_url"] = api + "/repos",
            ["events_url"] = api + "/events{/privacy}",
            ["received_events_url"] = api + "/received_events",
            ["type"] = "User",
            ["site_admin"] = false,
        };
    }

    public JsonObject Repository(StandInRepository repository, DateTimeOffset now)
    {
        var api = RepoApi(repository);
        var host = new Uri(Web).Authority;
        var open = repository.PullRequests.Count(p => p.Open);
        var json = new JsonObject
        {
            ["id"] = repository.Id,
            ["node_id"] = NodeId("Repository", repository.Id),
            ["name"] = repository.Name,
            ["full_name"] = repository.FullName,
            ["owner"] = User(repository.Owner),
            ["private"] = false,
            ["html_url"] = $"{Web}/{repository.FullName}",
            ["description"] = null,
            ["fork"] = false,
            ["url"] = api,
        };
        foreach (var (name, suffix) in RepositoryLinks)
        {
            json[name] = api + suffix;
        }

        json["clone_url"] = $"{Web}/{repository.FullName}.git";
        json["git_url"] = $"git://{host}/{repository.FullName}.git";
        json["ssh_url"] = $"git@{host}:{repository.FullName}.git";
        json["svn_url"] = $"{Web}/{repository.FullName}";
        json["mirror_url"] = null;
        json["homepage"] = null;
        json["language"] = null;
        json["default_branch"] = repository.DefaultBranch;
        json["forks"] = 0;
        json["forks_count"] = 0;
        json["stargazers_count"] = 0;
        json["watchers"] = 0;
        json["watchers_count"] = 0;
        json["size"] = 0;
        json["open_issues"] = open;
        json["open_issues_count"] = open;
        json["has_issues"] = true;
        json["has_projects"] = false;
        json["has_wiki"] = false;
        json["has_pages"] = false;
        json["has_downloads"] = true;
        json["archived"] = false;
        json["disabled"] = false;
        json["license"] = null;
        json["pushed_at"] = Time(now);
        json["created_at"] = Time(repository.CreatedAt);
        json["updated_at"] = Time(now);
        return json;
    }

    /// <summary><c>pull-request-simple</c> (lists), or with <paramref name="stats"/> the full <c>pull-request</c>.</summary>
    public JsonObject PullRequest(StandInRepository repository, StandInPullRequest pull, DateTimeOffset now, PullRequestStats? stats)
    {
        var api = RepoApi(repository);
        var self = $"{api}/pulls/{pull.Number}";
        var html = $"{Web}/{repository.FullName}/pull/{pull.Number}";
        var issue = $"{api}/issues/{pull.Number}";
        var json = new JsonObject
        {
            ["url"] = self,
            ["id"] = pull.Id,
            ["node_id"] = NodeId("PullRequest", pull.Id),
            ["html_url"] = html,
            ["diff_url"] = html + ".diff",
            ["patch_url"] = html + ".patch",
            ["issue_url"] = issue,
            ["commits_url"] = self + "/commits",
            ["review_comments_url"] = self + "/comments",
            ["review_comment_url"] = api + "/pulls/comments{/number}",
            ["comments_url"] = issue + "/comments",
            ["statuses_url"] = $"{api}/statuses/{pull.HeadSha}",
            ["number"] = pull.Number,
            ["state"] = pull.Open ? "open" : "closed",
            ["locked"] = false,
            ["title"] = pull.Title,
            ["user"] = User(pull.Author),
            ["body"] = pull.Body,
            ["labels"] = new JsonArray(),
            ["milestone"] = null,
            ["active_lock_reason"] = null,
            ["created_at"] = Time(pull.CreatedAt),
            ["updated_at"] = Time(pull.UpdatedAt),
            ["closed_at"] = pull.ClosedAt is { } closed ? Time(closed) : null,
            ["merged_at"] = pull.MergedAt is { } merged ? Time(merged) : null,
            ["merge_commit_sha"] = pull.MergeCommitSha,
            ["assignee"] = null,
            ["assignees"] = new JsonArray(),
            ["requested_reviewers"] = new JsonArray(),
            ["requested_teams"] = new JsonArray(),
            ["head"] = BranchRef(repository, pull.Head, pull.HeadSha, now),
            ["base"] = BranchRef(repository, pull.Base, pull.BaseSha, now),
            ["_links"] = new JsonObject
            {
                ["self"] = Href(self),
                ["html"] = Href(html),
                ["issue"] = Href(issue),
                ["comments"] = Href(issue + "/comments"),
                ["review_comments"] = Href(self + "/comments"),
                ["review_comment"] = Href(api + "/pulls/comments{/number}"),
                ["commits"] = Href(self + "/commits"),
                ["statuses"] = Href($"{api}/statuses/{pull.HeadSha}"),
            },
            ["author_association"] = Association(repository, pull.Author),
            ["auto_merge"] = null,
            ["draft"] = false,
        };

        if (stats is not null)
        {
            json["merged"] = pull.Merged;
            json["mergeable"] = stats.Mergeable;
            json["rebaseable"] = stats.Mergeable;
            json["mergeable_state"] = stats.MergeableState;
            json["merged_by"] = pull.MergedBy is { } by ? User(by) : null;
            json["comments"] = pull.CommentList.Count;
            json["review_comments"] = 0;
            json["maintainer_can_modify"] = false;
            json["commits"] = stats.Commits;
            json["additions"] = stats.Additions;
            json["deletions"] = stats.Deletions;
            json["changed_files"] = stats.ChangedFiles;
        }

        return json;
    }

    public JsonObject Review(StandInRepository repository, StandInPullRequest pull, StandInReview review)
    {
        var html = $"{Web}/{repository.FullName}/pull/{pull.Number}#pullrequestreview-{review.Id}";
        var pullUrl = $"{RepoApi(repository)}/pulls/{pull.Number}";
        return new JsonObject
        {
            ["id"] = review.Id,
            ["node_id"] = NodeId("PullRequestReview", review.Id),
            ["user"] = User(review.User),
            ["body"] = review.Body,
            ["state"] = review.ApiState,
            ["html_url"] = html,
            ["pull_request_url"] = pullUrl,
            ["_links"] = new JsonObject { ["html"] = Href(html), ["pull_request"] = Href(pullUrl) },
            ["submitted_at"] = Time(review.SubmittedAt),
            ["commit_id"] = review.CommitId,
            ["author_association"] = Association(repository, review.User),
        };
    }

    public JsonObject Status(StandInRepository repository, StandInStatus status) => new()
    {
        ["url"] = $"{RepoApi(repository)}/statuses/{status.Sha}",
        ["avatar_url"] = $"{Web}/avatars/{status.Creator}",
        ["id"] = status.Id,
        ["node_id"] = NodeId("StatusContext", status.Id),
        ["state"] = status.State,
        ["description"] = status.Description,
        ["target_url"] = status.TargetUrl,
        ["context"] = status.Context,
        ["created_at"] = Time(status.CreatedAt),
        ["updated_at"] = Time(status.CreatedAt),
        ["creator"] = User(status.Creator),
    };

    public JsonObject Comment(StandInRepository repository, StandInComment comment)
    {
        var api = RepoApi(repository);
        return new JsonObject
        {
            ["id"] = comment.Id,
            ["node_id"] = NodeId("IssueComment", comment.Id),
            ["url"] = $"{api}/issues/comments/{comment.Id}",
            ["html_url"] = $"{Web}/{repository.FullName}/pull/{comment.Number}#issuecomment-{comment.Id}",
            ["body"] = comment.Body,
            ["user"] = User(comment.User),
            ["created_at"] = Time(comment.CreatedAt),
            ["updated_at"] = Time(comment.CreatedAt),
            ["issue_url"] = $"{api}/issues/{comment.Number}",
            ["author_association"] = Association(repository, comment.User),
        };
    }

    public string RepoApi(StandInRepository repository) => $"{Api}/repos/{repository.FullName}";

    private JsonObject BranchRef(StandInRepository repository, string branch, string sha, DateTimeOffset now) => new()
    {
        ["label"] = $"{repository.Owner}:{branch}",
        ["ref"] = branch,
        ["sha"] = sha,
        ["user"] = User(repository.Owner),
        ["repo"] = Repository(repository, now),
    };

    private static JsonObject Href(string url) => new() { ["href"] = url };

    private static string Association(StandInRepository repository, string login) =>
        string.Equals(login, repository.Owner, StringComparison.OrdinalIgnoreCase) ? "OWNER" : "COLLABORATOR";
}
