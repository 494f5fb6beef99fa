using Graystep.Cli.Commands.Tests.Support;
using Graystep.Core.Abstractions;
using Graystep.Rendering.IO;
using Graystep.TestKit;

namespace Graystep.Cli.Commands.Tests;

/// <summary>
/// Input that held in the issue 13 probes and must keep holding, plus the path guard through render and validate on
/// the real file system: shell metacharacters and unicode are data, never commands; links never lead out.
/// </summary>
public sealed class UntrustedInputTests
{
    [Theory]
    [InlineData("$(touch pwned)")]
    [InlineData("v2;touch pwned")]
    [InlineData("v2`touch pwned`")]
    [InlineData("v2-ünïcode")]
    [InlineData("v2\nGraystep-Action: promote")]
    public void A_version_with_shell_metacharacters_or_unicode_is_a_usage_error_and_runs_nothing(string version)
    {
        using var temp = Examples.CopyAll();
        var before = FolderState.Of(temp.Path);

        var result = GraystepCli.Run(temp.Path, "render", "bookinfo", "--version", version);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error: --version '", result.Error, StringComparison.Ordinal);
        Assert.Empty(FolderState.Of(temp.Path).ChangedSince(before));
    }

    [Theory]
    [InlineData("reviews=$(touch pwned)")]
    [InlineData("reviews=registry.example/reviews:2.0.0\nGraystep-Action: promote")]
    [InlineData("reviews=registry.example/reviews:2.0.0 ; rm -rf /")]
    [InlineData("reviews=Registry.Example/Reviews")]
    public void An_image_outside_the_oci_grammar_is_a_usage_error_naming_the_rule(string image)
    {
        using var temp = Examples.CopyAll();
        var before = FolderState.Of(temp.Path);

        var result = GraystepCli.Run(temp.Path, "render", "bookinfo", "--version", "v2", "--image", image);

        Assert.True(result.ExitCode == 2, result.ToString());
        var lines = result.Error.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.EndsWith("is not a valid image reference", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("hint: use an image reference such as", lines[1], StringComparison.Ordinal);
        Assert.Empty(FolderState.Of(temp.Path).ChangedSince(before));
    }

    [Fact]
    public void An_output_folder_named_with_shell_metacharacters_and_unicode_is_just_a_folder()
    {
        using var temp = new TempDirectory("graystep-untrusted");
        const string output = "out $(touch pwned); `touch pwned2` ünï/";
        Examples.WriteSpec(temp, "app", File.ReadAllText(Path.Combine(RepoPaths.Example("bookinfo"), "rollout.yaml"))
            .Replace("output: rendered/", "output: \"" + output + "\"", StringComparison.Ordinal));

        var validate = GraystepCli.Run(temp.Path, "validate", "app");
        var render = GraystepCli.Run(temp.Path, "render", "app/rollout.yaml", "--version", "v2");

        Assert.True(validate.ExitCode == 0, validate.ToString());
        Assert.True(render.ExitCode == 0, render.ToString());
        Assert.True(File.Exists(temp.Combine("app", output, "kustomization.yaml")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path, "pwned*", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_symlinked_output_folder_is_refused_by_validate_and_render_with_its_line()
    {
        using var temp = new TempDirectory("graystep-untrusted");
        RawGit.Run(temp.Path, "init", "-q");
        Examples.WriteSpec(temp, "app", File.ReadAllText(Path.Combine(RepoPaths.Example("bookinfo"), "rollout.yaml")));
        var outside = new TempDirectory("graystep-outside");
        using (outside)
        {
            File.CreateSymbolicLink(temp.Combine("app", "rendered"), outside.Path);
            RawGit.Run(temp.Path, "add", "-A");

            var validate = GraystepCli.Run(temp.Path, "validate", "app/rollout.yaml");
            var render = GraystepCli.Run(temp.Path, "render", "app/rollout.yaml", "--version", "v2");

            Assert.True(validate.ExitCode == 3, validate.ToString());
            Assert.Contains("app/rollout.yaml:30:11: error: spec.output: app/rendered is a symbolic link to " + outside.Path + ", outside the repository", validate.Error, StringComparison.Ordinal);
            Assert.True(render.ExitCode == 3, render.ToString());
            Assert.Empty(Directory.EnumerateFileSystemEntries(outside.Path));
        }
    }

    [Fact]
    public void A_symlink_that_stays_inside_the_repository_is_followed()
    {
        using var temp = new TempDirectory("graystep-untrusted");
        RawGit.Run(temp.Path, "init", "-q");
        Examples.WriteSpec(temp, "app", File.ReadAllText(Path.Combine(RepoPaths.Example("bookinfo"), "rollout.yaml")));
        Directory.CreateDirectory(temp.Combine("deploy", "reviews"));
        File.CreateSymbolicLink(temp.Combine("app", "rendered"), temp.Combine("deploy", "reviews"));

        var render = GraystepCli.Run(temp.Path, "render", "app/rollout.yaml", "--version", "v2");

        Assert.True(render.ExitCode == 0, render.ToString());
        Assert.True(File.Exists(temp.Combine("deploy", "reviews", "kustomization.yaml")));
    }

    [Fact]
    public void A_read_only_output_folder_is_one_error_line_and_nothing_half_written()
    {
        // Tests run as root in CI, where chmod cannot make a folder read-only: the file system refuses instead.
        using var temp = Examples.CopyAll();
        var output = temp.Combine("bookinfo", "rendered");
        Directory.CreateDirectory(output);
        var before = FolderState.Of(temp.Path);

        var result = RunWith(new ReadOnlyFolder(new PhysicalFileSystem(), output), temp.Path, RenderArgs.Render("bookinfo", "v2", 10));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(
            $"error: Access to the path '{output}' is denied.\nhint: check that the path exists, is the right kind (file or folder) and is readable and writable\n",
            result.Error);
        Assert.Empty(FolderState.Of(temp.Path).ChangedSince(before));
    }

    private static CliResult RunWith(IFileSystem files, string workingDirectory, params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var context = new CliContext(output, error, new FakeEnvironment(), files, new FakeTimeProvider(TestClock.Start), workingDirectory,
            () => throw new InvalidOperationException("render must not touch the network"));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var code = GraystepApp.RunAsync(args, context, cancellation.Token).GetAwaiter().GetResult();
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>The real file system, except that nothing under one folder may be written or deleted.</summary>
    private sealed class ReadOnlyFolder(IFileSystem inner, string folder) : IFileSystem
    {
        public bool FileExists(string path) => inner.FileExists(path);

        public bool DirectoryExists(string path) => inner.DirectoryExists(path);

        public string ReadAllText(string path) => inner.ReadAllText(path);

        public byte[] ReadAllBytes(string path) => inner.ReadAllBytes(path);

        public void WriteAllBytes(string path, byte[] content) => Refuse(path, () => inner.WriteAllBytes(path, content));

        public void DeleteFile(string path) => Refuse(path, () => inner.DeleteFile(path));

        public void CreateDirectory(string path) => Refuse(path, () => inner.CreateDirectory(path));

        public IEnumerable<string> EnumerateFiles(string directory, string searchPattern, bool recursive) => inner.EnumerateFiles(directory, searchPattern, recursive);

        public string? LinkTarget(string path) => inner.LinkTarget(path);

        public long FileLength(string path) => inner.FileLength(path);

        public IEnumerable<string> EnumerateDirectoryLinks(string directory) => inner.EnumerateDirectoryLinks(directory);

        private void Refuse(string path, Action write)
        {
            if (Path.GetFullPath(path).StartsWith(folder, StringComparison.Ordinal))
            {
                throw new UnauthorizedAccessException($"Access to the path '{folder}' is denied.");
            }

            write();
        }
    }
}
