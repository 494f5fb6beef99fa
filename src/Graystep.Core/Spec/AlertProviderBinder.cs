using System.Globalization;
using Graystep.Core.Alerts;
using Graystep.Core.Manifests;
using Graystep.Core.Providers;
using YamlDotNet.RepresentationModel;
using static Graystep.Core.Manifests.YamlNodes;

namespace Graystep.Core.Spec;

internal sealed class AlertProviderDraft
{
    public required AlertProviderSpec Provider { get; init; }

    public required ManifestDocument Document { get; init; }

    public bool Valid { get; set; }
}

/// <summary>
/// Binds a Flagger AlertProvider. The repository is not trusted: the type must be one Graystep sends to, the address
/// and proxy http(s) URLs, and the channel and user one line of text (they reach a chat service).
/// </summary>
internal sealed class AlertProviderBinder(ProblemSink sink, ProviderCatalogue catalogue) : BinderBase(sink)
{
    public AlertProviderDraft Bind(ManifestDocument doc)
    {
        var before = Sink.Count;
        var root = doc.Root;
        new SchemaChecker(Sink).Check(root, SpecSchemas.AlertProviderDocument, "", root.Start);
        new FieldTreatments(Sink, provider: null, SpecReference.AlertProviderPrefix).Check(root, SpecSchemas.AlertProviderDocument);

        var metadata = Map(root, "metadata");
        CheckDnsName(metadata, "name", "metadata.name");
        CheckDnsName(metadata, "namespace", "metadata.namespace");
        var spec = Map(root, "spec");
        var type = Scalar(spec, "type") ?? "";
        if (Child(spec, "type") is { } typeNode && !catalogue.AlertProviderTypes.Contains(type, StringComparer.Ordinal))
        {
            var suggestion = Suggest.Closest(type, catalogue.AlertProviderTypes);
            Sink.Report(typeNode, "spec.type", "alert provider type " + Quote(type) + " is not supported; " +
                (suggestion is not null ? "did you mean " + Quote(suggestion) + "? " : string.Empty) +
                "Graystep sends to " + ProviderCatalogue.Or(catalogue.AlertProviderTypes));
        }

        // The address is a secret (a Slack webhook URL holds its token): a problem never quotes it.
        var address = Scalar(spec, "address");
        if (address is not null && !IsHttpUrl(address))
        {
            Sink.Report(Child(spec, "address")!, "spec.address", "expected an http or https URL (the value is not shown: it may hold a token)");
        }

        var secret = Scalar(Map(spec, "secretRef"), "name");
        if (spec is not null && address is null && secret is null)
        {
            Sink.Report(Key(root, "spec")!, "spec", "an AlertProvider needs address or secretRef (its name gives the environment variable that holds the address)");
        }

        var proxy = Scalar(spec, "proxy");
        Uri? proxyUri = null;
        if (proxy is not null && !(Uri.TryCreate(proxy, UriKind.Absolute, out proxyUri) && proxyUri.Scheme is "http" or "https"))
        {
            Sink.Report(Child(spec, "proxy")!, "spec.proxy", "expected an http or https proxy URL");
            proxyUri = null;
        }

        foreach (var key in (string[])["channel", "username"])
        {
            if (Scalar(spec, key) is { } text && UntrustedLine(text))
            {
                Sink.Report(Child(spec, key)!, "spec." + key, key + " must be one line of printable text");
            }
        }

        return new AlertProviderDraft
        {
            Provider = new AlertProviderSpec
            {
                File = doc.File,
                Name = Scalar(metadata, "name") ?? "",
                Namespace = Scalar(metadata, "namespace") ?? "default",
                Type = type,
                Channel = NonEmpty(Scalar(spec, "channel")) ?? AlertProviderSpec.DefaultChannel,
                Username = NonEmpty(Scalar(spec, "username")) ?? AlertProviderSpec.DefaultUsername,
                Address = address,
                Proxy = proxyUri,
                SecretName = secret,
            },
            Document = doc,
            Valid = Sink.Count == before,
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static bool UntrustedLine(string text) => text.Any(char.IsControl);
}

/// <summary>The alerts' references to AlertProviders: the check that needs the spec and the providers together.</summary>
internal static class AlertReferences
{
    /// <summary>
    /// Each alert's AlertProvider, by name in <c>providerRef.namespace</c> (the rollout's namespace when absent, as in
    /// Flagger), looked up under the spec's folder like its manifests. A reference to nothing is a problem: Graystep
    /// reads AlertProviders from the repository only.
    /// </summary>
    public static List<AlertSpec> Resolve(RolloutDraft draft, IReadOnlyList<AlertProviderDraft> alertProviders)
    {
        var spec = draft.Spec;
        var nodes = Seq(Map(Map(draft.Document.Root, "spec"), "analysis"), "alerts")?.Children.OfType<YamlMappingNode>().ToList() ?? [];
        var resolved = new List<AlertSpec>(spec.Analysis.Alerts.Count);
        for (var i = 0; i < spec.Analysis.Alerts.Count; i++)
        {
            var alert = spec.Analysis.Alerts[i];
            var ns = alert.ProviderNamespace ?? spec.Namespace;
            var found = alertProviders
                .Where(p => p.Provider.Name == alert.ProviderName && p.Provider.Namespace == ns && p.Document.File.StartsWith(draft.Folder, StringComparison.Ordinal))
                .ToList();
            var node = i < nodes.Count ? nodes[i] : null;
            var at = Child(node, "providerRef")?.Start ?? node?.Start ?? draft.Document.Root.Start;
            var path = "spec.analysis.alerts[" + i.ToString(CultureInfo.InvariantCulture) + "].providerRef";
            if (found.Count == 1)
            {
                resolved.Add(found[0].Valid ? alert with { Provider = found[0].Provider } : alert);
                continue;
            }

            var where = draft.Folder.Length == 0 ? "the repository" : draft.Folder;
            if (found.Count > 1)
            {
                draft.Report(at, path, "AlertProvider " + Quote(alert.ProviderName) + " in namespace " + ns + " is defined more than once under " + where + ": " + string.Join(", ", found.Select(p => SpecCrossChecks.At(p.Document))));
            }
            else if (alert.ProviderName.Length > 0)
            {
                var other = alertProviders.FirstOrDefault(p => p.Provider.Name == alert.ProviderName && p.Document.File.StartsWith(draft.Folder, StringComparison.Ordinal));
                draft.Report(at, path, "AlertProvider " + Quote(alert.ProviderName) + " not found in namespace " + ns + " under " + where +
                    (other is not null ? "; one is defined in namespace " + other.Provider.Namespace + " at " + SpecCrossChecks.At(other.Document) + "; set providerRef.namespace to it"
                        : "; add a flagger.app/v1beta1 AlertProvider named " + Quote(alert.ProviderName) + " in a YAML file under " + where + ", or fix providerRef.name"));
            }

            resolved.Add(alert);
        }

        return resolved;
    }
}
