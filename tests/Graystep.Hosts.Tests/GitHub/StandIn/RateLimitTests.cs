using Graystep.TestKit;
using Graystep.Hosts.GitHub;
using Graystep.Core.Hosts;
using Graystep.Hosts.Tests.GitHub.Infrastructure;

namespace Graystep.Hosts.Tests.GitHub.StandIn;

/// <summary>Rate limits are waited out on the fake clock: the retry happens only once the clock reaches the reset.</summary>
public sealed class RateLimitTests(StandInFixture fixture) : IClassFixture<StandInFixture>
{
    private GitHubStandIn.GitHubStandIn Server => fixture.Server;

    [Fact]
    public async Task A_secondary_limit_with_retry_after_is_waited_out_then_retried()
    {
        var (repo, number) = await OpenAsync();
        var time = new RecordingTimeProvider();
        using var host = fixture.Host(repo, time: time);
        Server.InjectSecondaryRateLimit(TimeSpan.FromSeconds(30), pathContains: $"{repo.Name}/pulls/{number}");

        var read = host.GetAsync(number, CancellationToken.None);
        Assert.True(await time.WaitForTimerAsync());
        Assert.Equal(1, Calls(repo, number));

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(1, time.PendingTimers);
        Assert.False(read.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1));
        var info = await read;

        Assert.Equal(number, info.Number);
        Assert.Equal(2, Calls(repo, number));
        Assert.Equal([TimeSpan.FromSeconds(30)], time.Waits);
    }

    [Fact]
    public async Task An_exhausted_primary_limit_waits_until_the_reset_time()
    {
        var (repo, number) = await OpenAsync();
        var time = new RecordingTimeProvider();
        using var host = fixture.Host(repo, time: time);
        Server.InjectPrimaryRateLimit(time.GetUtcNow().AddSeconds(120), pathContains: $"{repo.Name}/pulls/{number}");

        var read = host.GetAsync(number, CancellationToken.None);
        Assert.True(await time.WaitForTimerAsync());
        time.Advance(TimeSpan.FromSeconds(120));
        Assert.False(read.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await read;

        // One second past the reset, so that the retry does not land on the boundary.
        Assert.Equal([TimeSpan.FromSeconds(121)], time.Waits);
        Assert.Equal(2, Calls(repo, number));
    }

    [Fact]
    public async Task A_secondary_limit_without_retry_after_waits_a_minute_then_doubles()
    {
        var (repo, number) = await OpenAsync();
        var time = new RecordingTimeProvider();
        using var host = fixture.Host(repo, time: time);
        Server.InjectSecondaryRateLimit(retryAfter: null, pathContains: $"{repo.Name}/pulls/{number}", times: 2);

        var read = host.GetAsync(number, CancellationToken.None);
        Assert.True(await time.WaitForTimerAsync());
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await time.WaitForTimerAsync());
        time.Advance(TimeSpan.FromMinutes(2));
        await read;

        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2)], time.Waits);
        Assert.Equal(3, Calls(repo, number));
    }

    [Fact]
    public async Task A_rate_limited_create_is_retried_and_opens_exactly_one_pull_request()
    {
        var repo = await fixture.NewRepositoryAsync();
        var sha = await fixture.PushStepAsync(repo, "graystep/step-1");
        var time = new RecordingTimeProvider();
        using var host = fixture.Host(repo, time: time);
        Server.InjectSecondaryRateLimit(TimeSpan.FromSeconds(5), pathContains: $"/repos/{repo.FullName}/pulls");

        var open = host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/step-1", sha, "t", "b"), CancellationToken.None);
        Assert.True(await time.WaitForTimerAsync());
        time.Advance(TimeSpan.FromSeconds(5));
        var info = await open;

        Assert.Equal(PullRequestLifecycle.Open, info.Lifecycle);
        Assert.Single(Server.PullRequests(repo));
    }

    [Fact]
    public async Task A_reset_beyond_the_cap_fails_at_once_saying_when_the_limit_resets()
    {
        var (repo, number) = await OpenAsync();
        var time = new RecordingTimeProvider();
        using var host = fixture.Host(repo, time: time, maxWait: TimeSpan.FromMinutes(10));
        Server.InjectPrimaryRateLimit(time.GetUtcNow().AddHours(2), pathContains: $"{repo.Name}/pulls/{number}");

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => host.GetAsync(number, CancellationToken.None));

        Assert.Equal($"GitHub API rate limit exhausted while trying to read pull request #{number}: it resets at 2026-01-01 14:00:01Z, in 2h00m, longer than the 10m00s Graystep waits", error.Message);
        Assert.StartsWith("Run again after that time; the rollout resumes from Git.", error.Hint, StringComparison.Ordinal);
        Assert.Empty(time.Waits);
        Assert.Equal(1, error.ExitCode);
    }

    [Fact]
    public async Task A_limit_that_keeps_coming_back_fails_once_the_retries_are_used_up()
    {
        var (repo, number) = await OpenAsync();
        var time = new RecordingTimeProvider();
        using var host = fixture.Host(repo, time: time, maxRetries: 2);
        Server.InjectSecondaryRateLimit(TimeSpan.FromSeconds(10), pathContains: $"{repo.Name}/pulls/{number}", times: 3);

        var read = host.GetAsync(number, CancellationToken.None);
        for (var i = 0; i < 2; i++)
        {
            Assert.True(await time.WaitForTimerAsync());
            time.Advance(TimeSpan.FromSeconds(10));
        }

        var error = await Assert.ThrowsAsync<GitHubApiException>(() => read);

        Assert.Equal($"GitHub secondary rate limit hit while trying to read pull request #{number}: GitHub asks to wait 10s, until 2026-01-01 12:00:30Z, and the retries are used up", error.Message);
        Assert.Equal(3, Calls(repo, number));
    }

    private async Task<(GitHubStandIn.StandInRepository Repo, int Number)> OpenAsync()
    {
        var repo = await fixture.NewRepositoryAsync();
        var sha = await fixture.PushStepAsync(repo, "graystep/step-1");
        using var host = fixture.Host(repo);
        var pr = await host.OpenOrReuseAsync(new PullRequestRequest("main", "graystep/step-1", sha, "t", "b"), CancellationToken.None);
        return (repo, pr.Number);
    }

    private int Calls(GitHubStandIn.StandInRepository repo, int number) =>
        Server.Exchanges.Count(e => e.Method == "GET" && e.Path == $"/repos/{repo.FullName}/pulls/{number}");
}
