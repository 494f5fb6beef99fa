using Graystep.TestKit;

namespace Graystep.Cli.Commands.Tests.Support;

/// <summary>The checked-in examples, and scratch copies of them for commands that write.</summary>
internal static class Examples
{
    public static readonly string[] Names = ["ab-testing", "bookinfo", "gateway-api", "k8sdemo-nginx", "k8sdemo-nginx-bluegreen", "podinfo-flagger", "podinfo-match-weights", "podinfo-session-affinity", "podinfo-templates"];

    public static TheoryData<string> All => new(Names);

    /// <summary>A temp folder holding a copy of every example, as <c>&lt;temp&gt;/&lt;example&gt;/</c>.</summary>
    public static TempDirectory CopyAll()
    {
        var temp = new TempDirectory("graystep-cli");
        foreach (var name in Names)
        {
            RepoPaths.CopyDirectory(RepoPaths.Example(name), temp.Combine(name));
        }

        return temp;
    }

    /// <summary>A temp folder holding the bookinfo templates and the given spec as <c>&lt;folder&gt;/rollout.yaml</c>.</summary>
    public static void WriteSpec(TempDirectory temp, string folder, string spec, string templatesFrom = "bookinfo")
    {
        RepoPaths.CopyDirectory(Path.Combine(RepoPaths.Example(templatesFrom), "templates"), temp.Combine(folder, "templates"));
        File.WriteAllText(temp.Combine(folder, "rollout.yaml"), spec);
    }
}
