using Graystep.Rendering.Tests.Support;
using Graystep.TestKit;
using Xunit.Sdk;

namespace Graystep.Cli.Commands.Tests.Support;

/// <summary>Expected text checked in under Snapshots/; rewritten only when GRAYSTEP_UPDATE_SNAPSHOTS=1.</summary>
internal static class Snapshot
{
    public static string Directory => Path.Combine(RepoPaths.Root, "tests", "Graystep.Cli.Commands.Tests", "Snapshots");

    public static void Match(string name, string actual)
    {
        var path = Path.Combine(Directory, name);
        if (Environment.GetEnvironmentVariable("GRAYSTEP_UPDATE_SNAPSHOTS") == "1")
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        if (!File.Exists(path))
        {
            throw new XunitException($"snapshot {path} does not exist; run the tests with GRAYSTEP_UPDATE_SNAPSHOTS=1 to create it, then review it");
        }

        var expected = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (expected != actual)
        {
            throw new XunitException(
                $"output differs from snapshot {name} (- expected, + actual); if intended, rerun with GRAYSTEP_UPDATE_SNAPSHOTS=1 and review the diff\n" +
                LineDiff.Format(LineDiff.Compare(expected, actual)));
        }
    }
}
