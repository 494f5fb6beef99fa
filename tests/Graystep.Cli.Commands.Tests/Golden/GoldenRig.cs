using System.Globalization;
using System.Text;
using Graystep.Cli.Commands.Tests.Support;
using Graystep.Core.History;
using Graystep.Rendering.IO;
using Graystep.TestKit;

namespace Graystep.Cli.Commands.Tests.Golden;

/// <summary>
/// One example in a real bare remote, seeded at a fixed date, driven through the real CLI in process with a
/// <see cref="JumpingClock"/> and <see cref="GoldenHttp"/>. Every command's exit code, stdout and stderr, then every
/// commit on the remote (SHA, author, date, message, changed files) and every request made go into one transcript,
/// which a snapshot pins byte for byte: the same inputs must give the same commits and the same output.
/// </summary>
internal sealed class GoldenRig : IDisposable
{
    public static readonly DateTimeOffset SeedDate = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _temp = new("graystep-golden");
    private readonly StringBuilder _transcript = new();
    private readonly Dictionary<string, string> _environment;
    private readonly string _seedSha;

    public GoldenRig(string example, string specFile, Func<string, string> metricValue, params (string Find, string Replace)[] tweaks)
    {
        Clock = new JumpingClock(Start);
        Http = new GoldenHttp(metricValue);
        Remote = _temp.Combine("remote.git");
        _environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? string.Empty,
            ["HOME"] = _temp.Combine("home"),
            ["GRAYSTEP_WORKSPACE"] = _temp.Combine("workspaces"),
        };
        Directory.CreateDirectory(_environment["HOME"]);

        var seeded = ExampleRemote.Create(_temp.Path, example, specFile, tweaks, committedAt: SeedDate);
        Directory.Delete(seeded.Seed, recursive: true);
        _seedSha = seeded.SeedSha;
        Spec = seeded.SpecPath;
    }

    public JumpingClock Clock { get; }

    public GoldenHttp Http { get; }

    public string Remote { get; }

    /// <summary>The spec's path in the repository.</summary>
    public string Spec { get; }

    /// <summary>Runs <c>graystep ARGS --repo REMOTE</c> in process and adds it to the transcript.</summary>
    public CliResult Run(params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var context = new CliContext(
            output,
            error,
            new FakeEnvironment(_environment),
            new PhysicalFileSystem(),
            Clock,
            _temp.Path,
            Http.CreateHandler);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var code = GraystepApp.RunAsync([.. args, "--repo", Remote], context, cancellation.Token).GetAwaiter().GetResult();
        var result = new CliResult(code, Normalize(output.ToString()), Normalize(error.ToString()));
        _transcript.Append("$ graystep ").Append(string.Join(' ', args)).Append('\n')
            .Append(CultureInfo.InvariantCulture, $"exit {result.ExitCode}\n")
            .Append("--- stdout\n").Append(result.Out)
            .Append("--- stderr\n").Append(result.Error)
            .Append('\n');
        if (Environment.GetEnvironmentVariable("GRAYSTEP_GOLDEN_DEBUG") is { Length: > 0 } debug)
        {
            File.WriteAllText(Path.Combine(debug, Path.GetFileName(Spec) + ".log"), _transcript.ToString());
        }

        return result;
    }

    /// <summary>The transcript, then the remote's history and the requests made: what the snapshot pins.</summary>
    public string Transcript()
    {
        var text = new StringBuilder(_transcript.ToString());
        text.Append("== commits on main, oldest first\n");
        foreach (var commit in RawGit.Log(Remote))
        {
            text.Append("commit ").Append(commit.Sha == _seedSha ? commit.Sha + " (seed)" : commit.Sha).Append('\n')
                .Append("author ").Append(commit.AuthorName).Append(" <").Append(commit.AuthorEmail).Append(">\n")
                .Append("committer ").Append(commit.Committer).Append('\n')
                .Append("date ").Append(commit.CommittedAt.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture)).Append('\n');
            if (commit.Sha != _seedSha)
            {
                text.Append(Indent(CommitMessageFormat.Format(commit.Message)))
                    .Append(Indent(RawGit.Run(Remote, "diff-tree", "--no-commit-id", "--name-status", "-r", commit.Sha)));
            }

            text.Append('\n');
        }

        text.Append("== requests\n");
        foreach (var request in Http.Seen)
        {
            text.Append(request).Append('\n');
        }

        return Normalize(text.ToString());
    }

    public void Dispose() => _temp.Dispose();

    private static string Indent(string block) =>
        string.Concat(block.TrimEnd('\n').Split('\n').Select(line => ("    " + line).TrimEnd() + "\n"));

    private string Normalize(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace(_temp.Path, "<tmp>", StringComparison.Ordinal);
}
