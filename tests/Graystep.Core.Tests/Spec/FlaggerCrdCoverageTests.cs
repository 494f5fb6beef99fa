using Graystep.Core.Manifests;
using Graystep.Core.Spec;
using Graystep.TestKit;
using YamlDotNet.RepresentationModel;

namespace Graystep.Core.Tests.Spec;

/// <summary>
/// Walks Flagger's own CRD (../shared/api-specs/flagger/crd.yaml: Canary, MetricTemplate, AlertProvider) and fails on
/// any property that the spec reference does not classify: a row of its own, or a block above it that is copied as
/// written (an Istio traffic policy), refused or warned as a whole.
/// </summary>
public sealed class FlaggerCrdCoverageTests
{
    private static readonly string CrdFile = Path.Combine(RepoPaths.Root, "..", "shared", "api-specs", "flagger", "crd.yaml");

    [Fact]
    public void Every_property_of_flaggers_crds_is_classified()
    {
        var crds = Crds();
        Assert.Equal(["alertproviders.flagger.app", "canaries.flagger.app", "metrictemplates.flagger.app"], crds.Keys.Order(StringComparer.Ordinal));

        var canary = SpecPaths.Of(SpecSchemas.CanaryDocument).ToDictionary(p => p.Path, StringComparer.Ordinal);
        var template = SpecPaths.Of(SpecSchemas.MetricTemplateDocument).ToDictionary(p => SpecReference.TemplatePrefix + p.Path, StringComparer.Ordinal);
        var alertProvider = SpecPaths.Of(SpecSchemas.AlertProviderDocument).ToDictionary(p => SpecReference.AlertProviderPrefix + p.Path, StringComparer.Ordinal);
        var unclassified = new List<string>();
        var counted = 0;
        foreach (var (crd, prefix, schema) in new[]
        {
            ("canaries.flagger.app", string.Empty, canary),
            ("metrictemplates.flagger.app", SpecReference.TemplatePrefix, template),
            ("alertproviders.flagger.app", SpecReference.AlertProviderPrefix, alertProvider),
        })
        {
            foreach (var path in crds[crd])
            {
                counted++;
                var key = path.StartsWith("spec", StringComparison.Ordinal) ? prefix + path : path;
                if (!Classified(key, schema))
                {
                    unclassified.Add(crd + ": " + path);
                }
            }
        }

        Assert.True(counted > 280, $"the walk saw only {counted} properties; is the CRD file the full one?");
        Assert.True(unclassified.Count == 0, "properties of Flagger's CRD with no treatment in SpecReference:\n" + string.Join('\n', unclassified));
    }

    [Fact]
    public void A_property_the_reference_does_not_know_is_reported()
    {
        // The check itself can fail: a made-up property of the service block has no row and no opaque block above it.
        var canary = SpecPaths.Of(SpecSchemas.CanaryDocument).ToDictionary(p => p.Path, StringComparer.Ordinal);

        Assert.False(Classified("spec.service.loadBalancerClass", canary));
        Assert.True(Classified("spec.service.trafficPolicy.tls.mode", canary));
        Assert.True(Classified("spec.analysis.sessionAffinity.cookieName", canary));
        Assert.True(Classified("status.conditions[].reason", canary));
    }

