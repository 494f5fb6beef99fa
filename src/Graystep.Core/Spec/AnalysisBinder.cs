using Graystep.Core.Providers;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static Graystep.Core.Manifests.YamlNodes;

namespace Graystep.Core.Spec;

/// <summary>
/// Binds <c>spec.analysis</c>: the schedule, the strategy Flagger derives from it, the contradictions between its
/// fields, and whether the provider can run that strategy. Metrics and webhooks go to <see cref="ChecksBinder"/>,
/// match rules to <see cref="MatchBinder"/>.
/// </summary>
internal sealed class AnalysisBinder(ProblemSink sink, ProviderCatalogue catalogue) : BinderBase(sink)
{
    private const string Path = "spec.analysis";

    /// <param name="defaultScaleDownDelay">scaleDownDelay when the spec has none: the Rollout's 30s, a Flagger Canary's 0s.</param>
    public AnalysisSpec Bind(YamlMappingNode? map, TrafficProvider? provider, Mark analysisAt, TimeSpan defaultScaleDownDelay)
    {
        var interval = Duration(map, "interval") ?? TimeSpan.FromMinutes(1);
        PositiveDuration(map, "interval", Path, interval);

        var threshold = Int(map, "threshold") ?? 1;
        if (Has(map, "threshold") && threshold < 1)
        {
            Sink.Report(Child(map, "threshold")!, Path + ".threshold", Invariant($"threshold is the number of failed checks before rollback and must be at least 1, got {threshold}"));
        }

        var stepWeightsNode = Seq(map, "stepWeights");
        var stepWeights = BindStepWeights(stepWeightsNode, Path + ".stepWeights");
        var stepWeight = Weight(map, "stepWeight", min: 1);
        var maxWeight = Weight(map, "maxWeight", min: 1);
        var promotion = Weight(map, "stepWeightPromotion", min: 1);
        var mirrorWeight = Weight(map, "mirrorWeight", min: 0);
        var iterations = Int(map, "iterations");
        if (iterations is < 1)
        {
            Sink.Report(Child(map, "iterations")!, Path + ".iterations", Invariant($"iterations must be at least 1, got {iterations}"));
        }

        var mirror = Bool(map, "mirror") ?? false;
        var matchNode = Seq(map, "match");
        var match = new MatchBinder(Sink, catalogue).Bind(matchNode, provider, Path + ".match");

        var hasSteps = stepWeightsNode is not null;
        var hasStep = Has(map, "stepWeight");
        var hasIterations = Has(map, "iterations");
        var hasMatch = matchNode is not null && matchNode.Children.Count > 0;
        CheckContradictions(map, analysisAt, hasSteps, hasStep, hasIterations, hasMatch, mirror);
        if (hasMatch && !hasIterations && (hasSteps || hasStep) && provider is { WeightedMatch: false })
        {
            Sink.Report(KeyAt(map, "match", analysisAt), Path + ".match",
                $"provider {provider.Id} cannot split only the matching requests by weight (match with {(hasSteps ? "stepWeights" : "stepWeight")}); " +
                "use provider istio or gateway-api, or set analysis.iterations for A/B testing (the matching requests all go to the canary)");
        }
        if (stepWeight is not null && maxWeight is not null && maxWeight < stepWeight)
        {
            Sink.Report(Child(map, "maxWeight")!, Path + ".maxWeight", Invariant($"maxWeight {maxWeight} is below stepWeight {stepWeight}"));
        }

        var strategy = hasIterations && hasMatch ? Strategy.ABTesting
            : hasIterations && mirror ? Strategy.BlueGreenMirroring
            : hasIterations ? Strategy.BlueGreen
            : Strategy.Canary;

        IReadOnlyList<int> weights = strategy != Strategy.Canary ? []
            : hasSteps ? stepWeights
            : stepWeight is > 0 ? Ladder(stepWeight.Value, maxWeight ?? 100)
            : [];

        if (provider is not null)
        {
            CheckStrategy(map, provider, strategy, hasSteps, analysisAt);
        }

        var judge = BindJudge(Map(map, "judge"));
        var scaleDownDelay = Duration(map, "scaleDownDelay") ?? defaultScaleDownDelay;
        if (scaleDownDelay < TimeSpan.Zero)
        {
            Sink.Report(Child(map, "scaleDownDelay")!, Path + ".scaleDownDelay", "scaleDownDelay cannot be negative; use 0s to remove the old version in the switch commit");
        }

        var checks = new ChecksBinder(Sink);
        return new AnalysisSpec
        {
            Strategy = strategy,
            Interval = interval,
            Threshold = threshold,
            StepWeights = weights,
            StepWeightPromotion = promotion,
            Iterations = strategy == Strategy.Canary ? 0 : iterations ?? 0,
            Match = match,
            Mirror = mirror,
            MirrorWeight = mirrorWeight is > 0 ? mirrorWeight : null,
            Metrics = checks.BindMetrics(Seq(map, "metrics"), Path + ".metrics", judge),
            Judge = judge,
            Webhooks = checks.BindWebhooks(Seq(map, "webhooks"), Path + ".webhooks"),
            Alerts = checks.BindAlerts(Seq(map, "alerts"), Path + ".alerts"),
            ScaleDownDelay = scaleDownDelay < TimeSpan.Zero ? TimeSpan.Zero : scaleDownDelay,
            KeepPrevious = Bool(map, "keepPrevious") ?? false,
            SessionAffinity = BindSessionAffinity(Map(map, "sessionAffinity"), strategy, hasMatch),
        };
    }

