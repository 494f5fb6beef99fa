using System.IO.Enumeration;
using Graystep.Core.Abstractions;

namespace Graystep.Rendering.IO;

/// <summary>The real file system, for the CLI. Tests of the engine use their own fakes.</summary>
public sealed class PhysicalFileSystem : IFileSystem
{
    public bool FileExists(string path) => File.Exists(path);

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public string ReadAllText(string path) => File.ReadAllText(path);

    public byte[] ReadAllBytes(string path) => File.ReadAllBytes(path);

    public void WriteAllBytes(string path, byte[] content)
    {
        // Write beside the target and move it into place, so a killed job never leaves half a manifest.
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temporary, content);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    public void DeleteFile(string path) => File.Delete(path);

    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    public IEnumerable<string> EnumerateFiles(string directory, string searchPattern, bool recursive) =>
        Directory.Exists(directory)
            ? Walk(directory, searchPattern, recursive, links: false).Order(StringComparer.Ordinal)
            : [];

    // readlink on the entry itself: works for links to files, to folders and to nothing.
    public string? LinkTarget(string path) => new FileInfo(path).LinkTarget;

    public long FileLength(string path) => new FileInfo(path).Length;

    public IEnumerable<string> EnumerateDirectoryLinks(string directory) =>
        Directory.Exists(directory) ? Walk(directory, "*", recursive: true, links: true).Order(StringComparer.Ordinal) : [];

    /// <summary>
    /// Files (or, with <paramref name="links"/>, symbolic links to folders) without descending into linked folders:
    /// a committed link must neither lead the walk out of the repository nor into a loop.
    /// </summary>
    private static IEnumerable<string> Walk(string directory, string searchPattern, bool recursive, bool links)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = recursive, IgnoreInaccessible = false };
        return new FileSystemEnumerable<string>(directory, (ref FileSystemEntry entry) => entry.ToFullPath(), options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) =>
                (links ? entry.IsDirectory && IsLink(ref entry) : !entry.IsDirectory) &&
                FileSystemName.MatchesSimpleExpression(searchPattern, entry.FileName),
            ShouldRecursePredicate = (ref FileSystemEntry entry) => !IsLink(ref entry),
        };
    }

    private static bool IsLink(ref FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) != 0;
}
