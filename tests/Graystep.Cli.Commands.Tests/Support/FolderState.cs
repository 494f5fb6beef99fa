using System.Text;

namespace Graystep.Cli.Commands.Tests.Support;

/// <summary>Every file under a folder with its bytes, to prove a command changed nothing (or exactly what).</summary>
internal sealed class FolderState
{
    private FolderState(SortedDictionary<string, byte[]> files) => Files = files;

    public SortedDictionary<string, byte[]> Files { get; }

    public static FolderState Of(string root)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        if (!Directory.Exists(root))
        {
            return new FolderState(files);
        }

        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            files[Path.GetRelativePath(root, file).Replace('\\', '/')] = File.ReadAllBytes(file);
        }

        return new FolderState(files);
    }

    /// <summary>Paths added, removed or changed since <paramref name="before"/>, sorted.</summary>
    public IReadOnlyList<string> ChangedSince(FolderState before)
    {
        ArgumentNullException.ThrowIfNull(before);
        return Files.Keys.Union(before.Files.Keys)
            .Where(p => !Files.TryGetValue(p, out var now) || !before.Files.TryGetValue(p, out var then) || !now.AsSpan().SequenceEqual(then))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public string Text(string path) => Encoding.UTF8.GetString(Files[path]);
}
