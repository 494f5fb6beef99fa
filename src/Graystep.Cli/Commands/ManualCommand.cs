using Graystep.Cli.Composition;
using Graystep.Core.Errors;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using Graystep.Engine.Publishing;
using Graystep.Engine.Rollouts;

namespace Graystep.Cli.Commands;

/// <summary>
/// <c>promote</c>, <c>rollback</c>, <c>pause</c>, <c>resume</c>: one commit each, decided on fresh state by
/// <see cref="ManualRunner"/>. With <c>git.pullRequests: true</c> the commit goes through a pull request like any other
/// transition: merged at once, except a promotion when <c>approvals.promotion</c> asks for a reviewer (the command
/// then exits 5; run it again once the pull request is approved).
/// </summary>
internal sealed class ManualCommand(CliContext context, GraystepSettings settings) : CommandBase(context, settings)
{
    public async Task<int> ExecuteAsync(ManualAction action, string path, string? reason, CancellationToken ct, int? weight = null)
    {
        SafeNames.CheckReason(reason);
        using var providers = Compose();
        var (workspace, specPath) = await OpenWorkspaceAsync(providers, path, ct).ConfigureAwait(false);
        await using (workspace.ConfigureAwait(false))
        {
            var store = Store(providers, workspace, specPath);
            var host = ResolveGitHost(providers, workspace);
            var observer = new TextObserver(Context.Error, Context.Time);
            ITransitionPublisher? publisher = null;
            try
            {
                // Opening the workspace fetched already; the runner fetches again only after a lost race.
                var runner = new ManualRunner(store, state => publisher = CreatePublisher(providers, state, store, workspace, host, observer), Context.Time, observer,
                    new Engine.Alerts.RolloutAlerts(providers.Alerts, Context.Time));
                return Report(action, await runner.RunAsync(action, reason, fresh: true, ct, weight).ConfigureAwait(false));
            }
            finally
            {
                (publisher as IDisposable)?.Dispose();
            }
        }
    }

    private int Report(ManualAction action, ManualResult result)
    {
        switch (result)
        {
            case ManualResult.Committed committed:
                Context.Out.WriteLine($"committed {committed.Sha[..7]} {committed.Transition.Message.Subject}");
                return ExitCodes.Success;

            case ManualResult.Waiting waiting:
                Context.Out.WriteLine($"{waiting.Reason}; run 'graystep {ManualDecider.Name(action)}' again once it can be merged");
                return ExitCodes.InProgress;

            case ManualResult.NothingToDo nothing:
                Context.Out.WriteLine(nothing.Reason);
                return ExitCodes.Success;

            default:
                throw new InvalidOperationException("unknown manual result");
        }
    }
}
