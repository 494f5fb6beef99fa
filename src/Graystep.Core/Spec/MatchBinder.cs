using Graystep.Core.Providers;
using YamlDotNet.RepresentationModel;
using static Graystep.Core.Manifests.YamlNodes;

namespace Graystep.Core.Spec;

/// <summary>
/// Binds Flagger's <c>analysis.match</c> (A/B testing) and checks each condition against what the provider can route
/// on (<see cref="TrafficProvider.Match"/>): the comparison kinds for headers, cookies and query parameters, and the
/// provider's limits on how many conditions it can hold.
/// </summary>
internal sealed class MatchBinder(ProblemSink sink, ProviderCatalogue catalogue) : BinderBase(sink)
{
    private const string Header = "header";
    private const string QueryParameter = "query parameter";

    private static readonly (string Field, StringMatchKind Kind)[] Kinds =
    [
        ("exact", StringMatchKind.Exact), ("prefix", StringMatchKind.Prefix), ("suffix", StringMatchKind.Suffix), ("regex", StringMatchKind.Regex),
    ];

    private int _headers;
    private int _cookies;

    public List<MatchRule> Bind(YamlSequenceNode? seq, TrafficProvider? provider, string path)
    {
        var rules = new List<MatchRule>();
        if (seq is null)
        {
            return rules;
        }

        // A provider that cannot do A/B testing at all is refused once, for the strategy; its conditions are not judged.
        var support = provider?.Match;
        for (var i = 0; i < seq.Children.Count; i++)
        {
            if (seq.Children[i] is not YamlMappingNode item)
            {
                continue;
            }

            var itemPath = ProblemSink.Index(path, i);
            var headers = BindConditions(Map(item, "headers"), itemPath + ".headers", Header, provider, support, allowSuffix: true);
            var query = BindConditions(Map(item, "queryParams"), itemPath + ".queryParams", QueryParameter, provider, support, allowSuffix: false);
            if (headers.Count == 0 && query.Count == 0 && !SpecSchemas.Match.HasUnknownKeys(item) && !Has(item, "headers") && !Has(item, "queryParams"))
            {
                Sink.Report(item, itemPath, "a match entry needs headers or queryParams");
            }

            rules.Add(new MatchRule { Headers = headers, QueryParams = query });
        }

        if (provider is not null && support is { HasLimits: true }
            && (_headers > (support.MaxHeaders ?? int.MaxValue) || _cookies > (support.MaxCookies ?? int.MaxValue)))
        {
            var unlimited = catalogue.TrafficProviders.Where(p => p.Match is { HasLimits: false }).Select(p => p.Id).ToList();
            Sink.Report(seq, path, Invariant($"provider {provider.Id} supports {support.LimitsText}, got {_headers} headers and {_cookies} cookies; use {ProviderCatalogue.Or(unlimited)} for more"));
        }

        return rules;
    }

    private SortedDictionary<string, StringMatch> BindConditions(
        YamlMappingNode? map, string path, string what, TrafficProvider? provider, MatchSupport? support, bool allowSuffix)
    {
        var conditions = new SortedDictionary<string, StringMatch>(StringComparer.Ordinal);
        if (map is null)
        {
            return conditions;
        }

        foreach (var entry in map.Children)
        {
            if (entry.Key is not YamlScalarNode { Value: { } name } key || entry.Value is not YamlMappingNode condition)
            {
                continue;
            }

            var conditionPath = ProblemSink.Join(path, name);
            var kinds = Kinds.Where(k => Has(condition, k.Field)).ToList();
            var schema = allowSuffix ? SpecSchemas.HeaderMatch : SpecSchemas.QueryParamMatch;
            if (kinds.Count != 1 && !(kinds.Count == 0 && schema.HasUnknownKeys(condition)))
            {
                var choices = allowSuffix ? "exact, prefix, suffix or regex" : "exact, prefix or regex";
                Sink.Report(key, conditionPath, "set exactly one of " + choices + ", got " + (kinds.Count == 0 ? "none" : string.Join(" and ", kinds.Select(k => k.Field))));
                continue;
            }

            if (kinds.Count != 1)
            {
                continue;
            }

            var (matchField, matchKind) = kinds[0];
            var value = Scalar(condition, matchField) ?? "";
            var at = Child(condition, matchField)!;
            var isCookie = what == Header && string.Equals(name, "cookie", StringComparison.OrdinalIgnoreCase);
            if (matchKind == StringMatchKind.Regex)
            {
                CheckRegex(value, at, ProblemSink.Join(conditionPath, matchField));
            }

            if (provider is not null && support is not null)
            {
                CheckKind(provider, support, key, at, conditionPath, matchField, matchKind, value, what, isCookie);
            }

            if (isCookie)
            {
                _cookies++;
            }
            else if (what == Header)
            {
                _headers++;
            }

            conditions[name] = new StringMatch(matchKind, value);
        }

        return conditions;
    }

    /// <summary>Whether the provider can compare this kind of condition this way; if not, what to write instead.</summary>
    private void CheckKind(
        TrafficProvider provider, MatchSupport support, YamlNode key, YamlNode at, string conditionPath, string matchField, StringMatchKind matchKind, string value, string what, bool isCookie)
    {
        var fieldPath = ProblemSink.Join(conditionPath, matchField);
        if (what == QueryParameter && support.QueryParams.Count == 0)
        {
            var others = catalogue.TrafficProviders.Where(p => p.Match is { QueryParams.Count: > 0 }).Select(p => p.Id).ToList();
            Sink.Report(key, conditionPath, $"query parameter matching is not supported by provider {provider.Id}; use a header or cookie, or provider {ProviderCatalogue.Or(others)}");
            return;
        }

        if (isCookie && support.Cookies is { } cookieKinds && !cookieKinds.Contains(matchKind))
        {
            Sink.Report(at, fieldPath, $"provider {provider.Id} {support.CookieRule}; use cookie: {{exact: <cookie name>}}");
            return;
        }

        var allowed = what == Header ? support.Headers : support.QueryParams;
        if (allowed.Contains(matchKind))
        {
            return;
        }

        if (matchKind == StringMatchKind.Suffix && support.SuffixAsRegex)
        {
            Sink.Report(at, fieldPath, $"suffix matching is not supported by provider {provider.Id}; use regex, e.g. \".*{value}$\"");
            return;
        }

        var use = Kinds.Where(k => allowed.Contains(k.Kind)).Select(k => k.Field).ToList();
        Sink.Report(at, fieldPath, $"{matchField} matching is not supported by provider {provider.Id}; use {ProviderCatalogue.Or(use)}");
    }

    private void CheckRegex(string pattern, YamlNode at, string path)
    {
        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            Sink.Report(at, path, "invalid regex " + Quote(pattern) + ": " + e.Message);
        }
    }
}
