using Graystep.Core.Abstractions;

namespace Graystep.Git;

/// <summary>Who Graystep's commits are by (author and committer alike).</summary>
public sealed record GitIdentity(string Name, string Email)
{
    public static GitIdentity Default { get; } = new("Graystep", "graystep@users.noreply.local");

    /// <summary>
    /// <c>GRAYSTEP_GIT_AUTHOR_NAME</c>/<c>_EMAIL</c> first, then the identity the CI system gives the job (the GitHub
    /// actor with their no-reply address; the Azure DevOps requester), then <see cref="Default"/>, field by field.
    /// </summary>
    public static GitIdentity FromEnvironment(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var ci = CiIdentity(environment);
        return new GitIdentity(
            NonEmpty(environment.GetVariable("GRAYSTEP_GIT_AUTHOR_NAME")) ?? ci?.Name ?? Default.Name,
            NonEmpty(environment.GetVariable("GRAYSTEP_GIT_AUTHOR_EMAIL")) ?? ci?.Email ?? Default.Email);
    }

    private static GitIdentity? CiIdentity(IEnvironment environment)
    {
        var actor = NonEmpty(environment.GetVariable("GITHUB_ACTOR"));
        if (CiDetection.IsTrue(environment.GetVariable("GITHUB_ACTIONS")) && actor is not null)
        {
            // GitHub links "<id>+<login>@users.noreply.github.com" to the account; the plain form is the older fallback.
            var id = NonEmpty(environment.GetVariable("GITHUB_ACTOR_ID"));
            return new GitIdentity(actor, id is null ? $"{actor}@users.noreply.github.com" : $"{id}+{actor}@users.noreply.github.com");
        }

        var requester = NonEmpty(environment.GetVariable("BUILD_REQUESTEDFOR"));
        var requesterEmail = NonEmpty(environment.GetVariable("BUILD_REQUESTEDFOREMAIL"));
        if (CiDetection.IsTrue(environment.GetVariable("TF_BUILD")) && requester is not null && requesterEmail is not null)
        {
            return new GitIdentity(requester, requesterEmail);
        }

        return null;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>Whether Graystep runs under a CI system, which decides whether a checkout may be reused in place.</summary>
public static class CiDetection
{
    public static bool IsCi(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return IsTrue(environment.GetVariable("CI"))
            || IsTrue(environment.GetVariable("GITHUB_ACTIONS"))
            || IsTrue(environment.GetVariable("TF_BUILD"))
            || !string.IsNullOrWhiteSpace(environment.GetVariable("JENKINS_URL"));
    }

    internal static bool IsTrue(string? value) =>
        string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase) || value?.Trim() == "1";
}
