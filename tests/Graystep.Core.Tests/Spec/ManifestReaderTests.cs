using Graystep.Core.Manifests;

namespace Graystep.Core.Tests.Spec;

public sealed class ManifestReaderTests
{
    [Fact]
    public void Reads_every_document_with_its_identity_and_start()
    {
        var text = """
            # a comment
            apiVersion: v1
            kind: Service
            metadata: {name: reviews, namespace: bookinfo}
            ---
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: reviews-v1
            ---
            - not
            - a manifest
            """;

        var read = ManifestReader.Read(new SourceFile("app/all.yaml", text));

        Assert.Empty(read.Problems);
        Assert.Collection(
            read.Documents,
            d => Assert.Equal(("app/all.yaml", 2, 1, "v1", "Service", "reviews", "bookinfo", false), (d.File, d.Line, d.Column, d.ApiVersion, d.Kind, d.Name, d.Namespace, d.IsRendered)),
            d => Assert.Equal((7, "apps/v1", "Deployment", "reviews-v1", (string?)null), (d.Line, d.ApiVersion, d.Kind, d.Name, d.Namespace)));
    }

    [Theory]
    [InlineData("# graystep: rendered\napiVersion: v1\nkind: Service\n", true)]
    [InlineData("# graystep: rendered\r\napiVersion: v1\r\nkind: Service\r\n", true)]
    [InlineData("# graystep: rendered by hand\napiVersion: v1\nkind: Service\n", false)]
    [InlineData("apiVersion: v1\n# graystep: rendered\nkind: Service\n", false)]
    public void Only_a_first_line_that_is_exactly_the_marker_makes_a_rendered_file(string text, bool rendered)
    {
        Assert.Equal(rendered, Assert.Single(ManifestReader.Read(new SourceFile("x.yaml", text)).Documents).IsRendered);
    }

    [Fact]
    public void A_syntax_error_keeps_the_documents_before_it()
    {
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b\n";

        var read = ManifestReader.Read(new SourceFile("cm.yaml", text));

        Assert.Equal("a", Assert.Single(read.Documents).Name);
        var problem = Assert.Single(read.Problems);
        Assert.Equal(("cm.yaml", 8), (problem.Location.File, problem.Location.Line));
        Assert.StartsWith("invalid YAML: ", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_has_no_documents_and_no_problems()
    {
        var read = ManifestReader.Read(new SourceFile("empty.yaml", "# nothing here\n"));

        Assert.Empty(read.Documents);
        Assert.Empty(read.Problems);
    }
}
