using System.Globalization;
using System.Text;
using Graystep.Core.Abstractions;
using Graystep.Core.History;
using Graystep.Core.Hosts;
using Graystep.Core.Reports;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using Graystep.Engine.Rollouts;

namespace Graystep.Engine.Publishing;

/// <summary>
/// One pull request per transition (DESIGN.md §7): the transition's commit goes to a deterministic step branch
/// (<see cref="StepBranch"/>), a pull request into the rollout's branch carries it, a commit status
/// <c>graystep/&lt;name&gt;</c> on its head reports the gate, and it is merged with the head-SHA guard once the
/// spec's approvals allow it. Rollbacks never wait for a person. Every call re-reads the pull request, so a re-run
/// after a killed job finds the same pull request and carries on from where it stands.
/// </summary>
public sealed class PullRequestPublisher : ITransitionPublisher, IDisposable
{
    /// <summary>The line in a merged transition's message that names its pull request; the next one links back to it.</summary>
    public const string PullRequestLine = "Pull request: ";

    private readonly RolloutStore _store;
    private readonly IPullRequestHost _host;
    private readonly IRemoteBranches _branches;
    private readonly IRolloutObserver _observer;
    private readonly Dictionary<string, (GateState State, string Description)> _posted = new(StringComparer.OrdinalIgnoreCase);

    public PullRequestPublisher(RolloutStore store, IPullRequestHost host, IRemoteBranches branches, IRolloutObserver? observer = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _branches = branches ?? throw new ArgumentNullException(nameof(branches));
        _observer = observer ?? SilentObserver.Instance;
    }

    /// <summary>Disposes the pull-request operations it was given (a host holds an HTTP client).</summary>
    public void Dispose() => _host.Dispose();

