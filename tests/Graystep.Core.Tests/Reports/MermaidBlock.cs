using System.Globalization;
using System.Text.RegularExpressions;

namespace Graystep.Core.Tests.Reports;

/// <summary>
/// A parsed Mermaid <c>xychart-beta</c> fenced block, checked against the grammar GitHub's renderer accepts: a title,
/// one x-axis of quoted labels, a y-axis with a quoted name and a numeric range, and line series of as many numbers
/// as labels, each inside the range.
/// </summary>
public sealed partial record MermaidBlock(string Title, IReadOnlyList<string> Labels, double YMin, double YMax, IReadOnlyList<IReadOnlyList<double>> Lines)
{
    public static IReadOnlyList<MermaidBlock> All(string markdown) =>
        [.. Fence().Matches(markdown).Select(m => Parse(m.Groups[1].Value))];

    public static MermaidBlock Parse(string body)
    {
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("xychart-beta", lines[0]);
        var title = Match(TitleLine(), lines[1]).Groups[1].Value;
        var labels = Match(XAxis(), lines[2]).Groups[1].Value;
        var y = Match(YAxis(), lines[3]);
        var parsedLabels = Label().Matches(labels).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(labels.Split(',').Length, parsedLabels.Count);
        var (min, max) = (Number(y.Groups[1].Value), Number(y.Groups[2].Value));
        var series = new List<IReadOnlyList<double>>();
        foreach (var line in lines.Skip(4))
        {
            var values = Match(Series(), line).Groups[1].Value.Split(',', StringSplitOptions.TrimEntries).Select(Number).ToList();
            Assert.Equal(parsedLabels.Count, values.Count);
            Assert.All(values, v => Assert.InRange(v, min, max));
            series.Add(values);
        }

        Assert.NotEmpty(series);
        return new MermaidBlock(title, parsedLabels, min, max, series);
    }

    private static Match Match(Regex regex, string line)
    {
        var match = regex.Match(line);
        Assert.True(match.Success, $"not valid xychart-beta: '{line}' (expected {regex})");
        return match;
    }

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex("```mermaid\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex("^    title \"([^\"\n]*)\"$")]
    private static partial Regex TitleLine();

    [GeneratedRegex("^    x-axis \\[((?:\"[^\"\n]*\"(?:, )?)+)\\]$")]
    private static partial Regex XAxis();

    [GeneratedRegex("\"([^\"]*)\"")]
    private static partial Regex Label();

    [GeneratedRegex("^    y-axis \"[^\"\n]*\" (-?[0-9.]+) --> (-?[0-9.]+)$")]
    private static partial Regex YAxis();

    [GeneratedRegex("^    line \\[(-?[0-9.]+(?:, -?[0-9.]+)*)\\]$")]
    private static partial Regex Series();
}
