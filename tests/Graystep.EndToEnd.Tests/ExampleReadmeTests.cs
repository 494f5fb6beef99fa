using System.Text.RegularExpressions;
using Graystep.EndToEnd.Tests.Harness;
using Graystep.TestKit;

namespace Graystep.EndToEnd.Tests;

/// <summary>
/// Each example's README names the sync gate it recommends, and the end-to-end scenario runs the example with that
/// gate: a README that changes its advice without the tests (or the other way round) fails here.
/// </summary>
public sealed partial class ExampleReadmeTests
{
    public static TheoryData<string> Examples => [.. ExampleCase.All.Select(e => e.Name)];

    [Theory]
    [MemberData(nameof(Examples))]
    public void The_scenario_runs_the_sync_kind_the_readme_recommends(string name)
    {
        var example = ExampleCase.All.Single(e => e.Name == name);
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", name, "README.md"));

        var recommended = Recommended().Matches(readme).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal([example.Sync], recommended);
        Assert.Contains($"    kind: {example.Sync}\n", readme, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\*\*Sync:\*\* `([a-z]+)`")]
    private static partial Regex Recommended();
}
