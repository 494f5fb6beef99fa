using Graystep.Core.Alerts;
using Graystep.Core.Gates;
using Graystep.Core.Manifests;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using Graystep.Core.Tests.Spec;

namespace Graystep.Core.Tests.Alerts;

/// <summary>Alerts and AlertProviders as validation reads them: the repository is not trusted.</summary>
public sealed class AlertBindingTests
{
    private static readonly string WithAlerts = SpecFixtures.Rollout.With("    metrics:\n", """
            alerts:
              - {name: on-call, severity: error, providerRef: {name: pager}}
              - {name: team, providerRef: {name: chat, namespace: ops}}
            webhooks:
              - {name: qa, type: confirm-promotion, url: http://gate.test/, muteAlert: true}
              - {name: cab, type: confirm-promotion, url: http://gate.test/}
            metrics:

        """);

    private const string Providers = """
        apiVersion: flagger.app/v1beta1
        kind: AlertProvider
        metadata: {name: pager, namespace: bookinfo}
        spec: {type: msteams, address: https://example.webhook.office.com/webhookb2/token}
        ---
        apiVersion: flagger.app/v1beta1
        kind: AlertProvider
        metadata: {name: chat, namespace: ops}
        spec: {type: slack, secretRef: {name: slack-url}}
        """;

    private static SpecSet Load(string providers) => SpecFixtures.Load(WithAlerts, new SourceFile("app/alerts.yaml", providers));

    [Fact]
    public void Alerts_resolve_their_provider_in_the_rollouts_namespace_unless_the_reference_names_one()
    {
        var set = Load(Providers);

        Assert.Empty(set.Problems);
        var alerts = Assert.Single(set.Rollouts).Analysis.Alerts;
        Assert.Equal([("on-call", AlertSeverity.Error, "bookinfo/pager", "msteams"), ("team", AlertSeverity.Info, "ops/chat", "slack")],
            alerts.Select(a => (a.Name, a.Severity, a.Provider!.Id, a.Provider.Type)));
        Assert.Equal(("general", "graystep"), (alerts[1].Provider!.Channel, alerts[1].Provider!.Username));
        Assert.Equal("GRAYSTEP_SECRET_SLACK_URL_ADDRESS", alerts[1].Provider!.AddressVariable);
        Assert.Null(alerts[0].Provider!.AddressVariable);
    }

    [Fact]
    public void An_unknown_type_a_bad_address_and_a_provider_with_no_address_are_each_reported_where_they_are_written()
    {
        var providers = Providers
            .With("type: msteams, address: https://example.webhook.office.com/webhookb2/token", "type: teams, address: ftp://token@example.com/")
            .With("spec: {type: slack, secretRef: {name: slack-url}}", "spec: {type: slack, channel: \"a\\nb\", proxy: socks5://proxy:1080}");

        var problems = SpecFixtures.Problems(Load(providers));

        Assert.Equal(string.Join('\n',
        [
            "app/alerts.yaml:4:14: spec.type: alert provider type \"teams\" is not supported; did you mean \"msteams\"? Graystep sends to slack, msteams, discord, rocket, gchat or generic",
            "app/alerts.yaml:4:30: spec.address: expected an http or https URL (the value is not shown: it may hold a token)",
            "app/alerts.yaml:9:1: spec: an AlertProvider needs address or secretRef (its name gives the environment variable that holds the address)",
            "app/alerts.yaml:9:30: spec.channel: channel must be one line of printable text",
            "app/alerts.yaml:9:45: spec.proxy: expected an http or https proxy URL",
        ]), string.Join('\n', problems));
        Assert.DoesNotContain(problems, p => p.Contains("token@", StringComparison.Ordinal));
    }

