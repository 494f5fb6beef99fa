using Graystep.Core.Abstractions;

namespace Graystep.Gates.Tests.Support;

public sealed class FakeEnvironment : IEnvironment
{
    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    public FakeEnvironment Set(string name, string value)
    {
        _variables[name] = value;
        return this;
    }

    public string? GetVariable(string name) => _variables.GetValueOrDefault(name);
}

/// <summary>Files in memory: enough for the service-account token and CA that the sync gates read.</summary>
public sealed class FakeFileSystem : IFileSystem
{
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);

    public List<string> Reads { get; } = [];

    public FakeFileSystem Add(string path, string content)
    {
        _files[path] = content;
        return this;
    }

    public bool FileExists(string path) => _files.ContainsKey(path);

    public bool DirectoryExists(string path) => _files.Keys.Any(f => f.StartsWith(path.TrimEnd('/') + "/", StringComparison.Ordinal));

    public string ReadAllText(string path)
    {
        Reads.Add(path);
        return _files.TryGetValue(path, out var content) ? content : throw new FileNotFoundException(path);
    }

    public byte[] ReadAllBytes(string path) => System.Text.Encoding.UTF8.GetBytes(ReadAllText(path));

    public void WriteAllBytes(string path, byte[] content) => throw new NotSupportedException("the gates never write files");

    public void DeleteFile(string path) => throw new NotSupportedException("the gates never delete files");

    public void CreateDirectory(string path) => throw new NotSupportedException("the gates never create folders");

    public IEnumerable<string> EnumerateFiles(string directory, string searchPattern, bool recursive) => [];
}
