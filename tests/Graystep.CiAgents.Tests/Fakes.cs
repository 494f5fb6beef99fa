using System.Text;
using Graystep.Core.Abstractions;
using Graystep.Core.Rollouts;

namespace Graystep.CiAgents.Tests;

internal sealed class FakeEnvironment(IReadOnlyDictionary<string, string>? variables = null) : IEnvironment
{
    private readonly Dictionary<string, string> _variables = new(variables ?? new Dictionary<string, string>(), StringComparer.Ordinal);

    public static FakeEnvironment Of(params (string Name, string Value)[] variables) =>
        new(variables.ToDictionary(v => v.Name, v => v.Value));

    public string? GetVariable(string name) => _variables.GetValueOrDefault(name);
}

/// <summary>Files in memory: Append appends, Write replaces, as the real seam does.</summary>
internal sealed class FakeCiFiles : ICiFiles
{
    private readonly Dictionary<string, StringBuilder> _files = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Paths => _files.Keys;

    public void Append(string path, string text)
    {
        if (!_files.TryGetValue(path, out var content))
        {
            _files[path] = content = new StringBuilder();
        }

        content.Append(text);
    }

    public void Write(string path, string text) => _files[path] = new StringBuilder(text);

    public string Read(string path) => _files.TryGetValue(path, out var content) ? content.ToString() : throw new FileNotFoundException(path);

    public bool Exists(string path) => _files.ContainsKey(path);
}

/// <summary>Everything a writer produced: the log and the files.</summary>
internal sealed class Capture
{
    public Capture(IEnvironment environment, string workingDirectory = "/work/cwd")
    {
        Sinks = new CiSinks(Log, environment, Files, workingDirectory);
    }

    public StringWriter Log { get; } = new() { NewLine = "\n" };

    public FakeCiFiles Files { get; } = new();

    public CiSinks Sinks { get; }

    public string AllBytes() => Log + string.Concat(Files.Paths.Select(Files.Read));
}

internal static class Samples
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static RunReport Progressing(string reason = "step 2/3: all checks passed") => new(
        "bookinfo/reviews",
        RolloutPhase.Progressing,
        "v1",
        "v2",
        20,
        StepResult.InProgress,
        reason,
        [
            new AnalysisRow("request-success-rate", "99.9", ">= 99", "pass", true),
            new AnalysisRow("request-duration", "612", "<= 500", "fail", false),
        ],
        [
            new TimelinePoint(T0, "start", "v2", 0),
            new TimelinePoint(T0.AddMinutes(1), "step", "v2", 10),
            new TimelinePoint(T0.AddMinutes(2), "step", "v2", 20),
        ]);
}
