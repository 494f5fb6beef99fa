using System.Text;
using Graystep.TestKit;
using Xunit.Sdk;

namespace Graystep.Rendering.Tests.Support;

/// <summary>
/// Expected files checked in next to the tests. They change only when GRAYSTEP_UPDATE_SNAPSHOTS=1 is set;
/// otherwise a difference fails with a line diff.
/// </summary>
internal static class Snapshot
{
    public static string Directory => Path.Combine(RepoPaths.Root, "tests", "Graystep.Rendering.Tests", "Snapshots");

    public static bool Updating => Environment.GetEnvironmentVariable("GRAYSTEP_UPDATE_SNAPSHOTS") == "1";

    /// <summary>The whole output folder as one text: each file under a <c>==&gt; path &lt;==</c> header.</summary>
    public static string Of(RenderedOutput output)
    {
        var sb = new StringBuilder();
        foreach (var file in output.Files)
        {
            sb.Append("==> ").Append(file.RelativePath).Append(" <==\n").Append(file.Content);
        }

        return sb.ToString();
    }

    public static void Match(string name, string actual)
    {
        var path = Path.Combine(Directory, name + ".snap");
        if (Updating)
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllText(path, actual);
            return;
        }

        if (!File.Exists(path))
        {
            throw new XunitException($"snapshot {path} does not exist; run the tests with GRAYSTEP_UPDATE_SNAPSHOTS=1 to create it, then review it");
        }

        var expected = File.ReadAllText(path);
        if (expected != actual)
        {
            throw new XunitException(
                $"rendered output differs from snapshot {name}.snap (- expected, + actual); " +
                $"if the change is intended, rerun with GRAYSTEP_UPDATE_SNAPSHOTS=1 and review the diff\n" +
                LineDiff.Format(LineDiff.Compare(expected, actual)));
        }
    }
}