    /// <summary><c>analysis.sessionAffinity</c>: a cookie for the users the weights send to the canary.</summary>
    private SessionAffinitySpec? BindSessionAffinity(YamlMappingNode? node, Strategy strategy, bool hasMatch)
    {
        if (node is null || node.Children.Count == 0 || Scalar(node, "cookieName") is not { Length: > 0 } name)
        {
            return null;
        }

        if (strategy != Strategy.Canary || hasMatch)
        {
            Sink.Report(node, Path + ".sessionAffinity",
                "sessionAffinity keeps users on a weighted canary; it needs stepWeights or stepWeight, without match (A/B testing already routes by request)");
        }

        if (!SafeNames.IsCookieName(name))
        {
            Sink.Report(Child(node, "cookieName")!, Path + ".sessionAffinity.cookieName", "a cookie name is letters, digits and - _ . only, got " + Quote(name));
        }

        var primary = Scalar(node, "primaryCookieName") is { Length: > 0 } p ? p : null;
        if (primary is not null && (!SafeNames.IsCookieName(primary) || primary == name))
        {
            Sink.Report(Child(node, "primaryCookieName")!, Path + ".sessionAffinity.primaryCookieName",
                primary == name ? "primaryCookieName must differ from cookieName" : "a cookie name is letters, digits and - _ . only, got " + Quote(primary));
        }

        foreach (var key in (string[])["domain", "path", "sameSite"])
        {
            if (Scalar(node, key) is { } value && !SafeNames.IsCookieAttribute(value))
            {
                Sink.Report(Child(node, key)!, Path + ".sessionAffinity." + key, "a cookie attribute cannot hold ';', ',', quotes, spaces or control characters, got " + Quote(value));
            }
        }

        var maxAge = Int(node, "maxAge") ?? SessionAffinitySpec.DefaultMaxAge;
        if (maxAge < 1)
        {
            Sink.Report(Child(node, "maxAge")!, Path + ".sessionAffinity.maxAge", Invariant($"maxAge is the cookie's lifetime in seconds and must be at least 1, got {maxAge}"));
        }

        return new SessionAffinitySpec
        {
            CookieName = name,
            PrimaryCookieName = primary,
            MaxAge = maxAge,
            Domain = Scalar(node, "domain"),
            Path = Scalar(node, "path"),
            SameSite = Scalar(node, "sameSite"),
            HttpOnly = Bool(node, "httpOnly") ?? false,
            Secure = Bool(node, "secure") ?? false,
            Partitioned = Bool(node, "partitioned") ?? false,
        };
    }

