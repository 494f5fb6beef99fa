using System.Text;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.Rollouts;
using Graystep.Rendering.IO;
using Graystep.Rendering.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Rendering.Tests;

public sealed class OutputWriterTests : IDisposable
{
    private readonly TempDirectory _temp = new("graystep-output");
    private readonly RecordingFileSystem _fs = new(new PhysicalFileSystem());
    private readonly ManifestRenderer _renderer = new();

    private string Output => _temp.Combine("rendered");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_second_write_of_the_same_render_changes_nothing_and_rewrites_nothing()
    {
        var output = _renderer.Render(RenderCases.Get("istio-canary-w20"));
        var writer = new OutputWriter(_fs);

        var first = writer.Write(Output, output);
        var times = Directory.EnumerateFiles(Output).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        _fs.Writes.Clear();
        var second = writer.Write(Output, output);

        Assert.Equal(output.Paths, first);
        Assert.Empty(second);
        Assert.Empty(_fs.Writes);
        Assert.Empty(_fs.Deletes);
        Assert.All(times, t => Assert.Equal(t.Value, File.GetLastWriteTimeUtc(t.Key)));
        foreach (var file in output.Files)
        {
            Assert.Equal(Encoding.UTF8.GetBytes(file.Content), File.ReadAllBytes(Path.Combine(Output, file.RelativePath)));
        }
    }

    [Fact]
    public void A_weight_step_writes_only_the_routing_file()
    {
        var writer = new OutputWriter(_fs);
        writer.Write(Output, _renderer.Render(RenderCases.Get("istio-canary-w20")));
        _fs.Writes.Clear();

        var changed = writer.Write(Output, _renderer.Render(RenderCases.Get("istio-canary-w20") with { Traffic = new TrafficSplit(50) }));

        Assert.Equal(["virtualservice-reviews.yaml"], changed);
        Assert.Equal([Path.Combine(Output, "virtualservice-reviews.yaml")], _fs.Writes);
    }

    [Fact]
    public void Stale_owned_files_are_removed_and_every_other_file_is_left_alone()
    {
        var writer = new OutputWriter(_fs);
        writer.Write(Output, _renderer.Render(RenderCases.Get("nginx-canary-w20")));
        var foreign = new Dictionary<string, string>
        {
            ["README.md"] = "# notes\n",
            ["extra.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n",
            ["marker-later.yaml"] = "apiVersion: v1\n# graystep: rendered\n",
            ["graystep-status.yaml"] = "# graystep: rendered\nphase: Progressing\n",
        };
        foreach (var (name, text) in foreign)
        {
            File.WriteAllText(Path.Combine(Output, name), text);
        }

        Directory.CreateDirectory(Path.Combine(Output, "nested"));
        File.WriteAllText(Path.Combine(Output, "nested", "old.yaml"), "# graystep: rendered\nkind: Service\n");
        File.WriteAllText(Path.Combine(Output, "stale-crlf.yaml"), "# graystep: rendered\r\nkind: Service\r\n");

        var changed = writer.Write(Output, _renderer.Render(RenderCases.Get("nginx-stable")));

        Assert.Equal(
            ["deployment-hello-v2.yaml", "ingress-hello-canary.yaml", "kustomization.yaml", "service-hello-canary.yaml", "service-hello-v2.yaml", "stale-crlf.yaml"],
            changed);
        Assert.All(foreign, f => Assert.Equal(f.Value, File.ReadAllText(Path.Combine(Output, f.Key))));
        Assert.True(File.Exists(Path.Combine(Output, "nested", "old.yaml")));
        Assert.False(File.Exists(Path.Combine(Output, "deployment-hello-v2.yaml")));
        Assert.Equal(
            ["README.md", "deployment-hello-v1.yaml", "extra.yaml", "graystep-status.yaml", "ingress-hello.yaml", "kustomization.yaml",
             "marker-later.yaml", "service-hello-primary.yaml", "service-hello-v1.yaml", "service-hello.yaml"],
            Directory.EnumerateFiles(Output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_foreign_file_in_the_way_of_a_rendered_one_is_an_error_and_is_kept()
    {
        Directory.CreateDirectory(Output);
        var path = Path.Combine(Output, "service-reviews.yaml");
        File.WriteAllText(path, "apiVersion: v1\nkind: Service\n");

        var error = Assert.Throws<GraystepException>(() => new OutputWriter(_fs).Write(Output, _renderer.Render(RenderCases.Get("istio-stable"))));

        Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
        Assert.Contains("service-reviews.yaml exists and was not rendered by Graystep", error.Message, StringComparison.Ordinal);
        Assert.Equal("apiVersion: v1\nkind: Service\n", File.ReadAllText(path));
    }

    [Theory]
    [InlineData("# graystep: rendered\nkind: x\n", true)]
    [InlineData("# graystep: rendered\r\nkind: x\r\n", true)]
    [InlineData("# graystep: rendered", true)]
    [InlineData("# graystep: rendered by hand\n", false)]
    [InlineData(" # graystep: rendered\n", false)]
    [InlineData("kind: x\n# graystep: rendered\n", false)]
    [InlineData("", false)]
    public void Ownership_is_the_exact_first_line(string content, bool owned)
    {
        Assert.Equal(owned, OutputWriter.IsOwned(Encoding.UTF8.GetBytes(content)));
    }

    /// <summary>Counts the writes and deletes that reach the real file system.</summary>
    private sealed class RecordingFileSystem(IFileSystem inner) : IFileSystem
    {
        public List<string> Writes { get; } = [];

        public List<string> Deletes { get; } = [];

        public bool FileExists(string path) => inner.FileExists(path);

        public bool DirectoryExists(string path) => inner.DirectoryExists(path);

        public string ReadAllText(string path) => inner.ReadAllText(path);

        public byte[] ReadAllBytes(string path) => inner.ReadAllBytes(path);

        public void WriteAllBytes(string path, byte[] content)
        {
            Writes.Add(path);
            inner.WriteAllBytes(path, content);
        }

        public void DeleteFile(string path)
        {
            Deletes.Add(path);
            inner.DeleteFile(path);
        }

        public void CreateDirectory(string path) => inner.CreateDirectory(path);

        public IEnumerable<string> EnumerateFiles(string directory, string searchPattern, bool recursive) =>
            inner.EnumerateFiles(directory, searchPattern, recursive);
    }
}
