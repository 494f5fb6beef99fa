using Graystep.Core.Rollouts;
using Graystep.Core.Secrets;
using Graystep.Engine.Tests.Support;
using Graystep.Git;
using Graystep.TestKit;

namespace Graystep.Engine.Tests;

/// <summary>
/// Issue 13, probe 2: the status file is an output sink like the commit message. A secret that came back inside a
/// remote's error text and became the reason of a transition is masked in both, through the workspace's redactor.
/// </summary>
public sealed class StatusRedactionTests
{
    private const string Secret = "ghp_status_secret_0123456789";

    [Fact]
    public async Task A_secret_in_a_reason_is_masked_in_the_status_file_and_the_commit()
    {
        using var rig = RolloutRig.Create("bookinfo");
        await rig.RunAsync(RolloutRig.Start("v2", ("reviews", "registry.example/reviews:2.0.0")) with { Once = true });
        var redactor = new Redactor();
        redactor.Add(Secret);
        var factory = new GitWorkspaceFactory(
            new GitCli(new ProcessRunner(), rig.Env),
            new GitSettings { WorkspaceRoot = rig.Combine("redacted-workspaces"), Redactor = redactor },
            rig.Clock);
        await using var workspace = await factory.OpenAsync(new WorkspaceOptions { Repo = rig.Remote, SparsePaths = [rig.App] }, CancellationToken.None);
        var store = rig.Store(workspace);
        var state = await store.LoadAsync(CancellationToken.None);
        var reason = $"webhook said 401: you sent Bearer {Secret}";

        var sha = await store.ApplyAsync(state, RolloutTransitions.Pause(state.Spec, state.Status!, rig.Clock.GetUtcNow(), reason), CancellationToken.None);

        Assert.NotNull(sha);
        var status = RawGit.Run(rig.Remote, "show", $"{sha}:{rig.StatusPath}");
        var message = RawGit.Run(rig.Remote, "log", "-1", "--format=%B", sha!);
        Assert.DoesNotContain(Secret, status, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, message, StringComparison.Ordinal);
        Assert.Contains("you sent Bearer ***", status, StringComparison.Ordinal);
        Assert.Equal("paused: webhook said 401: you sent Bearer ***", rig.StatusAt(sha!).Reason);
    }
}
