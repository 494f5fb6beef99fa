using System.CommandLine;
using Graystep.Cli.Commands.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Cli.Commands.Tests;

/// <summary>The --help text is part of the interface: pinned in Snapshots/ so a change is a reviewed diff.</summary>
public sealed class HelpTests
{
    [Theory]
    [InlineData("help-root.txt", new[] { "--help" })]
    [InlineData("help-run.txt", new[] { "run", "--help" })]
    [InlineData("help-validate.txt", new[] { "validate", "--help" })]
    [InlineData("help-render.txt", new[] { "render", "--help" })]
    public void Help_text_is_pinned(string snapshot, string[] args)
    {
        var result = GraystepCli.Run(RepoPaths.Root, args);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        // Usage names the running executable: graystep when published, the test host here.
        Snapshot.Match(snapshot, result.Out.Replace($"  {RootCommand.ExecutableName} ", "  graystep ", StringComparison.Ordinal));
    }

    [Fact]
    public void Short_help_flags_print_the_same_text()
    {
        var full = GraystepCli.Run(RepoPaths.Root, "render", "--help");

        Assert.Equal(full, GraystepCli.Run(RepoPaths.Root, "render", "-h"));
        Assert.Equal(full, GraystepCli.Run(RepoPaths.Root, "render", "-?"));
    }

    [Fact]
    public void Every_command_of_the_design_is_listed_in_the_root_help()
    {
        var help = GraystepCli.Run(RepoPaths.Root, "--help").Out;

        foreach (var command in new[] { "validate", "render", "run", "status", "history", "analyze", "promote", "rollback", "pause", "resume" })
        {
            Assert.Matches($"(?m)^  {command} <PATH>", help);
        }

        foreach (var option in new[] { "--repo", "--branch", "--git-host", "--prometheus", "-o, --output", "--verbose" })
        {
            Assert.Matches($"(?m)^  {option}[ <]", help);
        }
    }
}
