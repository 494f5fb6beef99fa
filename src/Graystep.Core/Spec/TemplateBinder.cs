using Graystep.Core.Manifests;
using Graystep.Core.Providers;
using YamlDotNet.RepresentationModel;
using static Graystep.Core.Manifests.YamlNodes;

namespace Graystep.Core.Spec;

internal sealed class TemplateDraft
{
    public required MetricTemplate Template { get; init; }

    public required ManifestDocument Document { get; init; }

    public required ProblemSink Sink { get; init; }

    /// <summary>False when metadata.namespace is absent: the template then matches a lookup in any namespace.</summary>
    public required bool NamespaceGiven { get; init; }

    /// <summary>The X of every <c>{{ variables.X }}</c> the query uses, with the token as written.</summary>
    public required IReadOnlyList<(string Name, string Text)> Variables { get; init; }

    public bool Valid { get; set; }
}

/// <summary>Binds a Flagger MetricTemplate and checks its query's template variables against CONVENTIONS.md.</summary>
internal sealed class TemplateBinder(ProblemSink sink, string text, ProviderCatalogue catalogue)
{
    public TemplateDraft Bind(ManifestDocument doc)
    {
        var before = sink.Count;
        var root = doc.Root;
        new SchemaChecker(sink).Check(root, SpecSchemas.MetricTemplateDocument, "", root.Start);
        new FieldTreatments(sink, provider: null, SpecReference.TemplatePrefix).Check(root, SpecSchemas.MetricTemplateDocument);

        var metadata = Map(root, "metadata");
        var spec = Map(root, "spec");
        var provider = Map(spec, "provider");
        var type = Scalar(provider, "type") ?? MetricTemplate.DefaultProviderType;
        if (!catalogue.IsMetricProvider(type))
        {
            var known = ProviderCatalogue.Or([.. catalogue.MetricProviders.Select(m => $"{m.Name} (type: {m.Type})")]);
            sink.Report(Child(provider, "type")!, "spec.provider.type", "provider type " + Quote(type) + " is not supported; Graystep queries " + known);
        }

        var address = Scalar(provider, "address");
        if (address is not null && !(Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            sink.Report(Child(provider, "address")!, "spec.provider.address", "expected an http or https URL, got " + Quote(address));
        }

        var query = Scalar(spec, "query") ?? "";
        var variables = new List<(string, string)>();
        if (Child(spec, "query") is YamlScalarNode queryNode)
        {
            CheckQuery(queryNode, query, variables);
        }

        var ns = Scalar(metadata, "namespace");
        return new TemplateDraft
        {
            Template = new MetricTemplate
            {
                File = doc.File,
                Name = Scalar(metadata, "name") ?? "",
                Namespace = ns ?? "default",
                ProviderType = type,
                Address = address,
                Connection = new Analysis.MetricConnection
                {
                    Headers = [.. (Map(provider, "headers")?.Children.AsEnumerable() ?? [])
                        .Where(h => h.Key is YamlScalarNode && h.Value is YamlScalarNode)
                        .Select(h => new KeyValuePair<string, string>(((YamlScalarNode)h.Key).Value ?? "", ((YamlScalarNode)h.Value).Value ?? ""))],
                    SecretName = Scalar(Map(provider, "secretRef"), "name"),
                    SecretNamespace = ns ?? "default",
                    InsecureSkipVerify = Bool(provider, "insecureSkipVerify") ?? false,
                },
                Query = query,
            },
            Document = doc,
            Sink = sink,
            NamespaceGiven = ns is not null,
            Variables = variables,
            Valid = sink.Count == before,
        };
    }

    private void CheckQuery(YamlScalarNode node, string query, List<(string, string)> variables)
    {
        const string path = "spec.query";
        var tokens = TemplateQuery.Tokens(query, out var unclosed);
        var raw = RawText(node);
        var searchFrom = 0;
        foreach (var token in tokens)
        {
            var name = TemplateQuery.VariableName(token.Name);
            if (name is not null)
            {
                variables.Add((name, token.Text));
                continue;
            }

            if (TemplateQuery.IsKnown(token.Name))
            {
                continue;
            }

            var (line, column) = Locate(node, raw, token.Text, ref searchFrom);
            var suggestion = Suggest.Closest(token.Name, TemplateQuery.Variables);
            sink.Report(line, column, path, "unknown template variable " + token.Text +
                (suggestion is not null ? "; did you mean {{ " + suggestion + " }}?" : "; use " + TemplateQuery.Allowed));
        }

        if (unclosed is not null)
        {
            var from = 0;
            var (line, column) = Locate(node, raw, query[unclosed.Value..Math.Min(query.Length, unclosed.Value + 2)], ref from);
            sink.Report(line, column, path, "\"{{\" is not closed by \"}}\"");
        }
    }

    private string RawText(YamlScalarNode node)
    {
        var start = (int)node.Start.Index;
        var end = (int)node.End.Index;
        return start >= 0 && end > start && end <= text.Length ? text[start..end] : "";
    }

    /// <summary>Where <paramref name="token"/> sits in the source text, so the problem points inside a block scalar.</summary>
    private static (int Line, int Column) Locate(YamlScalarNode node, string raw, string token, ref int searchFrom)
    {
        var at = raw.IndexOf(token, searchFrom, StringComparison.Ordinal);
        if (at < 0)
        {
            return (Line(node.Start), Column(node.Start));
        }

        searchFrom = at + token.Length;
        var line = Line(node.Start);
        var lastNewline = -1;
        for (var i = 0; i < at; i++)
        {
            if (raw[i] == '\n')
            {
                line++;
                lastNewline = i;
            }
        }

        var column = lastNewline < 0 ? Column(node.Start) + at : at - lastNewline;
        return (line, column);
    }
}
