using Graystep.Core.Errors;

namespace Graystep.Git;

/// <summary>
/// A git command failed. <see cref="Exception.Message"/> carries git's own words; <see cref="Command"/> is the
/// command line with any credentials removed, so both are safe to print.
/// </summary>
public sealed class GitException : GraystepException
{
    public GitException(string message, string command, int gitExitCode, string gitMessage, string? hint = null, Exception? inner = null, string? summary = null)
        : base(message, ExitCodes.Failure, hint, inner)
    {
        Command = command;
        GitExitCode = gitExitCode;
        GitMessage = gitMessage;
        Summary = summary ?? message;
    }

    public GitException()
        : this("git failed", "git", -1, string.Empty)
    {
    }

    public GitException(string message)
        : this(message, "git", -1, string.Empty)
    {
    }

    public GitException(string message, Exception inner)
        : this(message, "git", -1, string.Empty, null, inner)
    {
    }

    /// <summary>The command as run, credentials redacted, e.g. <c>git push --porcelain origin refs/heads/main</c>.</summary>
    public string Command { get; }

    /// <summary>git's exit code; -1 when git did not run.</summary>
    public int GitExitCode { get; }

    /// <summary>What git printed (stderr, hints removed, credentials redacted).</summary>
    public string GitMessage { get; }

    /// <summary>
    /// One line in Graystep's words: what failed, without git's own message or the command (the CLI prints those
    /// below it). <see cref="Exception.Message"/> holds all three.
    /// </summary>
    public string Summary { get; }
}
