namespace Graystep.Core.Errors;

/// <summary>Exit codes pinned by DESIGN.md §5.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int InvalidSpec = 3;
    public const int RolledBack = 4;
    public const int InProgress = 5;
}

/// <summary>
/// A failure the user can act on. The top-level handler prints <c>error: {Message}</c> and, when set,
/// <c>hint: {Hint}</c>, then exits with <see cref="ExitCode"/>. Anything else is a bug.
/// </summary>
public class GraystepException : Exception
{
    public GraystepException(string message, int exitCode = ExitCodes.Failure, string? hint = null, Exception? inner = null)
        : base(message, inner)
    {
        ExitCode = exitCode;
        Hint = hint;
    }

    public GraystepException()
        : this("graystep failed")
    {
    }

    public GraystepException(string message)
        : this(message, ExitCodes.Failure)
    {
    }

    public GraystepException(string message, Exception inner)
        : this(message, ExitCodes.Failure, null, inner)
    {
    }

    public int ExitCode { get; }

    public string? Hint { get; }
}
