using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.Secrets;

namespace Graystep.Git;

/// <summary>Per-call settings for <see cref="GitCli"/>.</summary>
public sealed record GitRunOptions
{
    public static GitRunOptions Default { get; } = new();

    /// <summary>Text written to git's stdin (commit messages go this way, never through a shell).</summary>
    public string? StandardInput { get; init; }

    /// <summary>Extra variables for this call only (for example the author identity); null removes one.</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    /// <summary>When true a non-zero exit is returned to the caller instead of raising <see cref="GitException"/>.</summary>
    public bool AllowFailure { get; init; }
}

/// <summary>
/// Runs the <c>git</c> command line the way a CI step must: never prompting for anything, with stable English
/// output (<c>LC_ALL=C</c>) that can be parsed, and with every failure raised as a <see cref="GitException"/> that
/// carries git's own message and a secret-free command line.
/// </summary>
public sealed partial class GitCli
{
    public const string MissingGitMessage = "git is not installed or not on PATH; install git 2.25+";

    private static readonly Version MinimumVersion = new(2, 25);

    private readonly IProcessRunner _runner;
    private readonly IEnvironment _environment;
    private readonly Lazy<Task<string>> _executable;
    private readonly IReadOnlyDictionary<string, string?> _session = new Dictionary<string, string?>(StringComparer.Ordinal);

