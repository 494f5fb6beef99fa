using Graystep.Core.Spec;
using Graystep.Rendering.Workloads;
using Graystep.Rendering.Yaml;
using YamlMappingNode = YamlDotNet.RepresentationModel.YamlMappingNode;
using YamlScalarNode = YamlDotNet.RepresentationModel.YamlScalarNode;

namespace Graystep.Rendering.Routing.GatewayApi;

/// <summary>
/// Flagger's service fields as Gateway API rule fields, as Flagger's Gateway API router sets them on every rule:
/// <c>service.match</c> → <c>matches</c>, <c>headers</c> → header modifier filters, <c>rewrite</c> → a URLRewrite
/// filter, <c>timeout</c> → <c>timeouts.request</c>. What Gateway API cannot say is refused.
/// </summary>
internal static class GatewayRouteFields
{
    /// <summary>The rule fields the spec asks for, in the order a rule writes them (matches, filters, timeouts).</summary>
    public static YamlMap Template(RolloutSpec spec)
    {
        var rule = new YamlMap();
        if (spec.Service.Match is { } match)
        {
            rule["matches"] = new YamlSeq(match.Children.Select(m => (YamlNode)Match(m as YamlMappingNode)));
        }

        var fields = spec.Service.RouteFields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        var filters = new YamlSeq();
        if (fields.GetValueOrDefault("headers") is YamlMappingNode headers)
        {
            foreach (var (direction, type) in new[] { ("request", "RequestHeaderModifier"), ("response", "ResponseHeaderModifier") })
            {
                if (headers.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: var k } && k == direction).Value is YamlMappingNode modifier)
                {
                    filters.Add(new YamlMap { ["type"] = type, [char.ToLowerInvariant(type[0]) + type[1..]] = HeaderModifier(modifier) });
                }
            }
        }

        if (fields.GetValueOrDefault("rewrite") is YamlMappingNode rewrite)
        {
            filters.Add(new YamlMap { ["type"] = "URLRewrite", ["urlRewrite"] = UrlRewrite(YamlImport.FromMapping(rewrite)) });
        }

        if (filters.Count > 0)
        {
            rule["filters"] = filters;
        }

        if (fields.GetValueOrDefault("timeout") is YamlScalarNode { Value: { } timeout })
        {
            rule["timeouts"] = new YamlMap { ["request"] = timeout };
        }

        return rule;
    }

    /// <summary>The spec field a rule field comes from, for the message when the user's HTTPRoute sets it too.</summary>
    public static string SpecField(string ruleField) => ruleField switch
    {
        "matches" => "service.match",
        "filters" => "service.headers/service.rewrite",
        _ => "service.timeout",
    };

    /// <summary>Flagger's headers block (set and add as maps, remove as a list) as an HTTPHeaderFilter, names sorted.</summary>
    private static YamlMap HeaderModifier(YamlMappingNode modifier)
    {
        var map = YamlImport.FromMapping(modifier);
        var filter = new YamlMap();
        foreach (var op in new[] { "add", "set" })
        {
            if (map.Map(op) is { Count: > 0 } values)
            {
                filter[op] = new YamlSeq(values.OrderBy(v => v.Key, StringComparer.Ordinal)
                    .Select(v => (YamlNode)new YamlMap { ["name"] = v.Key, ["value"] = v.Value }));
            }
        }

        if (map.Seq("remove") is { Count: > 0 } remove)
        {
            filter["remove"] = remove;
        }

        return filter;
    }

    /// <summary>Flagger's rewrite: authority → hostname, uri → the path modifier of its type (ReplacePrefixMatch by default).</summary>
    private static YamlMap UrlRewrite(YamlMap rewrite)
    {
        var filter = new YamlMap();
        if (rewrite.Text("authority") is { Length: > 0 } authority)
        {
            filter["hostname"] = authority;
        }

        if (rewrite.Text("uri") is { Length: > 0 } uri)
        {
            var type = rewrite.Text("type") ?? "ReplacePrefixMatch";
            if (type is not ("ReplacePrefixMatch" or "ReplaceFullPath"))
            {
                throw KubeObject.Invalid($"service.rewrite.type {type} is not a Gateway API path modifier", "use ReplacePrefixMatch or ReplaceFullPath");
            }

            filter["path"] = new YamlMap { ["type"] = type, [type == "ReplaceFullPath" ? "replaceFullPath" : "replacePrefixMatch"] = uri };
        }

        return filter;
    }

    /// <summary>One Istio HTTPMatchRequest of service.match as an HTTPRouteMatch, as Flagger maps it.</summary>
    private static YamlMap Match(YamlMappingNode? entry)
    {
        var request = entry is null ? new YamlMap() : YamlImport.FromMapping(entry);
        var match = new YamlMap();
        foreach (var (key, value) in request)
        {
            switch (key)
            {
                case "uri" when value is YamlMap uri:
                    match["path"] = uri.Text("exact") is { } exact ? new YamlMap { ["type"] = "Exact", ["value"] = exact }
                        : uri.Text("prefix") is { } prefix ? new YamlMap { ["type"] = "PathPrefix", ["value"] = prefix }
                        : uri.Text("regex") is { } regex ? new YamlMap { ["type"] = "RegularExpression", ["value"] = regex }
                        : throw Unsupported("uri", "exact, prefix or regex");
                    break;
                case "method" when value is YamlMap method:
                    match["method"] = method.Text("exact") ?? throw Unsupported("method", "exact");
                    break;
                case "headers" or "queryParams" when value is YamlMap conditions:
                    match[key] = new YamlSeq(conditions.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (YamlNode)Condition(key, c.Key, c.Value as YamlMap)));
                    break;
                default:
                    throw Unsupported(key, "uri, method, headers and queryParams");
            }
        }

        return match;
    }

    private static YamlMap Condition(string kind, string name, YamlMap? condition) =>
        condition?.Text("exact") is { } exact ? new YamlMap { ["name"] = name, ["type"] = "Exact", ["value"] = exact }
        : condition?.Text("regex") is { } regex ? new YamlMap { ["name"] = name, ["type"] = "RegularExpression", ["value"] = regex }
        : throw Unsupported($"{kind}.{name}", "exact or regex");

    private static Core.Errors.GraystepException Unsupported(string what, string supported) => KubeObject.Invalid(
        $"service.match {what}: Gateway API's HTTPRouteMatch cannot express it",
        $"with provider gateway-api, service.match takes {supported}");
}
