using Graystep.Hosts.GitHub;
using Graystep.Core.Hosts;
using Graystep.Core.Spec;
using Graystep.GitHubStandIn;
using Graystep.Hosts.Tests.GitHub.Infrastructure;

namespace Graystep.Hosts.Tests.GitHub.StandIn;

/// <summary>
/// The stand-in cannot drift from GitHub: every answer it gives in a full flow (successes and errors) is checked
/// against the OpenAPI description, strictly (required properties, types, enums, no undeclared properties).
/// </summary>
public sealed class StandInConformanceTests(StandInFixture fixture) : IClassFixture<StandInFixture>
{
    private static OpenApiDescription Api => OpenApiDescription.GitHub;

    private GitHubStandIn.GitHubStandIn Server => fixture.Server;

    [Fact]
    public async Task Every_answer_in_a_full_flow_fits_githubs_description()
    {
        var repo = await fixture.NewRepositoryAsync();
        Server.AddToken("ghp_conformance_read_only", "reader", StandInPermissions.None);
        var step = await fixture.PushStepAsync(repo, "graystep/step-1");
        var other = await fixture.PushStepAsync(repo, "graystep/step-2", weight: "60");
        using var host = fixture.Host(repo);
        using var reader = fixture.Host(repo, token: "ghp_conformance_read_only");
        using var stranger = fixture.Host(repo, token: "ghp_unknown");

        var pr = await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/step-1", step, "step 1", "why"), CancellationToken.None);
        await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/step-1", step, "step 1", "why"), CancellationToken.None);
        await Server.ApproveAsync(repo, pr.Number, "alice");
        await Server.RequestChangesAsync(repo, pr.Number, "bob");
        var dismissed = await Server.CommentReviewAsync(repo, pr.Number, "carol");
        await Server.DismissReviewAsync(repo, pr.Number, dismissed);
        await host.GetAsync(pr.Number, CancellationToken.None);
        await host.SetStatusAsync(step, "analysis", GateState.Success, "ok", CancellationToken.None);
        await host.CommentAsync(pr.Number, "table", CancellationToken.None);
        await host.MergeAsync(pr.Number, "0000000", MergeMethod.Squash, "t", "m", CancellationToken.None);
        await host.MergeAsync(pr.Number, step, MergeMethod.Squash, "t", "m", CancellationToken.None);
        await host.MergeAsync(pr.Number, step, MergeMethod.Squash, "t", "m", CancellationToken.None);
        await host.GetAsync(pr.Number, CancellationToken.None);
        await host.DeleteBranchAsync("graystep/step-1", CancellationToken.None);
        await host.DeleteBranchAsync("graystep/step-1", CancellationToken.None);
        var closed = await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/step-2", other, "step 2", "b"), CancellationToken.None);
        await Server.CloseAsync(repo, closed.Number);
        await host.GetAsync(closed.Number, CancellationToken.None);
        await Assert.ThrowsAsync<GitHubApiException>(() => host.GetAsync(404, CancellationToken.None));
        await Assert.ThrowsAsync<GitHubApiException>(() => host.OpenOrReuseAsync(new PullRequestRequest("main", "nope", "x", "t", "b"), CancellationToken.None));
        await Assert.ThrowsAsync<GitHubApiException>(() => host.SetStatusAsync("ffffffffffffffffffffffffffffffffffffffff", "x", GateState.Error, "e", CancellationToken.None));
        await Assert.ThrowsAsync<GitHubApiException>(() => reader.CommentAsync(pr.Number, "x", CancellationToken.None));
        await Assert.ThrowsAsync<GitHubApiException>(() => stranger.GetAsync(pr.Number, CancellationToken.None));

        var exchanges = Server.Exchanges.Where(e => e.Path.StartsWith($"/repos/{repo.FullName}/", StringComparison.Ordinal)).ToList();
        var problems = exchanges
            .SelectMany(e => Api.ValidateResponse(e.Method, e.Path, e.Status, e.ResponseBody).Select(p => $"{e.Method} {e.Path} {e.Status}: {p}"))
            .ToList();

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));

        // The flow really exercised every operation and the error answers.
        var seen = exchanges.Select(e => (Api.Find(e.Method, e.Path)!.Id, e.Status)).ToHashSet();
        Assert.Superset(
            new HashSet<(string, int)>
            {
                ("pulls/list", 200), ("pulls/create", 201), ("pulls/create", 422), ("pulls/get", 200), ("pulls/get", 404),
                ("pulls/get", 401), ("pulls/list-reviews", 200), ("pulls/merge", 200), ("pulls/merge", 405), ("pulls/merge", 409),
                ("git/delete-ref", 204), ("git/delete-ref", 422), ("repos/create-commit-status", 201),
                ("repos/create-commit-status", 422), ("issues/create-comment", 201), ("issues/create-comment", 403),
            },
            seen);
    }

    [Fact]
    public async Task Every_request_the_host_sent_to_the_stand_in_fits_githubs_description()
    {
        var repo = await fixture.NewRepositoryAsync();
        var sha = await fixture.PushStepAsync(repo, "graystep/a/b");
        using var host = fixture.Host(repo);
        var pr = await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/a/b", sha, "t", "b"), CancellationToken.None);
        await host.SetStatusAsync(sha, "gate", GateState.Pending, "d", CancellationToken.None);
        await host.CommentAsync(pr.Number, "c", CancellationToken.None);
        await host.MergeAsync(pr.Number, sha, MergeMethod.Rebase, "t", "m", CancellationToken.None);
        await host.DeleteBranchAsync("graystep/a/b", CancellationToken.None);

        var problems = Server.Exchanges
            .Where(e => e.Path.StartsWith($"/repos/{repo.FullName}/", StringComparison.Ordinal))
            .SelectMany(e => Api.ValidateRequest(e.Method, e.Path + e.Query, e.RequestBody))
            .ToList();

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
