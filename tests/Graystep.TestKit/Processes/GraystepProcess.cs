using Xunit;

namespace Graystep.TestKit.Processes;

/// <summary>
/// The published CLI (<see cref="RepoPaths.GraystepExecutable"/>, made by <c>./build.sh publish</c>) run as a child
/// process, as a pipeline runs it: a clean environment (no CI, Graystep or git settings of the machine running the
/// tests) plus what the test gives, and every wait bounded.
/// </summary>
public static class GraystepProcess
{
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromMinutes(3);

    public static string Executable
    {
        get
        {
            var path = RepoPaths.GraystepExecutable;
            Assert.True(File.Exists(path), $"{path} is missing: run ./build.sh publish first (./build.sh test does it before the tests)");
            return path;
        }
    }

    public static ChildProcess Start(IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null) =>
        ChildProcess.Start(Executable, args, workingDirectory, environment);

    public static Task<ChildProcessResult> RunAsync(IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null) =>
        ChildProcess.RunAsync(Executable, args, workingDirectory, timeout ?? DefaultTimeout, environment);
}
