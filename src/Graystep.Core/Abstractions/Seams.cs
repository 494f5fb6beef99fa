namespace Graystep.Core.Abstractions;

/// <summary>The file system, behind a seam so that Core and the engine can be tested without touching disk.</summary>
public interface IFileSystem
{
    bool FileExists(string path);

    bool DirectoryExists(string path);

    string ReadAllText(string path);

    byte[] ReadAllBytes(string path);

    void WriteAllBytes(string path, byte[] content);

    void DeleteFile(string path);

    void CreateDirectory(string path);

    /// <summary>Files under <paramref name="directory"/>; a recursive walk does not descend into symbolic links.</summary>
    IEnumerable<string> EnumerateFiles(string directory, string searchPattern, bool recursive);

    /// <summary>What the symbolic link at <paramref name="path"/> points to, as written; null when it is no link.</summary>
    string? LinkTarget(string path) => null;

    /// <summary>The size of a file in bytes, without reading it.</summary>
    long FileLength(string path) => ReadAllBytes(path).LongLength;

    /// <summary>Symbolic links to folders under <paramref name="directory"/> (a recursive walk does not follow them).</summary>
    IEnumerable<string> EnumerateDirectoryLinks(string directory) => [];
}

/// <summary>Environment variables, behind a seam so that CI detection and options are testable.</summary>
public interface IEnvironment
{
    string? GetVariable(string name);
}

/// <summary>The result of running a process: its exit code and its two streams, whole.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Starts processes with arguments as a list: never through a shell.</summary>
public interface IProcessRunner
{
    Task<ProcessResult> RunAsync(
        string fileName,
        IReadOnlyList<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? standardInput = null,
        CancellationToken cancellationToken = default);
}
