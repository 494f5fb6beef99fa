using Graystep.Core.Alerts;
using Graystep.Core.Gates;
using Graystep.Core.Providers;
using YamlDotNet.RepresentationModel;
using static Graystep.Core.Manifests.YamlNodes;

namespace Graystep.Core.Spec;

/// <summary>Binds the checks of <c>spec.analysis</c>: its metrics (with Flagger's defaults) and its webhooks.</summary>
internal sealed class ChecksBinder(ProblemSink sink) : BinderBase(sink)
{
    /// <summary>Webhook types in the order the spec reference lists them (Flagger's spellings come from the policy).</summary>
    private static readonly IReadOnlyList<WebhookRule> WebhookTypes = [.. WebhookPolicy.Rules.OrderBy(r => r.Type)];

    public List<MetricSpec> BindMetrics(YamlSequenceNode? seq, string path, JudgeSpec judge)
    {
        var metrics = new List<MetricSpec>();
        for (var i = 0; seq is not null && i < seq.Children.Count; i++)
        {
            if (seq.Children[i] is not YamlMappingNode item)
            {
                continue;
            }

            var itemPath = ProblemSink.Index(path, i);
            var name = Scalar(item, "name") ?? "";
            CheckName(item, itemPath, "metric");
            var interval = Duration(item, "interval") ?? TimeSpan.FromMinutes(1);
            PositiveDuration(item, "interval", itemPath, interval);
            var templateRef = Map(item, "templateRef");
            var query = Scalar(item, "query");
            var builtin = BuiltinQueries.IsBuiltin(name);
            var counters = BindCounters(item, itemPath, judge);

            if (templateRef is not null && query is not null)
            {
                Sink.Report(KeyAt(item, "query", item.Start), itemPath + ".query", "query cannot be combined with templateRef; keep the templateRef");
            }
            else if (!builtin && templateRef is null && query is null && counters is null && name.Length > 0)
            {
                var suggestion = Suggest.Closest(name, BuiltinQueries.Names);
                Sink.Report(Child(item, "name")!, itemPath + ".name", "metric " + Quote(name) + " is not built in; " +
                    (suggestion is not null ? "did you mean " + Quote(suggestion) + "? Otherwise " : "") +
                    "add a templateRef to a MetricTemplate, or use request-success-rate or request-duration");
            }

            metrics.Add(new MetricSpec
            {
                Name = name,
                Interval = interval,
                ThresholdRange = BindThresholdRange(item, itemPath, name, judge.IsSequential && (builtin || counters is not null)),
                TemplateRef = Scalar(templateRef, "name"),
                TemplateNamespace = Scalar(templateRef, "namespace"),
                TemplateVariables = StringMap(Map(item, "templateVariables")),
                Query = query,
                Counters = counters,
            });

            if (counters is not null && templateRef is null && query is null && !builtin && Has(item, "thresholdRange"))
            {
                // Nothing would compute the value a threshold bounds: the counters are compared, not bounded.
                Sink.Report(KeyAt(item, "thresholdRange", item.Start), itemPath + ".thresholdRange",
                    "thresholdRange needs a templateRef or query to check; the counters are judged canary against stable. Add a templateRef for an absolute guard, or remove thresholdRange");
            }
        }

        return metrics;
    }

    /// <summary>
    /// Graystep's <c>counters</c> of a metric: two MetricTemplates the sequential judge runs once per version. Only
    /// the sequential judge reads them; under the threshold rule they would be silently ignored, so they are refused.
    /// </summary>
    private MetricCounters? BindCounters(YamlMappingNode item, string path, JudgeSpec judge)
    {
        if (Map(item, "counters") is not { } counters)
        {
            return null;
        }

        if (!judge.IsSequential)
        {
            Sink.Report(KeyAt(item, "counters", item.Start), path + ".counters",
                "counters are read by the sequential judge only; set analysis.judge.kind: sequential, or remove counters");
        }

        var events = Map(counters, "events");
        var total = Map(counters, "total");
        return Scalar(events, "name") is { Length: > 0 } eventsName && Scalar(total, "name") is { Length: > 0 } totalName
            ? new MetricCounters(new MetricTemplateRef(eventsName, Scalar(events, "namespace")), new MetricTemplateRef(totalName, Scalar(total, "namespace")))
            : null;
    }

    private void CheckName(YamlMappingNode item, string path, string what)
    {
        if (Child(item, "name") is YamlScalarNode { Value: { Length: > 0 } name } node && !SafeNames.IsCheckName(name))
        {
            Sink.Report(node, path + ".name", what + " name " + Quote(name) + " is not a plain name; " + SafeNames.CheckNameRule);
        }
    }

