using Graystep.TestKit.Http;
using System.Text.Json;
using Graystep.Core.Gates;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using Graystep.Engine.Gates;
using Graystep.Gates.Webhooks;
using Graystep.TestKit;

namespace Graystep.Engine.Tests;

/// <summary>The runner against real receivers: <c>/ok/...</c> answers 200, <c>/no/...</c> answers 500.</summary>
public sealed class HookRunnerTests : IAsyncLifetime
{
    private readonly SocketsHttpHandler _handler = new();
    private LocalServer _receiver = null!;
    private HookRunner _runner = null!;
    private WebhookCaller _caller = null!;

    public async Task InitializeAsync()
    {
        _receiver = await LocalServer.StartAsync((context, request) =>
        {
            context.Response.StatusCode = request.PathAndQuery.StartsWith("/ok/", StringComparison.Ordinal) ? 200 : 500;
            return Task.CompletedTask;
        });
        _caller = new WebhookCaller(_handler, new FakeTimeProvider(TestClock.Start));
        _runner = new HookRunner(new WebhookCallerRegistry { _caller });
    }

    public async Task DisposeAsync()
    {
        _caller.Dispose();
        _handler.Dispose();
        await _receiver.DisposeAsync();
    }

    private WebhookSpec Hook(string path, WebhookType type) => ReviewsSpecs.Hook(path.Split('/')[^1], type, _receiver.Url(path));

    private IEnumerable<string> Called => _receiver.Requests.Select(r => r.PathAndQuery);

    [Fact]
    public async Task A_failing_promotion_gate_waits_and_later_gates_are_not_asked()
    {
        var spec = ReviewsSpecs.Reviews(webhooks: [Hook("/ok/qa", WebhookType.ConfirmPromotion), Hook("/no/release-manager", WebhookType.ConfirmPromotion), Hook("/ok/cab", WebhookType.ConfirmPromotion)]);

        var decision = await _runner.RunAsync(spec, HookMoment.BeforePromotion, new HookContext(RolloutPhase.Progressing, "c1"), CancellationToken.None);

        Assert.Equal(HookOutcome.Wait, decision.Outcome);
        Assert.Equal("release-manager", decision.Cause?.Name);
        Assert.Equal(["/ok/qa", "/no/release-manager"], Called);
    }

    [Fact]
    public async Task The_first_rollback_hook_that_says_yes_rolls_back()
    {
        var spec = ReviewsSpecs.Reviews(webhooks: [Hook("/no/pager", WebhookType.Rollback), Hook("/ok/kill-switch", WebhookType.Rollback), Hook("/ok/other", WebhookType.Rollback)]);

        var decision = await _runner.RunAsync(spec, HookMoment.RollbackCheck, new HookContext(RolloutPhase.WaitingPromotion, "c1"), CancellationToken.None);

        Assert.Equal(HookOutcome.RollbackNow, decision.Outcome);
        Assert.Equal("kill-switch", decision.Cause?.Name);
        Assert.Equal(["/no/pager", "/ok/kill-switch"], Called);
        Assert.All(_receiver.Requests, r => Assert.Equal("WaitingPromotion", JsonDocument.Parse(r.Body).RootElement.GetProperty("phase").GetString()));
    }

    [Fact]
    public async Task A_failing_pre_rollout_hook_counts_as_a_failed_check_and_reports_progressing()
    {
        var spec = ReviewsSpecs.Reviews(webhooks: [Hook("/no/acceptance", WebhookType.PreRollout), Hook("/ok/load", WebhookType.Rollout)]);

        var decision = await _runner.RunAsync(spec, HookMoment.BeforeFirstStep, new HookContext(RolloutPhase.Initialized, "c1"), CancellationToken.None);

        Assert.Equal(HookOutcome.CountFailure, decision.Outcome);
        var request = Assert.Single(_receiver.Requests);
        Assert.Equal("Progressing", JsonDocument.Parse(request.Body).RootElement.GetProperty("phase").GetString());
    }

    [Fact]
    public async Task Every_event_hook_gets_the_event_and_failures_are_only_reported()
    {
        var spec = ReviewsSpecs.Reviews(webhooks: [Hook("/no/slack", WebhookType.Event), Hook("/ok/audit", WebhookType.Event), Hook("/ok/gate", WebhookType.ConfirmRollout)]);

        var decision = await _runner.RunAsync(spec, HookMoment.Event, new HookContext(RolloutPhase.Progressing, "c1", "Advance reviews.bookinfo canary weight 20", "Normal"), CancellationToken.None);

        Assert.Equal(HookOutcome.Continue, decision.Outcome);
        Assert.Equal(["slack"], decision.IgnoredFailures.Select(r => r.Name));
        Assert.Equal(["/no/slack", "/ok/audit"], Called);
        var metadata = JsonDocument.Parse(_receiver.Requests[1].Body).RootElement.GetProperty("metadata");
        Assert.Equal("Advance reviews.bookinfo canary weight 20", metadata.GetProperty("eventMessage").GetString());
        Assert.Equal("Normal", metadata.GetProperty("eventType").GetString());
    }

    [Fact]
    public async Task Non_event_hooks_get_no_event_keys()
    {
        var spec = ReviewsSpecs.Reviews(webhooks: [Hook("/ok/load", WebhookType.Rollout)]);

        await _runner.RunAsync(spec, HookMoment.Analysis, new HookContext(RolloutPhase.Progressing, "c1", "ignored", "Normal"), CancellationToken.None);

        Assert.Equal("""{"name":"reviews","namespace":"bookinfo","phase":"Progressing","checksum":"c1"}""", Assert.Single(_receiver.Requests).Body);
    }

    [Fact]
    public async Task A_moment_without_hooks_calls_nothing()
    {
        var spec = ReviewsSpecs.Reviews(strategy: Strategy.BlueGreen, webhooks: [Hook("/ok/more", WebhookType.ConfirmTrafficIncrease)]);

        var decision = await _runner.RunAsync(spec, HookMoment.BeforeTrafficIncrease, new HookContext(RolloutPhase.Progressing, "c1"), CancellationToken.None);

        Assert.Same(HookDecision.None, decision);
        Assert.Empty(_receiver.Requests);
    }
}
