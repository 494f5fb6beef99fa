using Graystep.Core.Providers;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using Graystep.Rendering.Workloads;
using Graystep.Rendering.Yaml;

namespace Graystep.Rendering.Routing;

/// <summary>
/// One traffic provider: its <see cref="Descriptor"/> (what it can do, its built-in metric queries) and its
/// renderer, registered together in <see cref="Routers"/>. A router renders the Services and routing objects that
/// send traffic to the live versions; the Deployments, autoscalers and disruption budgets are rendered once for
/// all providers. Every router runs the same contract suite (tests/Graystep.Rendering.Tests/Contract).
/// MUST: be pure and deterministic; express which version a Service, subset or backend points at by a
/// <c>version: &lt;version&gt;</c> label; render no canary object when there is no canary; refuse what its
/// descriptor does not claim.
/// </summary>
public abstract class Router : IProvider<string>
{
    public abstract TrafficProvider Descriptor { get; }

    public string Id => Descriptor.Id;

    /// <summary>True for the provider's id and its aliases, as <c>spec.provider</c> spells them.</summary>
    public bool IsSupported(string input) => Descriptor.IsNamed(input);

    internal abstract IEnumerable<YamlMap> Render(RoutingContext context);

    /// <summary>
    /// Why a routing object the user wrote cannot be passed through beside this router's own (it routes the
    /// service Graystep routes, so the two would fight over the traffic), or null when it can.
    /// </summary>
    internal virtual string? Conflict(YamlMap obj, RoutingContext context) => null;

    /// <summary>A field the spec and the user's routing object both set: the same value is fine, two values are refused.</summary>
    private protected static YamlNode OneValue(YamlNode? written, YamlNode fromSpec, string specField, string objectName)
    {
        if (written is null || YamlWriter.Write(written) == YamlWriter.Write(fromSpec))
        {
            return fromSpec;
        }

        throw KubeObject.Invalid(
            $"{specField} and {objectName} set different values for the same field",
            $"set it in one place: remove {specField}, or the field in {objectName}");
    }
}

/// <summary>What a router needs: the spec, the templates, the live versions and the traffic split.</summary>
internal sealed class RoutingContext(RolloutSpec spec, AppManifests app, VersionRef stable, VersionRef? canary, TrafficSplit traffic)
{
    public RolloutSpec Spec { get; } = spec;

    public AppManifests App { get; } = app;

    public ServiceRenderer Services { get; } = new(spec, app);

    public string Namespace => Spec.Namespace;

    /// <summary><c>&lt;svc&gt;</c> in the conventions.</summary>
    public string ServiceName => App.ServiceName;

    public string Stable { get; } = stable.Name;

    public string? Canary { get; } = canary?.Name;

    public int CanaryWeight => Canary is null ? 0 : traffic.CanaryWeight;

    public int StableWeight => 100 - CanaryWeight;

    public bool MatchActive => Canary is not null && traffic.MatchActive;

    public bool MirrorActive => Canary is not null && traffic.MirrorActive;

    /// <summary>Flagger's default mirrors all traffic.</summary>
    public int MirrorPercent => traffic.MirrorWeight ?? Spec.Analysis.MirrorWeight ?? 100;

    public IReadOnlyList<MatchRule> Match => Spec.Analysis.Match;

    /// <summary>
    /// Flagger's match with a weighted canary (stepWeights or stepWeight): the requests that match get the canary's
    /// weight and every other request stays on stable.
    /// </summary>
    public bool WeightedMatch => Canary is not null && Spec.Strategy == Strategy.Canary && Match.Count > 0;

    /// <summary>
    /// Flagger's session affinity while the weights send users to the canary: the cookie (<c>name=value</c>) its answers
    /// set. The value comes from the rollout and the canary version, so a re-run of the same step renders the same
    /// cookie (Flagger keeps a random one in the Canary's status) and the next canary gets a new one. Null otherwise.
    /// </summary>
    public string? SessionCookie => Spec.Analysis.SessionAffinity is { } affinity && Canary is not null && CanaryWeight > 0 && !WeightedMatch
        ? affinity.CookieName + "=" + CookieValue(Spec.Id + "/" + Canary)
        : null;

    /// <summary>
    /// Flagger's <c>primaryCookieName</c> while <see cref="SessionCookie"/> is set: the cookie (<c>name=value</c>) the
    /// primary's answers set, so the users the weights sent there stay there. Its value is tied to this canary run too.
    /// </summary>
    public string? PrimarySessionCookie => SessionCookie is not null && Spec.Analysis.SessionAffinity!.PrimaryCookieName is { } name
        ? name + "=" + CookieValue(Spec.Id + "/primary/" + Canary)
        : null;

    /// <summary>A session cookie's value: the first 10 hex digits of SHA-256 of what it is tied to.</summary>
    private static string CookieValue(string tiedTo) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(tiedTo)))[..10];

    /// <summary>Flagger's <c>.*name.*value.*</c> regex on the cookie header, for the session cookie.</summary>
    public static string CookieRegex(string cookie)
    {
        var eq = cookie.IndexOf('=', StringComparison.Ordinal);
        return ".*" + cookie[..eq].Replace(".", "\\.", StringComparison.Ordinal) + ".*" + cookie[(eq + 1)..] + ".*";
    }

    /// <summary>Stable first, then the canary when there is one.</summary>
    public IEnumerable<string> LiveVersions => Canary is null ? [Stable] : [Stable, Canary];
}
