using System.Text.Json;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using Graystep.Engine.Alerts;
using Graystep.Engine.Rollouts;
using Graystep.Engine.Tests.Support;
using Graystep.Gates.Alerts;
using Graystep.TestKit;
using Graystep.TestKit.Http;

namespace Graystep.Engine.Tests;

/// <summary>
/// A real rollout (bare remote, real git) whose AlertProviders, one of each type, point at a receiver on loopback:
/// what each provider receives, and that a provider answering 500 or refusing the connection changes nothing.
/// </summary>
public sealed class AlertTests : IAsyncLifetime
{
    private readonly SocketsHttpHandler _handler = new() { AllowAutoRedirect = false };
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private readonly List<string> _revealed = [];
    private LocalServer _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LocalServer.StartAsync((context, request) =>
    {
        context.Response.StatusCode = request.PathAndQuery.StartsWith("/broken/", StringComparison.Ordinal) ? 500 : 200;
        return Task.CompletedTask;
    });

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _handler.Dispose();
    }

    /// <summary>The alerts, with a closed promotion gate (alerted) and a muted one, beside bookinfo's metrics.</summary>
    private const string Alerts = """
            alerts:
              - {name: slack, providerRef: {name: slack}}
              - {name: teams, providerRef: {name: teams}}
              - {name: discord, providerRef: {name: discord}}
              - {name: rocket, providerRef: {name: rocket}}
              - {name: gchat, providerRef: {name: gchat}}
              - {name: generic, providerRef: {name: generic}}
              - {name: pager, severity: error, providerRef: {name: pager}}
              - {name: approvers, severity: warn, providerRef: {name: approvers}}
              - {name: broken, providerRef: {name: broken}}
              - {name: gone, providerRef: {name: gone}}
            webhooks:
              - {name: qa, type: confirm-promotion, url: http://gate.test/qa, muteAlert: true}
              - {name: cab, type: confirm-promotion, url: http://gate.test/cab}
            metrics:

        """;

    private string Providers(int refusedPort) => string.Join("---\n", new[]
    {
        Provider("slack", "slack", $"address: {_receiver.Base}/slack/T0/B0/token"),
        Provider("teams", "msteams", $"address: {_receiver.Base}/teams/webhookb2/token"),
        Provider("discord", "discord", $"address: {_receiver.Base}/discord/api/webhooks/1/token"),
        Provider("rocket", "rocket", $"address: {_receiver.Base}/rocket/hooks/token"),
        Provider("gchat", "gchat", $"address: \"{_receiver.Base}/gchat/v1/spaces/x/messages?key=k&token=t\""),
        Provider("generic", "generic", "secretRef: {name: generic-hook}"),
        Provider("pager", "generic", $"address: {_receiver.Base}/pager/hook"),
        Provider("approvers", "slack", $"address: {_receiver.Base}/approvers/hook"),
        Provider("broken", "slack", $"address: {_receiver.Base}/broken/hook-token"),
        Provider("gone", "msteams", $"address: http://127.0.0.1:{refusedPort}/gone/hook-token"),
    });

    private static string Provider(string name, string type, string address) =>
        $"apiVersion: flagger.app/v1beta1\nkind: AlertProvider\nmetadata: {{name: {name}, namespace: bookinfo}}\nspec: {{type: {type}, channel: releases, {address}}}\n";

    private RolloutRig Rig()
    {
        var rig = RolloutRig.CreateWith("bookinfo", new Dictionary<string, string> { ["apps/bookinfo/alerts.yaml"] = Providers(FreePort.Next()) }, ("    metrics:\n", Alerts));
        _environment["GRAYSTEP_SECRET_GENERIC_HOOK_ADDRESS"] = _receiver.Base + "/generic/secret-hook";
        rig.Alerts = new RolloutAlerts(AlertSenders.Create(() => _handler, rig.Clock, name => _environment.GetValueOrDefault(name), _revealed.Add), rig.Clock);
        return rig;
    }

    private IReadOnlyList<string> Received(string prefix, Func<JsonElement, string> text) =>
        [.. _receiver.Requests.Where(r => r.PathAndQuery.StartsWith(prefix, StringComparison.Ordinal)).Select(r => text(JsonDocument.Parse(r.Body).RootElement))];

    private static string SlackText(JsonElement body) => body.GetProperty("attachments")[0].GetProperty("text").GetString()!;

    [Fact]
    public async Task Every_provider_type_receives_the_rollouts_events_and_failing_providers_change_nothing()
    {
        using var rig = Rig();
        // Each gate says no once: qa first (muted: no alert), then cab (alerted once, however long it waits).
        var asked = new Dictionary<string, int>(StringComparer.Ordinal);
        rig.Webhooks.Succeeds = (hook, _) => hook.Name is not ("qa" or "cab") || (asked[hook.Name] = asked.GetValueOrDefault(hook.Name) + 1) > 1;

        var result = await rig.RunAsync(RolloutRig.Start("v2", ("reviews", "docker.io/istio/examples-bookinfo-reviews-v2:1.20.2")));

        Assert.Equal(RunOutcome.Promoted, result.Outcome);
        var slack = Received("/slack/", SlackText);
        Assert.Equal("New revision detected, progressing canary analysis.", slack[0]);
        Assert.Equal("Halt reviews.bookinfo advancement waiting for promotion approval cab", Assert.Single(slack, t => t.StartsWith("Halt", StringComparison.Ordinal)));
        Assert.Equal((3, 2), (asked["qa"], asked["cab"])); // qa closed once, unalerted; it is asked again each round
        Assert.Equal("Canary analysis completed successfully, promotion finished.", slack[^1]);
        Assert.True(slack.Count(t => !t.StartsWith("Halt", StringComparison.Ordinal)) >= 4, string.Join("\n", slack));

        // Every type got the same events, each in its own format.
        Assert.Equal(slack, Received("/discord/api/webhooks/1/token/slack", SlackText));
        Assert.Equal(slack, Received("/rocket/", SlackText));
        Assert.Equal(slack, Received("/teams/", b => b.GetProperty("sections")[0].GetProperty("activityTitle").GetString()!));
        Assert.Equal(slack.Count, Received("/gchat/v1/spaces/x/messages?key=k&token=t", b => b.GetProperty("cards")[0].GetProperty("header").GetProperty("subtitle").GetString()!).Count(s => s == "reviews.bookinfo"));
        Assert.Equal(slack, Received("/generic/secret-hook", b => b.GetProperty("metadata").GetProperty("eventMessage").GetString()!));
        Assert.StartsWith("""{"name":"Target","value":"Deployment/reviews.bookinfo"}""", Received("/teams/", b => string.Join(",", b.GetProperty("sections")[0].GetProperty("facts").EnumerateArray().Select(f => f.GetRawText())))[0], StringComparison.Ordinal);

        // Severity: error gets nothing from a promotion, warn gets the wait for approval only.
        Assert.Empty(Received("/pager/", b => b.ToString()));
        Assert.Equal(["Halt reviews.bookinfo advancement waiting for promotion approval cab"], Received("/approvers/", SlackText));

        // The failing providers were tried at every event and only logged, without their addresses.
        Assert.Equal(slack.Count, _receiver.Requests.Count(r => r.PathAndQuery.StartsWith("/broken/", StringComparison.Ordinal)));
        var failures = rig.Observer.Lines.Where(l => l.Contains("was not sent", StringComparison.Ordinal)).ToList();
        Assert.Contains("info: alert broken (slack, AlertProvider bookinfo/broken) was not sent: HTTP 500 Internal Server Error", failures);
        Assert.Contains("info: alert gone (msteams, AlertProvider bookinfo/gone) was not sent: cannot reach the provider: connection refused", failures);
        Assert.DoesNotContain(rig.Observer.Lines, l => l.Contains("hook-token", StringComparison.Ordinal) || l.Contains("secret-hook", StringComparison.Ordinal));
        Assert.Contains(_receiver.Base + "/generic/secret-hook", _revealed);
    }

    [Fact]
    public async Task A_rollback_alerts_every_severity_and_the_run_still_ends_rolled_back()
    {
        using var rig = Rig();
        rig.Analysis.Healthy = _ => false;

        var result = await rig.RunAsync(RolloutRig.Start("v2", ("reviews", "docker.io/istio/examples-bookinfo-reviews-v2:1.20.2")));

        Assert.Equal((RunOutcome.RolledBack, 4), (result.Outcome, result.ExitCode));
        var pager = Assert.Single(_receiver.Requests, r => r.PathAndQuery == "/pager/hook");
        var body = JsonDocument.Parse(pager.Body).RootElement;
        Assert.Equal(("reviews", "bookinfo", "Failed"), (body.GetProperty("name").GetString(), body.GetProperty("namespace").GetString(), body.GetProperty("phase").GetString()));
        Assert.Equal(("RolledBack", "error", "Warning"), (body.GetProperty("metadata").GetProperty("event").GetString(), body.GetProperty("metadata").GetProperty("severity").GetString(), body.GetProperty("metadata").GetProperty("eventType").GetString()));
        Assert.StartsWith("Canary rolled back: ", body.GetProperty("metadata").GetProperty("eventMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal("danger", JsonDocument.Parse(_receiver.Requests.Last(r => r.PathAndQuery.StartsWith("/slack/", StringComparison.Ordinal)).Body).RootElement.GetProperty("attachments")[0].GetProperty("color").GetString());
    }

    [Fact]
    public async Task A_rollback_by_hand_alerts_like_one_the_run_decides()
    {
        using var rig = Rig();
        rig.Analysis.Healthy = _ => true;
        Assert.Equal(RunOutcome.InProgress, (await rig.RunAsync(RolloutRig.Start("v2", ("reviews", "docker.io/istio/examples-bookinfo-reviews-v2:1.20.2")) with { Once = true })).Outcome);
        var before = _receiver.Requests.Count(r => r.PathAndQuery == "/pager/hook");

        await using var workspace = await rig.OpenAsync();
        var store = rig.Store(workspace);
        var observer = new RecordingObserver();
        var manual = new ManualRunner(store, _ => new Publishing.DirectPublisher(store), rig.Clock, observer, rig.Alerts);
        var result = await manual.RunAsync(ManualAction.Rollback, "bad canary", fresh: true, CancellationToken.None);

        Assert.IsType<ManualResult.Committed>(result);
        Assert.Equal(0, before);
        var pager = JsonDocument.Parse(Assert.Single(_receiver.Requests, r => r.PathAndQuery == "/pager/hook").Body).RootElement;
        Assert.Contains("bad canary", pager.GetProperty("metadata").GetProperty("eventMessage").GetString(), StringComparison.Ordinal);
        Assert.Contains(observer.Lines, l => l.StartsWith("info: alert broken (slack, AlertProvider bookinfo/broken) was not sent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_alerts_the_same_rollout_makes_the_same_commits()
    {
        using var plain = RolloutRig.Create("bookinfo");
        using var alerted = Rig();

        var without = await plain.RunAsync(RolloutRig.Start("v2", ("reviews", "docker.io/istio/examples-bookinfo-reviews-v2:1.20.2")));
        var with = await alerted.RunAsync(RolloutRig.Start("v2", ("reviews", "docker.io/istio/examples-bookinfo-reviews-v2:1.20.2")));

        Assert.Equal(without.Outcome, with.Outcome);
        Assert.Equal(plain.RolloutCommits().Select(c => c.Message.Subject), alerted.RolloutCommits().Select(c => c.Message.Subject));
    }
}