    public GitCli(IProcessRunner runner, IEnvironment environment)
    {
        _runner = runner ?? throw new ArgumentNullException(nameof(runner));
        _environment = environment ?? throw new ArgumentNullException(nameof(environment));
        _executable = new(ResolveAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private GitCli(GitCli from, IReadOnlyDictionary<string, string?> session)
    {
        _runner = from._runner;
        _environment = from._environment;
        _executable = from._executable;
        _session = session;
    }

    /// <summary>The environment git runs in: where in-process code reads what git would read (its attributes file).</summary>
    internal IEnvironment Environment => _environment;

    /// <summary>
    /// The same git with <paramref name="variables"/> set for every call it makes: how a credential reaches git
    /// per command (in the environment, never in argv or a config file).
    /// </summary>
    public GitCli WithEnvironment(IReadOnlyDictionary<string, string?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var session = new Dictionary<string, string?>(_session, StringComparer.Ordinal);
        foreach (var (name, value) in variables)
        {
            session[name] = value;
        }

        return new GitCli(this, session);
    }

    /// <summary>Variables set for every git call. A null value removes the variable from git's environment.</summary>
    internal static IReadOnlyDictionary<string, string?> BaseEnvironment { get; } = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["LC_ALL"] = "C",
        ["GIT_TERMINAL_PROMPT"] = "0",
        // Empty, not unset: git then skips core.askPass and SSH_ASKPASS instead of falling back to them.
        ["GIT_ASKPASS"] = string.Empty,
        ["SSH_ASKPASS"] = null,
        ["GCM_INTERACTIVE"] = "never",
        // Read-only commands (status) must not refresh and rewrite the index of a checkout that is not ours.
        ["GIT_OPTIONAL_LOCKS"] = "0",
        ["GIT_PAGER"] = "cat",
        // Inherited from a surrounding hook or script, these would point every command at another repository.
        ["GIT_DIR"] = null,
        ["GIT_WORK_TREE"] = null,
        ["GIT_INDEX_FILE"] = null,
        ["GIT_COMMON_DIR"] = null,
        ["GIT_OBJECT_DIRECTORY"] = null,
        ["GIT_ALTERNATE_OBJECT_DIRECTORIES"] = null,
        ["GIT_NAMESPACE"] = null,
    };

    public Task<ProcessResult> RunAsync(string? workingDirectory, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(workingDirectory, arguments, GitRunOptions.Default, cancellationToken);

    public async Task<ProcessResult> RunAsync(
        string? workingDirectory,
        IReadOnlyList<string> arguments,
        GitRunOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(options);
        var executable = await _executable.Value.ConfigureAwait(false);

        var environment = new Dictionary<string, string?>(BaseEnvironment, StringComparer.Ordinal);
        foreach (var (name, value) in _session)
        {
            environment[name] = value;
        }

        if (options.Environment is not null)
        {
            foreach (var (name, value) in options.Environment)
            {
                environment[name] = value;
            }
        }

        string[] fullArguments = ["-c", "core.quotepath=off", "-c", "advice.detachedHead=false", .. arguments];
        ProcessResult result;
        try
        {
            result = await _runner.RunAsync(executable, fullArguments, workingDirectory, environment, options.StandardInput, cancellationToken).ConfigureAwait(false);
        }
        catch (GraystepException ex) when (ex is not GitException)
        {
            // The binary vanished between resolution and use, or cannot be executed.
            throw new GitException(MissingGitMessage, Describe(arguments), -1, ex.Message, null, ex);
        }

        if (result.ExitCode != 0 && !options.AllowFailure)
        {
            throw Failure(arguments, result);
        }

        return result;
    }

    /// <summary>The exception for a failed command: git's message (hints dropped, credentials redacted) and the command.</summary>
    public static GitException Failure(IReadOnlyList<string> arguments, ProcessResult result, string? summary = null, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(result);
        var command = Describe(arguments);
        var gitMessage = CleanMessage(result.Stderr);
        if (gitMessage.Length == 0)
        {
            gitMessage = CleanMessage(result.Stdout);
        }

        var verb = arguments.FirstOrDefault(a => !a.StartsWith('-')) ?? "command";
        summary ??= $"git {verb} failed";
        var text = new StringBuilder(summary);
        if (gitMessage.Length > 0)
        {
            text.Append(": ").Append(gitMessage);
        }

        text.Append(" (command: ").Append(command).Append(')');
        return new GitException(text.ToString(), command, result.ExitCode, gitMessage, hint, summary: summary);
    }

    /// <summary>The command line for people: quoted where needed, credentials redacted.</summary>
    public static string Describe(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var parts = arguments.Select(a => a.Length == 0 || a.Any(char.IsWhiteSpace) || a.Contains('\'', StringComparison.Ordinal)
            ? "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"
            : a);
        return UrlCredentials.Redact("git " + string.Join(' ', parts));
    }

    /// <summary>git's message without its advice lines, trimmed and with credentials redacted.</summary>
    internal static string CleanMessage(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal)
            .Split('\n')
            .Select(l => l.TrimEnd())
            .Where(l => l.Length > 0 && !l.StartsWith("hint:", StringComparison.Ordinal));
        return UrlCredentials.Redact(string.Join('\n', lines).Trim());
    }

    private async Task<string> ResolveAsync()
    {
        var executable = FindOnPath();
        if (executable is null)
        {
            throw new GitException(MissingGitMessage, "git --version", -1, string.Empty, "install git and make sure the directory that holds it is on PATH");
        }

        ProcessResult result;
        try
        {
            result = await _runner.RunAsync(executable, ["--version"], null, BaseEnvironment, null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (GraystepException ex)
        {
            throw new GitException(MissingGitMessage, "git --version", -1, ex.Message, null, ex);
        }

        var match = VersionPattern().Match(result.Stdout);
        if (result.ExitCode != 0 || !match.Success)
        {
            throw new GitException($"{executable} does not look like git ('git --version' printed '{result.Stdout.Trim()}'); install git 2.25+", "git --version", result.ExitCode, CleanMessage(result.Stderr));
        }

        var version = new Version(
            int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        if (version < MinimumVersion)
        {
            throw new GitException($"git {version} is too old; install git 2.25+ (sparse checkout and partial clone need it)", "git --version", 0, string.Empty);
        }

        return executable;
    }

    /// <summary>Finds git on the PATH that <see cref="IEnvironment"/> reports, so tests can point it at a folder without git.</summary>
    private string? FindOnPath()
    {
        var path = _environment.GetVariable("PATH") ?? string.Empty;
        string[] names = OperatingSystem.IsWindows() ? ["git.exe", "git.cmd"] : ["git"];
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            foreach (var name in names)
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    [GeneratedRegex(@"git version (\d+)\.(\d+)")]
    private static partial Regex VersionPattern();
}