    /// <summary><c>analysis.judge</c>: absent means today's threshold rule; every value is checked with its place.</summary>
    private JudgeSpec BindJudge(YamlMappingNode? node)
    {
        if (node is null)
        {
            return JudgeSpec.Threshold;
        }

        const string path = Path + ".judge";
        var kind = JudgeKind.Threshold;
        switch (Scalar(node, "kind"))
        {
            case null or "threshold":
                break;
            case "sequential":
                kind = JudgeKind.Sequential;
                break;
            case var other:
                Sink.Report(Child(node, "kind")!, path + ".kind", "judge kind " + Quote(other) + " is unknown; use threshold or sequential");
                break;
        }

        var alpha = Number(node, "alpha") ?? JudgeSpec.Threshold.Alpha;
        if (Has(node, "alpha") && Number(node, "alpha") is not null && !(alpha > 0 && alpha <= 0.2))
        {
            Sink.Report(Child(node, "alpha")!, path + ".alpha", Invariant($"alpha is the chance of rolling back a healthy canary and must be above 0 and at most 0.2, got {alpha}"));
        }

        var effect = Number(node, "minimumEffect") ?? JudgeSpec.Threshold.MinimumEffect;
        if (Has(node, "minimumEffect") && Number(node, "minimumEffect") is not null && !(effect > 1 && effect <= 100))
        {
            Sink.Report(Child(node, "minimumEffect")!, path + ".minimumEffect", Invariant($"minimumEffect is the smallest canary/stable ratio worth catching and must be above 1 and at most 100, got {effect}"));
        }

        var maxDuration = Duration(node, "maxDuration") ?? JudgeSpec.Threshold.MaxDuration;
        PositiveDuration(node, "maxDuration", path, maxDuration);
        var slow = Duration(node, "slowRequest") ?? JudgeSpec.Threshold.SlowRequest;
        PositiveDuration(node, "slowRequest", path, slow);

        var onInconclusive = InconclusiveAction.Hold;
        switch (Scalar(node, "onInconclusive"))
        {
            case null or "hold":
                break;
            case "promote":
                onInconclusive = InconclusiveAction.Promote;
                break;
            case "rollback":
                onInconclusive = InconclusiveAction.Rollback;
                break;
            case var other:
                Sink.Report(Child(node, "onInconclusive")!, path + ".onInconclusive", "onInconclusive " + Quote(other) + " is unknown; use hold, promote or rollback");
                break;
        }

        if (kind == JudgeKind.Threshold && node.Children.Count > (Has(node, "kind") ? 1 : 0))
        {
            Sink.Report(node, path, "alpha, minimumEffect, maxDuration, onInconclusive and slowRequest apply to the sequential judge; set kind: sequential");
        }

        return new JudgeSpec
        {
            Kind = kind,
            Alpha = alpha,
            MinimumEffect = effect,
            MaxDuration = maxDuration,
            OnInconclusive = onInconclusive,
            SlowRequest = slow,
        };
    }

    /// <summary>Flagger's weight ladder: stepWeight, 2×stepWeight, ... capped at maxWeight, which is the last step.</summary>
    public static IReadOnlyList<int> Ladder(int stepWeight, int maxWeight)
    {
        var weights = new List<int>();
        for (var w = stepWeight; w < maxWeight; w += stepWeight)
        {
            weights.Add(w);
        }

        weights.Add(maxWeight);
        return weights;
    }

    /// <summary>Fields that cannot go together: each problem names the two fields and what to keep.</summary>
    private void CheckContradictions(YamlMappingNode? map, Mark analysisAt, bool hasSteps, bool hasStep, bool hasIterations, bool hasMatch, bool mirror)
    {
        if (hasSteps && hasStep)
        {
            Sink.Report(KeyAt(map, "stepWeight", analysisAt), Path + ".stepWeight", "stepWeight cannot be combined with stepWeights; use stepWeights, or stepWeight with maxWeight");
        }

        if (hasIterations && (hasSteps || hasStep))
        {
            var canaryField = hasSteps ? "stepWeights" : "stepWeight";
            Sink.Report(KeyAt(map, "iterations", analysisAt), Path + ".iterations",
                "iterations (A/B testing, blue/green) cannot be combined with " + canaryField + " (weighted canary); keep one of them");
        }

        if (hasMatch && !hasIterations && !hasSteps && !hasStep)
        {
            Sink.Report(KeyAt(map, "match", analysisAt), Path + ".match",
                "match needs iterations (A/B testing: the matching requests go to the canary) or stepWeights (the matching requests are split by weight)");
        }

        if (mirror && !hasIterations)
        {
            Sink.Report(KeyAt(map, "mirror", analysisAt), Path + ".mirror", "mirror (blue/green with mirroring) needs iterations; set analysis.iterations");
        }

        if (mirror && hasMatch)
        {
            Sink.Report(KeyAt(map, "mirror", analysisAt), Path + ".mirror", "mirror cannot be combined with match; A/B testing routes matching requests, it does not mirror them");
        }

        if (Has(map, "maxWeight") && !hasStep)
        {
            Sink.Report(KeyAt(map, "maxWeight", analysisAt), Path + ".maxWeight", hasSteps
                ? "maxWeight cannot be combined with stepWeights; the last of stepWeights is the maximum weight"
                : "maxWeight needs stepWeight; the canary advances by stepWeight up to maxWeight");
        }

        if (Has(map, "mirrorWeight") && !mirror)
        {
            Sink.Report(KeyAt(map, "mirrorWeight", analysisAt), Path + ".mirrorWeight", "mirrorWeight needs mirror: true");
        }

        // A misspelt strategy field is reported as unknown; do not report its absence as well.
        if (map is not null && !hasSteps && !hasStep && !hasIterations && !SpecSchemas.Analysis.HasUnknownKeys(map))
        {
            Sink.Report(analysisAt, Path, "analysis needs stepWeights, stepWeight (with maxWeight), or iterations (with match for A/B testing, mirror for mirroring)");
        }
    }