    /// <summary>Whether a person must approve <paramref name="action"/>'s pull request: weight steps and promotion, as the spec asks.</summary>
    public static bool RequiresApproval(RolloutSpec spec, RolloutAction action)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return action switch
        {
            RolloutAction.Step or RolloutAction.SetWeight => spec.Approvals.Steps,
            RolloutAction.Promote => spec.Approvals.Promotion,
            _ => false,
        };
    }

    public async Task<PublishResult> PublishAsync(RolloutState state, Transition transition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(transition);
        var workspace = _store.Workspace;
        var basis = state.StatusCommit?.Sha ?? await workspace.HeadAsync(cancellationToken).ConfigureAwait(false);
        var branch = StepBranch.For(state.Spec, transition, basis);

        var found = await _host.FindAsync(branch, workspace.Branch, cancellationToken).ConfigureAwait(false);
        var pull = found.FirstOrDefault(p => p.Lifecycle == PullRequestLifecycle.Open);
        if (pull is null)
        {
            switch (found.FirstOrDefault())
            {
                case { Lifecycle: PullRequestLifecycle.ClosedUnmerged } closed:
                    return Stopped(state, transition, closed);
                case { Lifecycle: PullRequestLifecycle.Merged }:
                    // It landed, but the branch we read does not show it yet.
                    return new PublishResult.BranchMoved();
            }

            await CloseOthersAsync(
                state.Spec,
                keep: p => StepBranch.DecidedOn(p.HeadBranch, basis),
                $"moved on since it was opened, so it can no longer be merged as it is. Next: {transition.Message.Subject}.",
                cancellationToken).ConfigureAwait(false);
            pull = await OpenAsync(state, transition, branch, cancellationToken).ConfigureAwait(false);
        }

        var result = await GateAndMergeAsync(state.Spec, transition, pull, cancellationToken).ConfigureAwait(false);
        if (result is PublishResult.Published)
        {
            // Whatever else was open for this rollout was decided on the state this merge just replaced.
            await CloseOthersAsync(
                state.Spec,
                keep: p => p.Number == pull.Number,
                $"moved on with #{Num(pull.Number)} ({transition.Message.Subject}), so this one can no longer be merged as it is.",
                cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private async Task<PullRequestInfo> OpenAsync(RolloutState state, Transition transition, string branch, CancellationToken ct)
    {
        var workspace = _store.Workspace;
        var sha = await _store.CommitAsync(state, transition, ct).ConfigureAwait(false);

        // The rollout so far, this commit included: the charts of the description.
        var log = await workspace.LogAsync(state.Loaded.OutputPath, HistoryReader.MaxCommits, ct).ConfigureAwait(false);
        var decisions = DecisionRecords.Latest(DecisionRecords.From(log, state.Spec.Id)).Records;

        // BranchMoved: the branch is there already, pushed by a run that was killed before it opened the pull request.
        // Its commit was decided on this same state (the branch name says so), so it is opened as it is.
        _ = await _branches.PushBranchAsync(sha, branch, ct).ConfigureAwait(false);
        var pull = await _host.OpenOrReuseAsync(
            new PullRequestRequest(workspace.Branch, branch, sha, transition.Message.Subject, Body(state, transition, decisions)),
            ct).ConfigureAwait(false);

        // The step's commit lives on its own branch; the workspace goes back to the rollout's branch as it is.
        await workspace.RefreshAsync(ct).ConfigureAwait(false);
        _observer.Info($"opened pull request #{Num(pull.Number)} {pull.Url} from {branch}");
        return pull;
    }

    private async Task<PublishResult> GateAndMergeAsync(RolloutSpec spec, Transition transition, PullRequestInfo pull, CancellationToken ct)
    {
        var number = Num(pull.Number);
        var approval = RequiresApproval(spec, transition.Action);
        if (approval && pull.Review != ReviewDecision.Approved)
        {
            var blocked = pull.Review == ReviewDecision.ChangesRequested;
            await StatusAsync(spec, pull.HeadSha,
                blocked ? GateState.Failure : GateState.Pending,
                blocked ? "changes requested: the step waits until a reviewer approves" : "waiting for a reviewer's approval",
                ct).ConfigureAwait(false);
            return new PublishResult.Waiting(
                blocked
                    ? $"pull request #{number} has changes requested; waiting for a reviewer to approve it ({pull.Url})"
                    : $"pull request #{number} waits for approval ({pull.Url})",
                pull.OpenedAt,
                ForApproval: true);
        }

        var why = approval ? "approved; merging"
            : transition.Action == RolloutAction.Rollback ? "rollback: merging without waiting for approval"
            : "no approval required; merging";
        await StatusAsync(spec, pull.HeadSha, GateState.Success, why, ct).ConfigureAwait(false);

        var outcome = await _host.MergeAsync(pull.Number, pull.HeadSha, spec.Git.MergeMethod, transition.Message.Subject, MergeMessage(transition, pull), ct)
            .ConfigureAwait(false);
        switch (outcome)
        {
            case MergeOutcome.Merged merged:
                await _host.DeleteBranchAsync(pull.HeadBranch, ct).ConfigureAwait(false);
                await _store.Workspace.RefreshAsync(ct).ConfigureAwait(false);
                _observer.Info($"merged pull request #{number} ({MergeMethodName(spec.Git.MergeMethod)}) and deleted {pull.HeadBranch}");
                return new PublishResult.Published(merged.MergeCommitSha);

            case MergeOutcome.HeadMoved moved:
                // Someone pushed to the step branch after we read it: never merge a head we did not judge.
                _observer.Info($"pull request #{number}: the head moved ({moved.Message}); reading it again");
                return new PublishResult.BranchMoved();

            default:
                var message = ((MergeOutcome.NotMergeable)outcome).Message;
                return new PublishResult.Waiting($"pull request #{number} cannot be merged yet: {message} ({pull.Url})", pull.OpenedAt, ForApproval: false);
        }
    }

    /// <summary>
    /// Closes this rollout's open pull requests that were decided on an older state: they can never be right again.
    /// Before opening one, those decided on the current state stay: they are alternatives (a hand-made promotion
    /// beside a step), and whichever lands first makes the others stale; after a merge, all others go.
    /// </summary>
    private async Task CloseOthersAsync(RolloutSpec spec, Func<PullRequestInfo, bool> keep, string why, CancellationToken ct)
    {
        var open = await _host.ListOpenAsync(StepBranch.Prefix(spec), _store.Workspace.Branch, ct).ConfigureAwait(false);
        foreach (var stale in open.Where(p => !keep(p)))
        {
            await _host.CommentAsync(stale.Number, $"Graystep closed this pull request: {spec.Id} {why}", ct).ConfigureAwait(false);

            // Deleting the head branch closes the pull request.
            await _host.DeleteBranchAsync(stale.HeadBranch, ct).ConfigureAwait(false);
            _observer.Info($"closed pull request #{Num(stale.Number)}: it was decided on an older state of {spec.Id}");
        }
    }

    private async Task StatusAsync(RolloutSpec spec, string sha, GateState gate, string description, CancellationToken ct)
    {
        // Once per change: a wait polls often, and every call counts against the rate limit.
        if (_posted.TryGetValue(sha, out var last) && last == (gate, description))
        {
            return;
        }

        await _host.SetStatusAsync(sha, spec.Name, gate, description, ct).ConfigureAwait(false);
        _posted[sha] = (gate, description);
    }

    private static PublishResult.Stopped Stopped(RolloutState state, Transition transition, PullRequestInfo closed)
    {
        var status = state.Status;
        var where = status is not null && RolloutTransitions.IsActive(status)
            ? string.Create(CultureInfo.InvariantCulture, $"{status.Canary!.Name} stays at {status.Traffic.CanaryWeight}% (step {status.StepIndex}/{status.StepCount})")
            : "nothing was changed";
        var reason = $"pull request #{Num(closed.Number)} ({transition.Message.Subject}) was closed without merging: the rollout is stopped; {where}";
        var hint = status is not null && RolloutTransitions.IsActive(status) && transition.Action != RolloutAction.Rollback
            ? $"reopen pull request #{Num(closed.Number)} ({closed.Url}) and run again to continue, or run 'graystep rollback' to send all traffic back to {status.Stable.Name}"
            : $"reopen pull request #{Num(closed.Number)} ({closed.Url}) and run again to continue";
        return new PublishResult.Stopped(reason, hint);
    }

    /// <summary>
    /// The pull request's description: the commit's body, the charts of the rollout so far (the canary weight and,
    /// with the sequential judge, its ratio and interval per metric, as Mermaid that GitHub renders), the link to the
    /// previous step, and what the pull request waits for.
    /// </summary>
    internal static string Body(RolloutState state, Transition transition, IReadOnlyList<DecisionRecord> decisions)
    {
        var spec = state.Spec;
        var text = new StringBuilder();
        text.Append("```text\n").Append(transition.Message.Body.TrimEnd()).Append("\n```\n");
        if (decisions.Count > 0)
        {
            text.Append('\n').Append(MermaidCharts.Weight(spec.Id, [.. decisions.Select(d => (d.Time, d.Weight))]));
            if (MermaidCharts.JudgeRatios(decisions) is { Length: > 0 } ratios)
            {
                text.Append('\n').Append(ratios);
            }
        }
        if (PreviousPullRequest(state) is { } previous)
        {
            text.Append("\nPrevious step: ").Append(previous).Append('\n');
        }

        text.Append("\n---\n");
        var gate = transition.Action switch
        {
            RolloutAction.Rollback => "A rollback never waits for approval: Graystep merges it at once.",
            _ when RequiresApproval(spec, transition.Action) =>
                $"A reviewer must approve it (approvals.{(transition.Action == RolloutAction.Promote ? "promotion" : "steps")}); Graystep merges it once approved. "
                + "Changes requested hold it. Closing it without merging stops the rollout.",
            _ => "No approval is required: Graystep merges it at once.",
        };
        text.Append(CultureInfo.InvariantCulture, $"Opened by Graystep for `{spec.Id}`. {gate}\n");
        return text.ToString();
    }

    /// <summary>The merged transition's message: its body, the pull request that carried it, then the trailers.</summary>
    private static string MergeMessage(Transition transition, PullRequestInfo pull)
    {
        var body = transition.Message.Body.TrimEnd();
        var line = $"{PullRequestLine}#{Num(pull.Number)} {pull.Url}".TrimEnd();
        var full = CommitMessageFormat.Format(transition.Message with { Body = body.Length == 0 ? line : body + "\n\n" + line });
        var subjectEnd = full.IndexOf('\n', StringComparison.Ordinal);
        return full[(subjectEnd + 1)..].TrimStart('\n');
    }

    private static string? PreviousPullRequest(RolloutState state)
    {
        var body = state.StatusCommit?.Message.Body;
        return body?.Split('\n').LastOrDefault(l => l.StartsWith(PullRequestLine, StringComparison.Ordinal))?[PullRequestLine.Length..].Trim();
    }

    private static string MergeMethodName(MergeMethod method) => method.ToString().ToLowerInvariant();

    private static string Num(int number) => number.ToString(CultureInfo.InvariantCulture);
}
