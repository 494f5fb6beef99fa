using System.Globalization;
using Graystep.CiAgents;
using Graystep.Core.Analysis;
using Graystep.Core.Gates;
using Graystep.Core.Rollouts;
using Graystep.Engine.Rollouts;

namespace Graystep.Cli;

/// <summary>Progress for people: one line per commit and per wait, and the analysis table at each check.</summary>
internal sealed class TextObserver(TextWriter writer, TimeProvider time, ICiWriter? groups = null) : IRolloutObserver
{
    private string? _lastWait;
    private bool _inGroup;
    private DateTimeOffset _lastWaitPrinted;

    public List<(DateTimeOffset Time, Transition Transition, string Sha)> Commits { get; } = [];

    public void Info(string message) => Line(message);

    public void Waiting(string what, DateTimeOffset? until)
    {
        var now = time.GetUtcNow();
        // Say what we wait for when it changes, then a heartbeat every 10 s so nobody is left guessing.
        if (what == _lastWait && now - _lastWaitPrinted < TimeSpan.FromSeconds(10))
        {
            return;
        }

        if (what != _lastWait && groups is not null)
        {
            // CI systems fold each wait into a collapsible group (::group:: / ##[group]).
            EndGroup();
            groups.BeginGroup(what);
            _inGroup = true;
        }

        _lastWait = what;
        _lastWaitPrinted = now;
        var left = until is { } u && u > now ? string.Create(CultureInfo.InvariantCulture, $" ({Math.Ceiling((u - now).TotalSeconds)}s)") : string.Empty;
        Line($"… {what}{left}");
    }

    public void Committed(Transition transition, string sha)
    {
        EndGroup();
        _lastWait = null;
        Commits.Add((time.GetUtcNow(), transition, sha));
        Line($"committed {sha[..Math.Min(7, sha.Length)]} {transition.Message.Subject}");
    }

    public void Analysis(IReadOnlyList<MetricResult> results, IReadOnlyList<WebhookResult> hooks, int failedChecks, int threshold)
    {
        EndGroup();
        _lastWait = null;
        if (results.Count > 0)
        {
            var round = new AnalysisRound(results);
            Line(string.Create(CultureInfo.InvariantCulture, $"analysis: {round.Summary} (failed checks {failedChecks}/{threshold})"));
            foreach (var row in round.ToTable().TrimEnd().Split('\n'))
            {
                writer.WriteLine("    " + row);
            }
        }

        foreach (var hook in hooks)
        {
            Line($"webhook {hook.Name} ({WebhookPolicy.FlaggerName(hook.Type)}): {(hook.Succeeded ? "ok" : "failed")} {hook.Detail}".TrimEnd());
        }
    }

    /// <summary>Closes the open wait group, if any; call before the final report.</summary>
    public void EndGroup()
    {
        if (_inGroup)
        {
            groups!.EndGroup();
            _inGroup = false;
        }
    }

    private void Line(string text) =>
        writer.WriteLine($"[{time.GetUtcNow().ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {text}");
}
