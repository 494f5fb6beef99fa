using Graystep.Core.Abstractions;

namespace Graystep.Git;

/// <summary>Turns git's words about a remote into errors that name the cause and the fix.</summary>
internal static class RemoteErrors
{
    public static bool IsAuthFailure(string text) =>
        Contains(text, "Authentication failed")
        || Contains(text, "could not read Username")
        || Contains(text, "could not read Password")
        || Contains(text, "terminal prompts disabled")
        || Contains(text, "Permission denied")
        || Contains(text, "Host key verification failed")
        || Contains(text, "The requested URL returned error: 401")
        || Contains(text, "The requested URL returned error: 403")
        || Contains(text, "Write access to repository not granted");

    public static bool IsMissingBranch(string text) =>
        Contains(text, "couldn't find remote ref") || (Contains(text, "Remote branch") && Contains(text, "not found in upstream"));

    public static bool IsMissingRepository(string text) =>
        Contains(text, "does not appear to be a git repository")
        || Contains(text, "Repository not found")
        || Contains(text, "The requested URL returned error: 404")
        || (Contains(text, "repository") && Contains(text, "not found"))
        || Contains(text, "does not exist");

    /// <summary>
    /// As <see cref="Classify"/>, and for a missing branch also lists the branches the remote has
    /// (<paramref name="remote"/> is a URL, or a remote name when <paramref name="workingDirectory"/> is a repository).
    /// </summary>
    public static async Task<GitException> ClassifyAsync(
        GitCli git,
        string? workingDirectory,
        string remote,
        IReadOnlyList<string> arguments,
        ProcessResult result,
        string url,
        string? branch,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<string>? branches = null;
        if (branch is not null && IsMissingBranch(result.Stderr + result.Stdout))
        {
            var heads = await git.RunAsync(workingDirectory, ["ls-remote", "--heads", remote], new GitRunOptions { AllowFailure = true }, cancellationToken).ConfigureAwait(false);
            if (heads.ExitCode == 0)
            {
                branches = heads.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(line => line.Split('\t').Last().Trim())
                    .Select(r => r.StartsWith("refs/heads/", StringComparison.Ordinal) ? r["refs/heads/".Length..] : r)
                    .ToList();
            }
        }

        return Classify(arguments, result, url, branch, branches);
    }

    /// <summary>An exception for a failed clone, fetch or ls-remote of <paramref name="url"/> (credentials already stripped).</summary>
    public static GitException Classify(IReadOnlyList<string> arguments, ProcessResult result, string url, string? branch, IReadOnlyList<string>? knownBranches = null)
    {
        var text = result.Stderr + "\n" + result.Stdout;
        if (branch is not null && IsMissingBranch(text))
        {
            string hint;
            if (knownBranches is { Count: 0 })
            {
                hint = $"the repository is empty: push a first commit to '{branch}' (git push origin HEAD:{branch}), then run again";
            }
            else
            {
                var existing = knownBranches is null ? string.Empty : $" (the remote has: {string.Join(", ", knownBranches.Take(10))}{(knownBranches.Count > 10 ? ", ..." : string.Empty)})";
                hint = $"pass --branch (GRAYSTEP_BRANCH) with an existing branch{existing}, or create '{branch}' first (git push origin HEAD:{branch})";
            }

            return GitCli.Failure(arguments, result, $"branch '{branch}' does not exist in {url}", hint);
        }

        if (IsAuthFailure(text))
        {
            return GitCli.Failure(
                arguments,
                result,
                $"could not authenticate to {url}",
                "configure credentials for git before Graystep runs (the CI checkout's token, a credential helper, or an SSH key); Graystep never prompts");
        }

        if (IsMissingRepository(text))
        {
            return GitCli.Failure(
                arguments,
                result,
                $"repository {url} does not exist or is not accessible",
                "check --repo (GRAYSTEP_REPO): a path to a checkout or bare repository, or a URL the CI credentials can read");
        }

        return GitCli.Failure(arguments, result, $"could not reach {url}", "check --repo and the network access to the remote");
    }

    private static bool Contains(string text, string value) => text.Contains(value, StringComparison.OrdinalIgnoreCase);
}