    [Fact]
    public void A_reference_to_no_alert_provider_and_an_unknown_severity_are_refused()
    {
        var rollout = WithAlerts.With("severity: error", "severity: critical").With("namespace: ops}", "namespace: team}");

        var problems = SpecFixtures.Problems(SpecFixtures.Load(rollout, new SourceFile("app/alerts.yaml", Providers)));

        Assert.Equal(string.Join('\n',
        [
            "app/rollout.yaml:13:35: spec.analysis.alerts[0].severity: unknown alert severity \"critical\"; use info, warn or error",
            "app/rollout.yaml:14:35: spec.analysis.alerts[1].providerRef: AlertProvider \"chat\" not found in namespace team under app/; one is defined in namespace ops at app/alerts.yaml:6:1; set providerRef.namespace to it",
        ]), string.Join('\n', problems));
    }

    [Fact]
    public void Names_that_reach_a_ci_log_or_a_chat_are_plain()
    {
        var rollout = WithAlerts.With("{name: on-call, severity: error, providerRef: {name: pager}}", "{name: \"on-call\\n::error::x\", providerRef: {name: \"Pager!\"}}");
        var providers = Providers.With("metadata: {name: chat, namespace: ops}", "metadata: {name: \"chat\\u001b[31m\", namespace: ops}");

        var problems = SpecFixtures.Problems(SpecFixtures.Load(rollout, new SourceFile("app/alerts.yaml", providers)));

        Assert.Contains(problems, p => p.StartsWith("app/rollout.yaml:13:16: spec.analysis.alerts[0].name: alert name \"on-call\\n::error::x\" is not a plain name", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("app/rollout.yaml:13:", StringComparison.Ordinal) && p.Contains("spec.analysis.alerts[0].providerRef.name: expected a DNS name", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("app/alerts.yaml:8:", StringComparison.Ordinal) && p.Contains("metadata.name: expected a DNS name", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains('\n', StringComparison.Ordinal) || p.Contains('\u001b', StringComparison.Ordinal));
    }

    [Fact]
    public void Severity_filters_as_documented_info_gets_everything_warn_gets_warn_and_error_error_gets_error()
    {
        Assert.True(AlertEvents.Wants(AlertSeverity.Info, AlertSeverity.Info));
        Assert.True(AlertEvents.Wants(AlertSeverity.Info, AlertSeverity.Error));
        Assert.False(AlertEvents.Wants(AlertSeverity.Warn, AlertSeverity.Info));
        Assert.True(AlertEvents.Wants(AlertSeverity.Warn, AlertSeverity.Warn));
        Assert.True(AlertEvents.Wants(AlertSeverity.Warn, AlertSeverity.Error));
        Assert.False(AlertEvents.Wants(AlertSeverity.Error, AlertSeverity.Warn));
        Assert.True(AlertEvents.Wants(AlertSeverity.Error, AlertSeverity.Error));

        var spec = Assert.Single(Load(Providers).Rollouts);
        var step = new AlertEvent(AlertKind.Step, AlertSeverity.Info, "step", RolloutPhase.Progressing, []);
        var rollback = new AlertEvent(AlertKind.RolledBack, AlertSeverity.Error, "rolled back", RolloutPhase.Failed, []);
        Assert.Equal(["team"], AlertEvents.Recipients(spec, step).Select(a => a.Name));
        Assert.Equal(["on-call", "team"], AlertEvents.Recipients(spec, rollback).Select(a => a.Name));
    }

    [Fact]
    public void A_closed_gate_alerts_with_flaggers_words_unless_its_hook_mutes_alerts()
    {
        var spec = Assert.Single(Load(Providers).Rollouts);

        Assert.Null(AlertEvents.ForClosedGate(spec, new WebhookResult("qa", WebhookType.ConfirmPromotion, false, 403, "no"), RolloutPhase.Progressing));
        var alert = AlertEvents.ForClosedGate(spec, new WebhookResult("cab", WebhookType.ConfirmPromotion, false, 403, "no"), RolloutPhase.Progressing);
        Assert.Equal((AlertKind.WaitingApproval, AlertSeverity.Warn, "Halt reviews.bookinfo advancement waiting for promotion approval cab"), (alert!.Kind, alert.Severity, alert.Message));
    }
}