    private ThresholdRange BindThresholdRange(YamlMappingNode item, string path, string name, bool optional)
    {
        var range = Map(item, "thresholdRange");
        if (range is not null)
        {
            var min = Number(range, "min");
            var max = Number(range, "max");
            if (!Has(range, "min") && !Has(range, "max"))
            {
                Sink.Report(KeyAt(item, "thresholdRange", item.Start), path + ".thresholdRange", "thresholdRange needs min, max or both");
            }
            else if (min > max)
            {
                Sink.Report(KeyAt(item, "thresholdRange", item.Start), path + ".thresholdRange", Invariant($"min {min} is above max {max}"));
            }

            return new ThresholdRange(min, max);
        }

        // Flagger's deprecated single threshold: a floor for the success rate, a ceiling for everything else.
        if (Number(item, "threshold") is { } threshold)
        {
            return name == "request-success-rate" ? new ThresholdRange(threshold, null) : new ThresholdRange(null, threshold);
        }

        // With the sequential judge, thresholdRange is an optional absolute guard.
        if (!Has(item, "threshold") && !optional)
        {
            Sink.Report(item, path + ".thresholdRange", "required field is missing; set thresholdRange: {min: ..., max: ...}");
        }

        return new ThresholdRange(null, null);
    }

    public List<WebhookSpec> BindWebhooks(YamlSequenceNode? seq, string path)
    {
        var webhooks = new List<WebhookSpec>();
        for (var i = 0; seq is not null && i < seq.Children.Count; i++)
        {
            if (seq.Children[i] is not YamlMappingNode item)
            {
                continue;
            }

            var itemPath = ProblemSink.Index(path, i);
            CheckName(item, itemPath, "webhook");
            var type = WebhookType.Rollout;
            if (Child(item, "type") is YamlScalarNode typeNode && !string.IsNullOrEmpty(typeNode.Value))
            {
                var found = WebhookTypes.FirstOrDefault(t => t.FlaggerName == typeNode.Value);
                if (found is null)
                {
                    var suggestion = Suggest.Closest(typeNode.Value, WebhookTypes.Select(t => t.FlaggerName));
                    Sink.Report(typeNode, itemPath + ".type", "unknown webhook type " + Quote(typeNode.Value) +
                        (suggestion is not null ? "; did you mean " + Quote(suggestion) + "?" : "; use one of " + string.Join(", ", WebhookTypes.Select(t => t.FlaggerName))));
                }
                else
                {
                    type = found.Type;
                }
            }

            var url = Scalar(item, "url");
            Uri? uri = null;
            if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out uri) && uri.Scheme is "http" or "https"))
            {
                Sink.Report(Child(item, "url")!, itemPath + ".url", "expected an http or https URL, got " + Quote(url));
                uri = null;
            }

            var timeout = Duration(item, "timeout") ?? TimeSpan.FromSeconds(10);
            PositiveDuration(item, "timeout", itemPath, timeout);
            var retries = Int(item, "retries") ?? 0;
            if (retries < 0)
            {
                Sink.Report(Child(item, "retries")!, itemPath + ".retries", Invariant($"retries must be 0 or more, got {retries}"));
            }

            webhooks.Add(new WebhookSpec
            {
                Name = Scalar(item, "name") ?? "",
                Type = type,
                Url = uri ?? new Uri("http://invalid/"),
                Timeout = timeout,
                Metadata = StringMap(Map(item, "metadata")),
                MuteAlert = Bool(item, "muteAlert") ?? false,
                Retries = retries,
            });
        }

        return webhooks;
    }

    /// <summary><c>analysis.alerts</c>: a name, a severity (Flagger's info, warn or error) and the AlertProvider it names.</summary>
    public List<AlertSpec> BindAlerts(YamlSequenceNode? seq, string path)
    {
        var alerts = new List<AlertSpec>();
        for (var i = 0; seq is not null && i < seq.Children.Count; i++)
        {
            if (seq.Children[i] is not YamlMappingNode item)
            {
                continue;
            }

            var itemPath = ProblemSink.Index(path, i);
            CheckName(item, itemPath, "alert");
            var providerRef = Map(item, "providerRef");
            CheckDnsName(providerRef, "name", itemPath + ".providerRef.name");
            CheckDnsName(providerRef, "namespace", itemPath + ".providerRef.namespace");
            var severity = AlertSeverity.Info;
            if (Child(item, "severity") is YamlScalarNode { Value: { Length: > 0 } text } node)
            {
                AlertSeverity? known = text switch { "info" => AlertSeverity.Info, "warn" => AlertSeverity.Warn, "error" => AlertSeverity.Error, _ => null };
                if (known is null)
                {
                    Sink.Report(node, itemPath + ".severity", "unknown alert severity " + Quote(text) + "; use info, warn or error");
                }

                severity = known ?? AlertSeverity.Info;
            }

            alerts.Add(new AlertSpec
            {
                Name = Scalar(item, "name") ?? "",
                Severity = severity,
                ProviderName = Scalar(providerRef, "name") ?? "",
                ProviderNamespace = Scalar(providerRef, "namespace"),
            });
        }

        return alerts;
    }
}
