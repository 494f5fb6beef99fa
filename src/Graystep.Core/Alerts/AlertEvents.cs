using System.Globalization;
using Graystep.Core.Gates;
using Graystep.Core.History;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;

namespace Graystep.Core.Alerts;

/// <summary>The moments a rollout alerts about.</summary>
public enum AlertKind
{
    Started,
    Step,
    Promoted,
    RolledBack,
    WaitingApproval,
}

/// <summary>A name and value shown under an alert's message (Flagger's <c>notifier.Field</c>).</summary>
public sealed record AlertField(string Name, string Value);

/// <summary>What happened, how severe it is, and the text every provider shows.</summary>
/// <param name="Phase">The rollout's phase once it happened (the generic payload's <c>phase</c>).</param>
public sealed record AlertEvent(AlertKind Kind, AlertSeverity Severity, string Message, RolloutPhase Phase, IReadOnlyList<AlertField> Fields)
{
    /// <summary>Flagger's Kubernetes event type: a warning from warn up.</summary>
    public string EventType => Severity == AlertSeverity.Info ? "Normal" : "Warning";
}

/// <summary>Which alerts get which events, and the events of a rollout with Flagger's wording where Flagger has one.</summary>
public static class AlertEvents
{
    /// <summary>An alert gets the events at its severity and above: info gets all, warn gets warn and error, error gets error.</summary>
    public static bool Wants(AlertSeverity subscribed, AlertSeverity severity) => severity >= subscribed;

    /// <summary>The alerts of <paramref name="spec"/> that get <paramref name="alert"/>.</summary>
    public static IReadOnlyList<AlertSpec> Recipients(RolloutSpec spec, AlertEvent alert)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(alert);
        return [.. spec.Analysis.Alerts.Where(a => a.Provider is not null && Wants(a.Severity, alert.Severity))];
    }

    /// <summary>The event a committed transition raises; null for those that alert nobody (pause, a recorded check...).</summary>
    public static AlertEvent? ForCommit(RolloutSpec spec, Transition transition)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(transition);
        var status = transition.Status;
        var subject = UntrustedText.OneLine(transition.Message.Subject);
        return transition.Action switch
        {
            // Flagger's start alert carries the rollout's settings, so the channel sees what is about to happen.
            RolloutAction.Start => new AlertEvent(AlertKind.Started, AlertSeverity.Info, "New revision detected, progressing canary analysis.", status.Phase, StartFields(spec, status)),
            RolloutAction.Step => new AlertEvent(AlertKind.Step, AlertSeverity.Info, subject, status.Phase, []),
            RolloutAction.Promote => new AlertEvent(
                AlertKind.Promoted,
                AlertSeverity.Info,
                spec.SkipAnalysis ? "Canary analysis was skipped, promotion finished." : "Canary analysis completed successfully, promotion finished.",
                status.Phase,
                []),
            RolloutAction.Rollback => new AlertEvent(AlertKind.RolledBack, AlertSeverity.Error, "Canary rolled back: " + UntrustedText.OneLine(status.Reason), status.Phase, []),
            _ => null,
        };
    }

    /// <summary>
    /// A closed gate (confirm-rollout, confirm-traffic-increase, confirm-promotion), in Flagger's words; null when the
    /// hook mutes its alerts (<c>muteAlert</c>) or is not a gate.
    /// </summary>
    public static AlertEvent? ForClosedGate(RolloutSpec spec, WebhookResult gate, RolloutPhase phase)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(gate);
        if (spec.Analysis.Webhooks.Any(h => h.Name == gate.Name && h.Type == gate.Type && h.MuteAlert))
        {
            return null;
        }

        var what = gate.Type switch
        {
            WebhookType.ConfirmRollout => "approval",
            WebhookType.ConfirmTrafficIncrease => "traffic increase approval",
            WebhookType.ConfirmPromotion => "promotion approval",
            _ => null,
        };
        return what is null ? null : new AlertEvent(
            AlertKind.WaitingApproval,
            AlertSeverity.Warn,
            $"Halt {spec.Name}.{spec.Namespace} advancement waiting for {what} {UntrustedText.OneLine(gate.Name)}",
            phase,
            []);
    }

    /// <summary>A transition's pull request waits for a reviewer.</summary>
    public static AlertEvent ForReview(RolloutSpec spec, Transition transition, string reason)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(transition);
        return new AlertEvent(
            AlertKind.WaitingApproval,
            AlertSeverity.Warn,
            $"Halt {spec.Name}.{spec.Namespace} advancement waiting for approval: {UntrustedText.OneLine(reason)}",
            transition.Status.Phase,
            [new AlertField("Change", UntrustedText.OneLine(transition.Message.Subject))]);
    }

    /// <summary>Flagger's <c>alertMetadata</c>, plus the version being rolled out.</summary>
    private static List<AlertField> StartFields(RolloutSpec spec, RolloutStatus status)
    {
        var analysis = spec.Analysis;
        var fields = new List<AlertField>
        {
            new("Target", $"{spec.TargetRef.Kind}/{spec.TargetRef.Name}.{spec.Namespace}"),
        };
        if (status.Canary is { } canary)
        {
            fields.Add(new AlertField("Version", UntrustedText.OneLine(canary.Name)));
        }

        fields.Add(new AlertField("Failed checks threshold", analysis.Threshold.ToString(CultureInfo.InvariantCulture)));
        fields.Add(new AlertField("Progress deadline", spec.ProgressDeadlineSeconds.ToString(CultureInfo.InvariantCulture) + "s"));
        var routing = analysis.Strategy switch
        {
            Strategy.Canary when analysis.StepWeights.Count > 0 => "Weight steps: " + string.Join(",", analysis.StepWeights.Select(w => w.ToString(CultureInfo.InvariantCulture))) +
                " max: " + analysis.StepWeights[^1].ToString(CultureInfo.InvariantCulture),
            Strategy.ABTesting => "A/B Testing",
            Strategy.BlueGreen or Strategy.BlueGreenMirroring => "Blue/Green",
            _ => null,
        };
        if (routing is not null)
        {
            fields.Add(new AlertField("Traffic routing", routing));
        }

        return fields;
    }
}
