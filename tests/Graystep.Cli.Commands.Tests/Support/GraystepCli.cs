using Graystep.Core.Abstractions;
using Graystep.Rendering.IO;
using Graystep.TestKit;

namespace Graystep.Cli.Commands.Tests.Support;

/// <summary>What one in-process run of the CLI printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Error}";
}

/// <summary>An environment with only the variables a test sets: no CI variables leak in from the machine.</summary>
internal sealed class FakeEnvironment(IReadOnlyDictionary<string, string>? variables = null) : IEnvironment
{
    public string? GetVariable(string name) => variables is not null && variables.TryGetValue(name, out var value) ? value : null;
}

/// <summary>Runs <c>graystep</c> in-process through <see cref="GraystepApp.RunAsync"/>, on the real file system.</summary>
internal static class GraystepCli
{
    public static CliResult Run(string workingDirectory, params string[] args) => Run(workingDirectory, null, null, args);

    public static CliResult Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeProvider? time, params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var context = new CliContext(
            output,
            error,
            new FakeEnvironment(environment),
            new PhysicalFileSystem(),
            time ?? new FakeTimeProvider(TestClock.Start),
            workingDirectory,
            () => throw new InvalidOperationException("validate and render must not touch the network"));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var code = GraystepApp.RunAsync(args, context, cancellation.Token).GetAwaiter().GetResult();
        return new CliResult(code, Normalize(output.ToString()), Normalize(error.ToString()));
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}
