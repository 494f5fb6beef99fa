using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Core.Hosts;
using Graystep.Core.Rollouts;
using Graystep.Core.Secrets;
using Graystep.Core.Spec;
using Graystep.Engine.Rollouts;

namespace Graystep.Engine.Publishing;

/// <summary>How a rollout's transitions reach its branch, as its spec asks.</summary>
public static class Publishers
{
    /// <summary>
    /// Straight commits, unless the spec asks for pull requests, which need a git host that has them. Dispose what
    /// is returned: a pull-request host holds an HTTP client.
    /// </summary>
    public static ITransitionPublisher For(
        RolloutState state, RolloutStore store, IGitHost host, GitHostRegistry hosts, string remoteUrl, IRemoteBranches branches, IRolloutObserver observer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(hosts);
        if (!state.Spec.Git.PullRequests)
        {
            return new DirectPublisher(store);
        }

        var pullRequests = host.HasPullRequests ? host.PullRequests(remoteUrl) : null;
        if (pullRequests is null)
        {
            var alternatives = hosts.Providers.Where(h => h.HasPullRequests).Select(h => $"pass --git-host {h.Id} (GRAYSTEP_GIT_HOST) for a {h.Name} repository");
            throw new GraystepException(
                $"{state.Spec.File}: git.pullRequests is true, but pull requests need a git host that has them: {UrlCredentials.Redact(remoteUrl)} is used as plain git (--git-host {host.Id})",
                ExitCodes.Usage,
                string.Join(", or ", alternatives) + ", or set git.pullRequests: false to commit each step straight to the branch");
        }

        if (!host.MergeMethods.Contains(state.Spec.Git.MergeMethod))
        {
            pullRequests.Dispose();
            var method = state.Spec.Git.MergeMethod;
            throw new GraystepException(
                $"{state.Spec.File}: git.mergeMethod {MergeMethodNames.Of(method)} is not a merge {host.Name} pull requests can complete with",
                ExitCodes.InvalidSpec,
                "use " + string.Join(", ", host.MergeMethods.Select(MergeMethodNames.Of)) + " for a " + host.Name + " repository");
        }

        return new PullRequestPublisher(store, pullRequests, branches, observer);
    }
}
