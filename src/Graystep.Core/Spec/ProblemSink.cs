using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Graystep.Core.Spec;

/// <summary>
/// Collects problems for one file; <see cref="Count"/> lets a binder tell whether its document stayed clean.
/// Warnings (a field that means nothing outside the cluster) go to their own list and never make a spec invalid.
/// </summary>
internal sealed class ProblemSink(string file, List<SpecProblem> problems, List<SpecProblem>? warnings = null)
{
    public string File { get; } = file;

    public int Count => problems.Count;

    public void Report(Mark at, string path, string message) =>
        problems.Add(new SpecProblem(new SourceLocation(File, (int)at.Line, (int)at.Column), path, message));

    public void Report(YamlNode at, string path, string message) => Report(at.Start, path, message);

    public void Report(int line, int column, string path, string message) =>
        problems.Add(new SpecProblem(new SourceLocation(File, line, column), path, message));

    public void Warn(YamlNode at, string path, string message) =>
        warnings?.Add(new SpecProblem(new SourceLocation(File, (int)at.Start.Line, (int)at.Start.Column), path, message));

    public static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    public static string Index(string path, int index) => path + "[" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";
}
