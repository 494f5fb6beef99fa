namespace Graystep.Core.History;

/// <summary>
/// Who Graystep's commits are by (author and committer alike): <c>GRAYSTEP_GIT_AUTHOR_NAME</c>/<c>_EMAIL</c>, else
/// the identity the CI system gives the job, else <see cref="Default"/>, field by field (the settings decide).
/// </summary>
public sealed record GitIdentity(string Name, string Email)
{
    public static GitIdentity Default { get; } = new("Graystep", "graystep@users.noreply.local");
}
