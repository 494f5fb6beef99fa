using System.Text;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.Manifests;

namespace Graystep.Rendering.IO;

/// <summary>
/// The one writer of rendered output and status files. It writes only files whose bytes change, deletes files it
/// owns (first line <see cref="ManifestDocument.RenderedMarker"/>) that are no longer rendered, and never touches
/// anything else, including the engine's status file. Every path goes through a <see cref="PathGuard"/> for the
/// repository first, so a committed symbolic link cannot send a write out of the work tree or into .git.
/// </summary>
/// <param name="repositoryRoot">The work tree; null guards the output folder's parent (tests of the writer alone).</param>
public sealed class OutputWriter(IFileSystem fileSystem, string? repositoryRoot = null)
{
    /// <summary>The engine's status file; it lives in the output folder but is not the renderer's.</summary>
    public const string StatusFileName = "graystep-status.yaml";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Brings <paramref name="outputDirectory"/> in line with <paramref name="output"/> and returns the paths
    /// that changed (written or deleted), relative to the folder, sorted ordinally. Empty when nothing changed.
    /// </summary>
    /// <exception cref="GraystepException">A rendered path is taken by a file Graystep does not own.</exception>
    public IReadOnlyList<string> Write(string outputDirectory, RenderedOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var rendered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in output.Files)
        {
            if (file.RelativePath.Length == 0 || file.RelativePath.Contains('/', StringComparison.Ordinal) ||
                file.RelativePath.Contains('\\', StringComparison.Ordinal) || file.RelativePath is "." or ".." ||
                file.RelativePath == StatusFileName)
            {
                throw new ArgumentException($"'{file.RelativePath}' is not a file name the renderer may write", nameof(output));
            }

            rendered.Add(file.RelativePath);
        }

        var guard = Guard(outputDirectory);
        guard.Check(outputDirectory);
        if (fileSystem.FileExists(outputDirectory))
        {
            throw new GraystepException(
                $"{outputDirectory} is a file, but the rollout's output must be a folder",
                ExitCodes.InvalidSpec,
                "move that file away, or point spec.output at another folder");
        }

        // Decide every write before making any, so a conflict found late leaves the folder as it was.
        var writes = new List<(string Name, string Path, byte[] Bytes)>();
        foreach (var file in output.Files)
        {
            var path = Path.Combine(outputDirectory, file.RelativePath);
            guard.Check(path);
            var bytes = Utf8.GetBytes(file.Content);
            if (fileSystem.DirectoryExists(path))
            {
                throw new GraystepException(
                    $"{path} is a folder, but Graystep renders a file of that name",
                    ExitCodes.InvalidSpec,
                    "move that folder out of the rollout's output folder; Graystep owns the files it renders there");
            }

            if (fileSystem.FileExists(path))
            {
                var existing = fileSystem.ReadAllBytes(path);
                if (existing.AsSpan().SequenceEqual(bytes))
                {
                    continue;
                }

                if (!IsOwned(existing))
                {
                    throw new GraystepException(
                        $"{path} exists and was not rendered by Graystep (its first line is not '{ManifestDocument.RenderedMarker}')",
                        ExitCodes.InvalidSpec,
                        "move that file out of the rollout's output folder; Graystep owns the files it renders there");
                }
            }

            writes.Add((file.RelativePath, path, bytes));
        }

        var changed = new List<string>();
        if (!fileSystem.DirectoryExists(outputDirectory))
        {
            fileSystem.CreateDirectory(outputDirectory);
        }

        foreach (var (name, path, bytes) in writes)
        {
            fileSystem.WriteAllBytes(path, bytes);
            changed.Add(name);
        }

        foreach (var path in fileSystem.EnumerateFiles(outputDirectory, "*", recursive: false))
        {
            var name = Path.GetFileName(path);
            if (rendered.Contains(name) || name == StatusFileName)
            {
                continue;
            }

            if (guard.Problem(path) is null && IsOwned(fileSystem.ReadAllBytes(path)))
            {
                fileSystem.DeleteFile(path);
                changed.Add(name);
            }
        }

        changed.Sort(StringComparer.Ordinal);
        return changed;
    }

    /// <summary>Writes one file (the status file) unless it already holds these bytes; false when it did.</summary>
    public bool WriteFile(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var guard = Guard(Path.GetDirectoryName(Path.GetFullPath(path))!);
        guard.Check(path);
        if (fileSystem.FileExists(path) && fileSystem.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
        {
            return false;
        }

        fileSystem.WriteAllBytes(path, bytes);
        return true;
    }

    private PathGuard Guard(string outputDirectory) =>
        new(fileSystem, repositoryRoot ?? Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(outputDirectory))) ?? outputDirectory);

    /// <summary>Owned means the first line is exactly the marker (LF or CRLF line end, or nothing after it).</summary>
    public static bool IsOwned(ReadOnlySpan<byte> content)
    {
        var marker = Encoding.ASCII.GetBytes(ManifestDocument.RenderedMarker);
        if (!content.StartsWith(marker))
        {
            return false;
        }

        var rest = content[marker.Length..];
        return rest.IsEmpty || rest[0] == (byte)'\n' || (rest.Length >= 2 && rest[0] == (byte)'\r' && rest[1] == (byte)'\n');
    }
}
