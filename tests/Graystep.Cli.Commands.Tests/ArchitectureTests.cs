using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Graystep.TestKit;

namespace Graystep.Cli.Commands.Tests;

/// <summary>
/// The rules docs/architecture.md states, checked on the build itself: which project may reference which, that
/// Core does no I/O (read from its compiled metadata, so a comment cannot fool it), and that Graystep's settings are
/// read in one place.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly string Src = Path.Combine(RepoPaths.Root, "src");

    public static TheoryData<string, string[]> Layers => new()
    {
        { "Graystep.Core", [] },
        { "Graystep.Rendering", ["Graystep.Core"] },
        { "Graystep.Engine", ["Graystep.Core", "Graystep.Rendering"] },
        { "Graystep.Git", ["Graystep.Core"] },
        { "Graystep.Hosts", ["Graystep.Core"] },
        { "Graystep.Metrics", ["Graystep.Core"] },
        { "Graystep.Gates", ["Graystep.Core"] },
        { "Graystep.CiAgents", ["Graystep.Core"] },
        { "Graystep.Sandbox", ["Graystep.Core"] },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void A_project_references_only_the_layers_below_it(string project, string[] allowed)
    {
        var references = ProjectReferences(project);

        Assert.Equal(allowed.Order(StringComparer.Ordinal), references.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_source_project_is_placed_in_a_layer_and_only_the_cli_wires_them_together()
    {
        var projects = Directory.GetDirectories(Src).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        var placed = Layers.Select(row => (string)row[0]).Append("Graystep.Cli").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(placed, projects);
        Assert.DoesNotContain("Graystep.Cli", projects.SelectMany(ProjectReferences));
    }

    [Fact]
    public void Core_touches_no_file_process_network_console_clock_or_environment()
    {
        var used = ReferencedMembers(Path.Combine(AppContext.BaseDirectory, "Graystep.Core.dll"));

        string[] forbiddenTypes =
        [
            "System.IO.File", "System.IO.Directory", "System.IO.FileInfo", "System.IO.DirectoryInfo", "System.IO.FileStream",
            "System.Diagnostics.Process", "System.Diagnostics.ProcessStartInfo", "System.Net.Http.HttpClient",
            "System.Net.Http.HttpMessageHandler", "System.Net.Sockets.Socket", "System.Console", "System.Threading.Thread",
        ];
        string[] forbiddenMembers =
        [
            "System.DateTime.get_Now", "System.DateTime.get_UtcNow", "System.DateTimeOffset.get_Now", "System.DateTimeOffset.get_UtcNow",
            "System.Environment.GetEnvironmentVariable", "System.Environment.GetEnvironmentVariables", "System.Threading.Tasks.Task.Delay",
            "System.TimeProvider.get_System",
        ];

        Assert.Empty(used.Types.Intersect(forbiddenTypes));
        Assert.Empty(used.Members.Intersect(forbiddenMembers));

        // The check sees what Core does use, so an empty answer is not a broken reader.
        Assert.Contains("System.String", used.Types);
    }

    [Fact]
    public void Graystep_variables_are_read_only_by_the_settings_and_the_process_environment_only_behind_its_seam()
    {
        // The sandbox is its own program with its own switches; everything graystep runs reads settings once.
        var files = Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => !Path.GetRelativePath(Src, f).StartsWith("Graystep.Sandbox", StringComparison.Ordinal))
            .ToList();

        var graystepReads = Offenders(files, GraystepVariableRead(), "Graystep.Cli/Composition/GraystepSettings.cs");
        var processReads = Offenders(files, ProcessEnvironmentRead(), "Graystep.Cli/Composition/SystemEnvironment.cs");

        Assert.True(graystepReads.Count == 0, "GRAYSTEP_* read outside GraystepSettings:\n" + string.Join('\n', graystepReads));
        Assert.True(processReads.Count == 0, "the process environment read outside SystemEnvironment:\n" + string.Join('\n', processReads));
        Assert.NotEmpty(files);
    }

    private static List<string> Offenders(IEnumerable<string> files, Regex pattern, string allowed) =>
        [.. files
            .Where(f => Path.GetRelativePath(Src, f).Replace('\\', '/') != allowed)
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal) && pattern.IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(Src, l.File)}:{l.Line}: {l.Text.Trim()}")];

    private static List<string> ProjectReferences(string project)
    {
        var csproj = XDocument.Load(Path.Combine(Src, project, project + ".csproj"));
        return [.. csproj.Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension((string)r.Attribute("Include")!.Value.Replace('\\', '/')))];
    }

    /// <summary>The types and members an assembly refers to in other assemblies, as "Namespace.Type" and "Namespace.Type.Member".</summary>
    private static (HashSet<string> Types, HashSet<string> Members) ReferencedMembers(string assembly)
    {
        using var stream = File.OpenRead(assembly);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        string TypeName(TypeReferenceHandle handle)
        {
            var type = metadata.GetTypeReference(handle);
            var name = metadata.GetString(type.Name);
            return type.ResolutionScope.Kind == HandleKind.TypeReference
                ? TypeName((TypeReferenceHandle)type.ResolutionScope) + "+" + name
                : metadata.GetString(type.Namespace) + "." + name;
        }

        var types = metadata.TypeReferences.Select(TypeName).ToHashSet(StringComparer.Ordinal);
        var members = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in metadata.MemberReferences)
        {
            var member = metadata.GetMemberReference(handle);
            if (member.Parent.Kind == HandleKind.TypeReference)
            {
                members.Add(TypeName((TypeReferenceHandle)member.Parent) + "." + metadata.GetString(member.Name));
            }
        }

        return (types, members);
    }

    [GeneratedRegex("""GetVariable\(\s*"GRAYSTEP_|GetEnvironmentVariable\(\s*"GRAYSTEP_""")]
    private static partial Regex GraystepVariableRead();

    [GeneratedRegex("""Environment\.GetEnvironmentVariables?\(""")]
    private static partial Regex ProcessEnvironmentRead();
}
