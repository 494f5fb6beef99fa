using Graystep.Core.Spec;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Graystep.Core.Manifests;

/// <summary>The documents of one file, and its YAML syntax error if it has one.</summary>
public sealed record ManifestReadResult(IReadOnlyList<ManifestDocument> Documents, IReadOnlyList<SpecProblem> Problems);

/// <summary>Reads every YAML document of a file into <see cref="ManifestDocument"/>s. Pure: the text comes in.</summary>
public static class ManifestReader
{
    public static ManifestReadResult Read(SourceFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var rendered = IsRenderedFile(file.Text);
        var stream = new YamlStream();
        var problems = new List<SpecProblem>();
        if (file.Text.Length > YamlLimits.MaxFileBytes)
        {
            problems.Add(new SpecProblem(new SourceLocation(file.Path, 1, 1), "", YamlLimits.TooLarge(file.Text.Length)));
            return new ManifestReadResult([], problems);
        }

        var scanner = new Scanner(new StringReader(file.Text));
        var parser = new BoundedParser(new Parser(scanner));
        try
        {
            stream.Load(parser);
        }
        catch (YamlLimitException e)
        {
            // Nothing of a file over a limit is kept: its documents are what the limit protects against.
            problems.Add(new SpecProblem(new SourceLocation(file.Path, (int)e.At.Line, (int)e.At.Column), "", e.Message));
            return new ManifestReadResult([], problems);
        }
        catch (YamlException e)
        {
            // The parser cannot recover from a syntax error; the documents before it are kept.
            var (line, column, message) = YamlSyntaxError.Describe(e, file.Text);
            problems.Add(new SpecProblem(new SourceLocation(file.Path, line, column), "", message));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this on some malformed flow collections (e.g. an unclosed '[');
            // its position is where reading stopped.
            var at = scanner.CurrentPosition;
            problems.Add(new SpecProblem(
                new SourceLocation(file.Path, (int)at.Line, (int)at.Column),
                "",
                "invalid YAML: cannot read this; look for an unclosed bracket, brace or quote before it"));
            ReplaceWithBadIndentation(problems, file);
        }
        catch (ArgumentException)
        {
            // YamlDotNet's tree builder refuses some event orders its parser accepts (e.g. "a:\n  : b: c").
            var at = parser.Current?.Start ?? scanner.CurrentPosition;
            problems.Add(new SpecProblem(
                new SourceLocation(file.Path, (int)at.Line, (int)at.Column),
                "",
                "invalid YAML: a key is missing or a value sits where a key belongs; give every 'key: value' a key, or quote a value that contains ': '"));
            ReplaceWithBadIndentation(problems, file);
        }

        var documents = new List<ManifestDocument>(stream.Documents.Count);
        foreach (var document in stream.Documents)
        {
            // Empty documents and non-mapping roots are not Kubernetes objects; they carry nothing to validate.
            if (document.RootNode is not YamlMappingNode root)
            {
                continue;
            }

            var metadata = YamlNodes.Map(root, "metadata");
            documents.Add(new ManifestDocument(
                file.Path,
                (int)root.Start.Line,
                (int)root.Start.Column,
                YamlNodes.Scalar(root, "apiVersion"),
                YamlNodes.Scalar(root, "kind"),
                YamlNodes.Scalar(metadata, "name"),
                YamlNodes.Scalar(metadata, "namespace"),
                root)
            {
                IsRendered = rendered,
            });
        }

        return new ManifestReadResult(documents, problems);
    }

    /// <summary>True when the first line is exactly <see cref="ManifestDocument.RenderedMarker"/> (CRLF tolerated).</summary>
    /// <summary>A tab or non-breaking space in the indentation at or before a syntax error is its cause: name it.</summary>
    private static void ReplaceWithBadIndentation(List<SpecProblem> problems, SourceFile file)
    {
        var last = problems[^1];
        if (YamlSyntaxError.BadIndentation(file.Text, last.Location.Line) is { } bad)
        {
            problems[^1] = new SpecProblem(new SourceLocation(file.Path, bad.Line, bad.Column), "", bad.Message);
        }
    }

    public static bool IsRenderedFile(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var marker = ManifestDocument.RenderedMarker;
        if (!text.StartsWith(marker, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = text.AsSpan(marker.Length);
        return rest.IsEmpty || rest[0] == '\n' || (rest[0] == '\r' && (rest.Length == 1 || rest[1] == '\n'));
    }
}
