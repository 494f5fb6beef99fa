using Graystep.Rendering.Tests.Support;

namespace Graystep.Rendering.Tests;

public sealed class SnapshotTests
{
    public static TheoryData<string> Cases => RenderCases.TheoryNames;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rendered_output_matches_its_snapshot(string name)
    {
        var output = new ManifestRenderer().Render(RenderCases.Get(name));

        Snapshot.Match(name, Snapshot.Of(output));
    }

    [Fact]
    public void Every_snapshot_file_belongs_to_a_case()
    {
        var names = RenderCases.Names.ToHashSet(StringComparer.Ordinal);
        var stale = Directory.EnumerateFiles(Snapshot.Directory, "*.snap")
            .Where(f => !names.Contains(Path.GetFileNameWithoutExtension(f)))
            .ToList();
        if (Snapshot.Updating)
        {
            stale.ForEach(File.Delete);
            return;
        }

        Assert.True(stale.Count == 0, $"snapshots without a case (rerun with GRAYSTEP_UPDATE_SNAPSHOTS=1 to remove): {string.Join(", ", stale)}");
    }
}
