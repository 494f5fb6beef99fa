using System.Text;
using Graystep.Core.Manifests;
using Graystep.TestKit;

namespace Graystep.Rendering.Tests.Fuzz;

/// <summary>
/// Inputs that once crashed, hung or exhausted memory, replayed on every run. One file per input; each holds one or
/// more source files, each introduced by a line <c>#@ path</c>. Everything after the marker line up to the next
/// marker is that file's text, byte for byte.
/// </summary>
internal static class FuzzCorpus
{
    public const string Marker = "#@ ";

    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "Graystep.Rendering.Tests", "Fuzz", "Corpus");

    public static IEnumerable<string> Entries => Directory.EnumerateFiles(Folder, "*.corpus").Order(StringComparer.Ordinal);

    public static IReadOnlyList<SourceFile> Read(string entry)
    {
        var text = File.ReadAllText(entry);
        var files = new List<SourceFile>();
        var at = 0;
        while (at < text.Length)
        {
            if (!text.AsSpan(at).StartsWith(Marker))
            {
                throw new InvalidDataException($"{entry}: expected a '{Marker.Trim()} path' line at offset {at}");
            }

            var endOfMarker = text.IndexOf('\n', at);
            var path = text[(at + Marker.Length)..endOfMarker];
            var next = text.IndexOf("\n" + Marker, endOfMarker, StringComparison.Ordinal);
            var end = next < 0 ? text.Length : next + 1;
            files.Add(new SourceFile(path, text[(endOfMarker + 1)..end]));
            at = end;
        }

        return files;
    }

    public static string Format(IReadOnlyList<SourceFile> files)
    {
        var text = new StringBuilder();
        foreach (var file in files)
        {
            text.Append(Marker).Append(file.Path).Append('\n').Append(file.Text);
            if (file.Text.Length > 0 && file.Text[^1] != '\n')
            {
                text.Append('\n');
            }
        }

        return text.ToString();
    }
}
