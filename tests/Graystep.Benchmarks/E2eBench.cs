using System.Globalization;
using Graystep.EndToEnd.Tests.Harness;

namespace Graystep.Benchmarks;

/// <summary>
/// ./build.sh bench e2e: every example end to end, on the rig the end-to-end tests use (bare git remote, sandbox,
/// real Prometheus, the published CLI as a process), one example at a time so they do not compete for the CPU.
/// Each example's plan is kept as written (steps, iterations, thresholds); only the intervals are in seconds.
/// </summary>
internal static class E2eBench
{
    /// <summary>The judge the <c>e2e-judge</c> runs add to every example (healthy versions have no errors to compare, so they pass on maxDuration).</summary>
    public const string SequentialJudge = "{kind: sequential, alpha: 0.01, minimumEffect: 2, maxDuration: 3s, onInconclusive: promote}";

    public static async Task RunAsync(Action<string> report, string? judge = null)
    {
        var label = judge is null ? "e2e" : "e2e-judge";
        report(string.Create(CultureInfo.InvariantCulture,
            $"{label}: judge {judge ?? "threshold"}; analysis interval {ExampleCase.StepInterval}, metric windows {ExampleCase.MetricInterval}, sandbox sync delay {Rig.SyncDelay.TotalSeconds:0}s, {Rig.UserRps:0} user req/s, faulty version fails {Rig.FaultyErrorRate * 100:0}% of requests; load average before: {LoadAverage()}"));
        foreach (var example in ExampleCase.All)
        {
            await using var rig = await Rig.StartAsync(example, judge);
            var run = await ExampleScenario.RunAsync(rig);
            if (run.Healthy.ExitCode != 0 || run.Faulty.ExitCode != 4 || run.Rollback is null)
            {
                throw new InvalidOperationException($"{example.Name}: expected exit 0 then 4\n{run.Healthy.Describe("healthy")}\n{run.Faulty.Describe("faulty")}");
            }

            var applied = run.Final.Revisions.First(r => r.Sha == run.Rollback.Sha).AppliedAt;
            var plan = example.Strategy == ExampleStrategy.Canary
                ? string.Join("/", example.StepWeights) + "%"
                : example.StepWeights.Count.ToString(CultureInfo.InvariantCulture) + (example.Strategy == ExampleStrategy.ABTesting ? " A/B iterations" : " blue/green iterations");
            var steps = run.CommitsOf(example.FaultyVersion).Count(c => c.Action == "step");
            report(string.Create(CultureInfo.InvariantCulture,
                $"{label} {example.Name} ({plan}, threshold {example.Threshold}): {example.HealthyVersion} promoted in {run.Healthy.Elapsed.TotalSeconds:0.0} s; {example.FaultyVersion} rolled back in {run.Faulty.Elapsed.TotalSeconds:0.0} s (after {steps} step{(steps == 1 ? string.Empty : "s")}); {run.FaultyRequestsBeforeRollback} user requests ({run.FaultyErrorsBeforeRollback} errors) reached {example.FaultyVersion} before the rollback was applied, {run.FaultyAfterRollback.Requests} after; applied ~{(applied - run.Rollback.CommittedAt).TotalSeconds:0} s after its commit"));
        }

        report($"load average after: {LoadAverage()}");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
