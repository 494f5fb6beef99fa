using Graystep.Cli.Commands.Tests.Support;
using Graystep.Rendering.IO;
using Graystep.TestKit;

namespace Graystep.Cli.Commands.Tests.Report;

/// <summary>A temporary folder with a crafted rollout, pushed to a bare remote, and <c>graystep</c> run in process against it.</summary>
internal sealed class ReportRig : IDisposable
{
    private readonly TempDirectory _temp = new("graystep-report");
    private readonly Dictionary<string, string> _environment;

    public ReportRig(DateTimeOffset seedAt, string? metricsServer = null)
    {
        Rollout = CraftedRollout.Create(_temp.Path, seedAt, metricsServer);
        Remote = _temp.Combine("remote.git");
        _environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? string.Empty,
            ["HOME"] = _temp.Combine("home"),
            ["GRAYSTEP_WORKSPACE"] = _temp.Combine("workspaces"),
        };
        Directory.CreateDirectory(_environment["HOME"]);
    }

    public CraftedRollout Rollout { get; }

    public string Remote { get; }

    public string Folder => _temp.Path;

    public string Combine(string name) => _temp.Combine(name);

    /// <summary>Pushes what was crafted, then runs <c>graystep ARGS --repo REMOTE</c> with the real HTTP stack.</summary>
    public CliResult Run(TimeProvider time, params string[] args)
    {
        RawGit.Run(Rollout.Checkout, "push", "-q", "origin", "main");
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var context = new CliContext(
            output,
            error,
            new FakeEnvironment(_environment),
            new PhysicalFileSystem(),
            time,
            _temp.Path,
            () => new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) });
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var code = GraystepApp.RunAsync([.. args, "--repo", Remote], context, cancellation.Token).GetAwaiter().GetResult();
        return new CliResult(code, output.ToString(), error.ToString());
    }

    public void Dispose() => _temp.Dispose();
}
