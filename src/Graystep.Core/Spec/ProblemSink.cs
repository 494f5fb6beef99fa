using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Graystep.Core.Spec;

/// <summary>Collects problems for one file; <see cref="Count"/> lets a binder tell whether its document stayed clean.</summary>
internal sealed class ProblemSink(string file, List<SpecProblem> problems)
{
    public string File { get; } = file;

    public int Count => problems.Count;

    public void Report(Mark at, string path, string message) =>
        problems.Add(new SpecProblem(new SourceLocation(File, (int)at.Line, (int)at.Column), path, message));

    public void Report(YamlNode at, string path, string message) => Report(at.Start, path, message);

    public void Report(int line, int column, string path, string message) =>
        problems.Add(new SpecProblem(new SourceLocation(File, line, column), path, message));

    public static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    public static string Index(string path, int index) => path + "[" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";
}