    [Fact]
    public void A_metric_templates_headers_secret_and_tls_setting_are_kept_and_a_cloud_region_is_refused()
    {
        const string template = """
            apiVersion: flagger.app/v1beta1
            kind: MetricTemplate
            metadata: {name: errors, namespace: bookinfo}
            spec:
              provider:
                type: prometheus
                address: https://prometheus.example.com
                secretRef: {name: prom-auth}
                headers: {X-Scope-OrgID: team-a}
                insecureSkipVerify: true
              query: sum(rate(errors_total[1m]))
            """;

        var set = SpecLoader.Load([new SourceFile("app/errors.yaml", template)], StandardProviders.Catalogue);

        Assert.Empty(set.Problems);
        var connection = Assert.Single(set.Templates).Connection;
        Assert.Equal([new KeyValuePair<string, string>("X-Scope-OrgID", "team-a")], connection.Headers);
        Assert.Equal(("prom-auth", true), (connection.SecretName, connection.InsecureSkipVerify));
        Assert.Equal("GRAYSTEP_SECRET_PROM_AUTH_BEARERTOKEN", Graystep.Core.Analysis.MetricConnection.SecretVariable("prom-auth", "bearerToken"));
        Assert.Equal(
            ["app/errors.yaml:10:5: spec.provider.region: For cloud metric providers; only prometheus is supported."],
            SpecLoader.Load([new SourceFile("app/errors.yaml", template.Replace("insecureSkipVerify: true", "region: eu-west-1", StringComparison.Ordinal))],
                StandardProviders.Catalogue).Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void An_alert_provider_is_read_with_flaggers_fields_and_kept_out_of_the_problems()
    {
        const string provider = """
            apiVersion: flagger.app/v1beta1
            kind: AlertProvider
            metadata: {name: on-call, namespace: flagger}
            spec: {type: slack, channel: on-call, username: release-bot, address: https://hooks.slack.com/services/x, proxy: http://proxy.example:3128}
            """;

        var set = SpecLoader.Load([new SourceFile("app/alerts.yaml", provider)], StandardProviders.Catalogue);

        Assert.Empty(set.Problems);
        Assert.Empty(set.Warnings);
        Assert.Single(set.Manifests);
    }

    /// <summary>A row of its own, or an ancestor row that covers the whole block: copied as written, refused or warned.</summary>
    private static bool Classified(string path, IReadOnlyDictionary<string, SpecPath> schema)
    {
        if (SpecReference.For(path) is not null)
        {
            return true;
        }

        for (var parent = Parent(path); parent is not null; parent = Parent(parent))
        {
            if (SpecReference.For(parent) is { } entry && (entry.Treatment != Treatment.Honoured || IsOpaque(schema, parent)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsOpaque(IReadOnlyDictionary<string, SpecPath> schema, string path) =>
        schema.TryGetValue(path, out var field) && (field.Type.Shape == Shape.Any || field.Type.Element?.Shape == Shape.Any);

    private static string? Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.EndsWith("[]", StringComparison.Ordinal) || path.EndsWith("{}", StringComparison.Ordinal) ? path.Length - 2 : -1);
        return cut <= 0 ? null : path[..cut];
    }

    /// <summary>Every property path of each served version's schema: dotted, [] for items, {} for free keys.</summary>
    private static Dictionary<string, List<string>> Crds()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(CrdFile))
        {
            stream.Load(reader);
        }

        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var doc in stream.Documents)
        {
            if (doc.RootNode is not YamlMappingNode root || Get(Get(root, "metadata"), "name") is not YamlScalarNode { Value: { } name })
            {
                continue;
            }

            var paths = new List<string>();
            foreach (var version in ((YamlSequenceNode)Get(Get(root, "spec"), "versions")!).Children.OfType<YamlMappingNode>())
            {
                Walk(Get(Get(version, "schema"), "openAPIV3Schema"), string.Empty, paths);
            }

            result[name] = paths.Distinct(StringComparer.Ordinal).ToList();
        }

        return result;
    }

    private static void Walk(YamlNode? schema, string prefix, List<string> paths)
    {
        if (schema is not YamlMappingNode map)
        {
            return;
        }

        if (Get(map, "properties") is YamlMappingNode properties)
        {
            foreach (var (key, child) in properties.Children)
            {
                var path = prefix.Length == 0 ? ((YamlScalarNode)key).Value! : prefix + "." + ((YamlScalarNode)key).Value;
                paths.Add(path);
                Walk(child, path, paths);
            }
        }

        Walk(Get(map, "items"), prefix + "[]", paths);
        if (Get(map, "additionalProperties") is YamlMappingNode additional)
        {
            Walk(additional, prefix + "{}", paths);
        }
    }

    private static YamlNode? Get(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
}