    private List<int> BindStepWeights(YamlSequenceNode? seq, string path)
    {
        var weights = new List<int>();
        if (seq is null)
        {
            return weights;
        }

        if (seq.Children.Count == 0)
        {
            Sink.Report(seq, path, "stepWeights must list at least one weight, e.g. [10, 20, 50]");
        }

        // The highest weight so far and where it is, so the message points at the step it has to exceed.
        int? highest = null;
        var highestAt = -1;
        for (var i = 0; i < seq.Children.Count; i++)
        {
            if (seq.Children[i] is not YamlScalarNode item || !TryInt(item, out var w))
            {
                continue;
            }

            var itemPath = ProblemSink.Index(path, i);
            if (w is < 1 or > 100)
            {
                Sink.Report(item, itemPath, Invariant($"weight {w} is outside 1..100"));
            }
            else if (highest is { } top && w <= top)
            {
                var before = highestAt == i - 1 ? "the previous step" : ProblemSink.Index("stepWeights", highestAt);
                Sink.Report(item, itemPath, Invariant($"weight {w} does not increase on {before} ({top}); steps must strictly increase"));
            }
            else
            {
                highest = w;
                highestAt = i;
            }

            weights.Add(w);
        }

        return weights;
    }

    private int? Weight(YamlMappingNode? map, string key, int min)
    {
        var value = Int(map, key);
        if (value is { } w && (w < min || w > 100))
        {
            Sink.Report(Child(map, key)!, Path + "." + key, Invariant($"{key} {w} is outside {min}..100"));
        }

        return value;
    }

    /// <summary>A strategy the provider cannot run, with the providers that can (from the catalogue).</summary>
    private void CheckStrategy(YamlMappingNode? map, TrafficProvider provider, Strategy strategy, bool hasSteps, Mark analysisAt)
    {
        if (provider.Supports(strategy))
        {
            return;
        }

        var others = ProviderCatalogue.Or(catalogue.ProvidersFor(strategy));
        switch (strategy)
        {
            case Strategy.Canary:
                var field = hasSteps ? "stepWeights" : "stepWeight";
                if (Has(map, field))
                {
                    var which = provider.Limitation is { } limitation ? ", which " + limitation : string.Empty;
                    var instead = provider.Supports(Strategy.BlueGreen) ? "iterations, or provider " : "provider ";
                    Sink.Report(KeyAt(map, field, analysisAt), Path + "." + field,
                        $"weighted canary ({field}) is not supported by provider {provider.Id}{which}; use {instead}{others}");
                }

                break;

            case Strategy.ABTesting:
                Sink.Report(KeyAt(map, "match", analysisAt), Path + ".match", $"A/B testing (match) is not supported by provider {provider.Id}; use {others}");
                break;

            case Strategy.BlueGreenMirroring:
                Sink.Report(KeyAt(map, "mirror", analysisAt), Path + ".mirror", $"traffic mirroring (mirror) is not supported by provider {provider.Id}; use {others}");
                break;

            default:
                Sink.Report(KeyAt(map, "iterations", analysisAt), Path + ".iterations", $"blue/green (iterations) is not supported by provider {provider.Id}; use {others}");
                break;
        }
    }
}
