using System.Text;
using Graystep.Core.Rollouts;
using Graystep.Engine.Rollouts;
using Graystep.Engine.Tests.Support;
using Graystep.TestKit;
using static Graystep.Engine.Tests.Support.HistoryAssert;

namespace Graystep.Engine.Tests;

/// <summary>One strategy, from an example: its spec file, tweaks, the container to update and what each step does.</summary>
public sealed record StrategyCase(
    string Name,
    string Example,
    string SpecFile,
    string Container,
    string Stable,
    int[] Weights,
    Func<TrafficSplit, bool> StepTraffic,
    string? RoutingMarker,
    (string Find, string Replace)[] Tweaks)
{
    public override string ToString() => Name;
}

/// <summary>
/// The whole lifecycle of every strategy, from the examples: start renders the new version with no user traffic, each
/// step is one commit after one analysis interval, promotion makes the new version stable and deletes the old one.
/// </summary>
public sealed class StrategyLifecycleTests
{
    private static readonly (string, string)[] NoTweaks = [];

    public static TheoryData<StrategyCase> Cases() =>
    [
        new StrategyCase("canary istio (bookinfo)", "bookinfo", "rollout.yaml", "reviews", "v1", [10, 20, 50], t => t is { MatchActive: false, MirrorActive: false }, null, NoTweaks),
        new StrategyCase("canary nginx (k8sdemo-nginx)", "k8sdemo-nginx", "rollout.yaml", "hello", "v1", [20, 40, 60], t => t is { MatchActive: false, MirrorActive: false }, null, NoTweaks),
        new StrategyCase("canary gateway-api", "gateway-api", "rollout.yaml", "podinfod", "v1", [25, 50], t => t is { MatchActive: false, MirrorActive: false }, null,
            [("stepWeight: 10", "stepWeight: 25")]),
        new StrategyCase("canary Flagger Canary (podinfo-flagger)", "podinfo-flagger", "podinfo-canary.yaml", "podinfod", "6-0-0", [25, 50], t => t is { MatchActive: false, MirrorActive: false }, null,
            [("stepWeight: 10", "stepWeight: 25")]),
        new StrategyCase("A/B testing istio (ab-testing)", "ab-testing", "rollout.yaml", "podinfod", "v1", [0, 0, 0], t => t is { CanaryWeight: 0, MatchActive: true, MirrorActive: false }, "user-id",
            [("iterations: 10", "iterations: 3")]),
        new StrategyCase("blue/green kubernetes (k8sdemo-nginx-bluegreen)", "k8sdemo-nginx-bluegreen", "rollout.yaml", "hello", "v1", [0, 0, 0], t => t is { CanaryWeight: 0, MatchActive: false, MirrorActive: false }, null,
            [("iterations: 5", "iterations: 3")]),
        new StrategyCase("blue/green with mirroring istio (bookinfo)", "bookinfo", "rollout.yaml", "reviews", "v1", [0, 0, 0], t => t is { CanaryWeight: 0, MatchActive: false, MirrorActive: true, MirrorWeight: 40 }, "mirror",
            [("stepWeights: [10, 20, 50]", "iterations: 3\n    mirror: true\n    mirrorWeight: 40")]),
        new StrategyCase("blue/green with mirroring gateway-api", "gateway-api", "rollout.yaml", "podinfod", "v1", [0, 0], t => t is { CanaryWeight: 0, MirrorActive: true }, "RequestMirror",
            [("stepWeight: 10\n    maxWeight: 50", "iterations: 2\n    mirror: true")]),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_strategy_starts_steps_once_per_interval_and_promotes(StrategyCase c)
    {
        using var rig = RolloutRig.CreateFrom(c.Example, c.SpecFile, c.Tweaks);
        var spec = rig.Loaded.Spec;
        var steps = c.Weights.Length;
        var target = spec.TargetRef.Name;
        var image = $"registry.example/{c.Container}:2.0.0";

        var result = await rig.RunAsync(RolloutRig.Start("v2", (c.Container, image)));

        Assert.Equal(RunOutcome.Promoted, result.Outcome);
        Assert.Equal(0, result.ExitCode);
        var commits = Timeline(rig,
        [
            Initialize(c.Stable),
            Adopted(c.Stable),
            Start("v2", steps),
            .. c.Weights.Select((w, i) => Step("v2", w, i + 1, steps)),
            Promote("v2", steps),
        ]);
        var init = commits[1];
        var start = commits[2];
        var lastStep = commits[^2];
        var promote = commits[^1];
        var stableFile = $"{rig.OutputPath}/deployment-{target}-{c.Stable}.yaml";
        var canaryFile = $"{rig.OutputPath}/deployment-{target}-v2.yaml";

        // Start: the new version is rendered beside the stable one, with no user traffic, and the stable one is not touched.
        var startStatus = rig.StatusAt(start.Sha);
        Assert.Equal(RolloutPhase.Progressing, startStatus.Phase);
        Assert.Equal(new TrafficSplit(0), startStatus.Traffic);
        Assert.Equal(image, startStatus.Canary!.Images[c.Container]);
        var initOutput = rig.OutputAt(init.Sha);
        var startOutput = rig.OutputAt(start.Sha);
        Assert.DoesNotContain(canaryFile, initOutput.Keys);
        Assert.Contains(canaryFile, startOutput.Keys);
        Assert.Equal(initOutput[stableFile], startOutput[stableFile]);
        Assert.Contains(image, Encoding.UTF8.GetString(startOutput[canaryFile]), StringComparison.Ordinal);
        if (c.RoutingMarker is { } marker)
        {
            Assert.DoesNotContain(startOutput.Values, bytes => Encoding.UTF8.GetString(bytes).Contains(marker, StringComparison.Ordinal));
        }

        // Each step: one commit, one analysis interval (after the sync delay) after the one before; workloads untouched.
        var wait = spec.Sync.Kind == "delay" ? spec.Sync.Delay + spec.Analysis.Interval : spec.Analysis.Interval;
        for (var i = 3; i < commits.Count; i++)
        {
            Assert.Equal(wait, commits[i].CommittedAt - commits[i - 1].CommittedAt);
        }

        Assert.Equal(TimeSpan.Zero, start.CommittedAt - init.CommittedAt);
        for (var i = 0; i < steps; i++)
        {
            var step = commits[i + 3];
            var status = rig.StatusAt(step.Sha);
            Assert.Equal(i + 1, status.StepIndex);
            Assert.Equal(c.Weights[i], status.Traffic.CanaryWeight);
            Assert.True(c.StepTraffic(status.Traffic), $"step {i + 1}: unexpected traffic {status.Traffic}");
            var output = rig.OutputAt(step.Sha);
            Assert.Equal(startOutput[stableFile], output[stableFile]);
            Assert.Equal(startOutput[canaryFile], output[canaryFile]);
            if (c.RoutingMarker is { } on)
            {
                Assert.Contains(output.Values, bytes => Encoding.UTF8.GetString(bytes).Contains(on, StringComparison.Ordinal));
            }
        }

        // Each body says why: before the first step there was no canary traffic to judge; after it, the metrics that allowed it.
        Assert.Contains("No traffic reached the canary yet", commits[3].Message.Body, StringComparison.Ordinal);
        foreach (var judged in commits.Skip(4))
        {
            Assert.StartsWith("Analysis:\n", judged.Message.Body, StringComparison.Ordinal);
            Assert.All(spec.Analysis.Metrics, m => Assert.Contains(m.Name, judged.Message.Body, StringComparison.Ordinal));
        }

        // One analysis per step after the first (the first has no canary traffic to judge), each on traffic after the sync.
        Assert.Equal(steps, rig.Analysis.Calls.Count);
        for (var i = 0; i < steps; i++)
        {
            var judged = commits[i + 3];
            var call = rig.Analysis.Calls[i];
            Assert.Equal(judged.CommittedAt + (spec.Sync.Kind == "delay" ? spec.Sync.Delay : TimeSpan.Zero), call.Context.AppliedAt);
            Assert.Equal(call.Context.AppliedAt + spec.Analysis.Interval, call.At);
            Assert.Equal($"{target}-v2", call.Context.CanaryWorkload);
            Assert.Equal($"{target}-{c.Stable}", call.Context.StableWorkload);
        }

        // Promotion: the new version is stable, the old Deployment is gone, the new one is not restarted.
        var final = rig.StatusAt(promote.Sha);
        Assert.Equal(RolloutPhase.Succeeded, final.Phase);
        Assert.Equal("v2", final.Stable.Name);
        Assert.Equal(image, final.Stable.Images[c.Container]);
        Assert.Null(final.Canary);
        Assert.Equal(TrafficSplit.AllStable, final.Traffic);
        var promoted = rig.OutputAt(promote.Sha);
        Assert.DoesNotContain(stableFile, promoted.Keys);
        Assert.Equal(rig.OutputAt(lastStep.Sha)[canaryFile], promoted[canaryFile]);

        // All traffic to the new version: every other file is the initial render with the version renamed (per-version
        // objects such as Services and autoscalers move from the old version's name to the new one's).
        string Rename(string text) => text
            .Replace($"-{c.Stable}.yaml", "-v2.yaml", StringComparison.Ordinal)
            .Replace($"{target}-{c.Stable}", $"{target}-v2", StringComparison.Ordinal)
            .Replace($"version: {c.Stable}", "version: v2", StringComparison.Ordinal)
            .Replace($"subset: {c.Stable}", "subset: v2", StringComparison.Ordinal)
            .Replace($"name: {c.Stable}\n", "name: v2\n", StringComparison.Ordinal);
        Assert.Equal(initOutput.Keys.Select(Rename).Order(StringComparer.Ordinal), promoted.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, bytes) in initOutput.Where(f => f.Key != stableFile))
        {
            Assert.Equal(Rename(Encoding.UTF8.GetString(bytes)), Encoding.UTF8.GetString(promoted[Rename(path)]));
        }

        // Running the finished rollout again changes nothing: no commit, same outcome.
        var tip = rig.RemoteTip();
        Assert.Equal(RunOutcome.Promoted, (await rig.RunAsync(RolloutRig.Start("v2", (c.Container, image)))).Outcome);
        Assert.Equal(RunOutcome.Promoted, (await rig.RunAsync(new RunRequest())).Outcome);
        Assert.Empty(rig.Observer.Commits);
        Assert.Equal(tip, rig.RemoteTip());
    }
}
