using Graystep.Core.Analysis;
using Graystep.Core.Gates;
using Graystep.Core.Spec;

namespace Graystep.Analysis.Tests.Support;

/// <summary>
/// An analysis runner whose verdicts the test scripts round by round (pass unless told), recording when each
/// round ran and the window it was given. For run-loop semantics on a fake clock; the real Prometheus runner is
/// covered by the whole-rollout tests.
/// </summary>
public sealed class ScriptedAnalysis(TimeProvider time, Func<int, bool>? passes = null) : IAnalysisRunner
{
    private readonly List<(DateTimeOffset At, AnalysisContext Context)> _rounds = [];

    public IReadOnlyList<(DateTimeOffset At, AnalysisContext Context)> Rounds
    {
        get
        {
            lock (_rounds)
            {
                return [.. _rounds];
            }
        }
    }

    public Task<IReadOnlyList<MetricResult>> RunAsync(AnalysisContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        int round;
        lock (_rounds)
        {
            _rounds.Add((time.GetUtcNow(), context));
            round = _rounds.Count;
        }

        var pass = passes?.Invoke(round) ?? true;
        IReadOnlyList<MetricResult> results = [.. context.Spec.Analysis.Metrics.Select(m => new MetricResult(
            m.Name,
            "scripted",
            pass ? 100 : 90,
            m.ThresholdRange,
            MetricWindow.Compute(m.Interval, context.AppliedAt, time.GetUtcNow()),
            pass ? Verdict.Pass : Verdict.Fail,
            pass ? null : "scripted failure"))];
        return Task.FromResult(results);
    }
}

/// <summary>Webhooks answered by a script per hook name (success unless told), each call recorded with its time.</summary>
public sealed class ScriptedHooks(TimeProvider time) : IWebhookCaller
{
    public string Id => "scripted";

    public bool IsSupported(Uri input) => true;

    private readonly Dictionary<string, Func<int, bool>> _scripts = new(StringComparer.Ordinal);
    private readonly List<(string Name, WebhookType Type, string Phase, DateTimeOffset At)> _calls = [];

    public IReadOnlyList<(string Name, WebhookType Type, string Phase, DateTimeOffset At)> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary><paramref name="succeeds"/> gets the 1-based number of the call to this hook.</summary>
    public ScriptedHooks Script(string hook, Func<int, bool> succeeds)
    {
        _scripts[hook] = succeeds;
        return this;
    }

    public IReadOnlyList<DateTimeOffset> TimesOf(string hook) => Calls.Where(c => c.Name == hook).Select(c => c.At).ToList();

    public Task<WebhookResult> CallAsync(WebhookSpec hook, WebhookPayload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ArgumentNullException.ThrowIfNull(payload);
        int count;
        lock (_calls)
        {
            _calls.Add((hook.Name, hook.Type, payload.Phase, time.GetUtcNow()));
            count = _calls.Count(c => c.Name == hook.Name);
        }

        var ok = !_scripts.TryGetValue(hook.Name, out var script) || script(count);
        return Task.FromResult(new WebhookResult(hook.Name, hook.Type, ok, ok ? 200 : 403, ok ? "HTTP 200 OK" : "HTTP 403 Forbidden"));
    }
}
