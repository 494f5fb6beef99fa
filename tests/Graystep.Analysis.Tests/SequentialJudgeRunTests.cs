using System.Diagnostics;
using Graystep.Analysis.Tests.Support;
using Graystep.TestKit.Prometheus;

namespace Graystep.Analysis.Tests;

/// <summary>
/// The sequential judge through the published CLI against a real Prometheus, once per outcome: pass promotes, fail
/// rolls back at once, and an inconclusive judge waits maxDuration before onInconclusive decides. Each decision
/// commit carries the judge's block (the report's contract).
/// </summary>
[Collection(Lanes.One)]
public sealed class SequentialJudgeRunTests
{
    private const string Judged = """
        interval: 3s
        threshold: 2
        stepWeights: [50]
        judge: {kind: sequential, alpha: 0.01, minimumEffect: 2, maxDuration: 6s, onInconclusive: rollback}
        metrics:
          - name: request-success-rate
        """;

    [PrometheusFact]
    public async Task A_shared_incident_passes_the_judge_and_the_canary_is_promoted()
    {
        // Both versions answer 10% of their requests with 500s: a 99% threshold would fail, the judge compares them.
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.WithErrors(0.10, 100)), (Bookinfo.CanaryWorkload, Traffic.WithErrors(0.10, 100)));
        using var repo = Bookinfo.Repo(Judged.Replace("onInconclusive: rollback", "onInconclusive: hold", StringComparison.Ordinal).Replace("6s", "60s", StringComparison.Ordinal),
            sync: "kind: delay\ndelay: 1s");

        var result = await repo.GraystepAsync(Bookinfo.RunV2(repo, rig.Address, "-o", "json"), Bookinfo.RunBound);

        Assert.True(result.ExitCode == 0, result.ToString());
        var commits = repo.RolloutCommits();
        Assert.Equal(["initialize", "retire", "start", "step", "promote"], commits.Select(c => c.Action));
        var row = JudgeRow(commits[^1].Body, "request-success-rate");
        Assert.Equal("pass", row[^1]);
        Expect.Contains("\"judge\": {", result.Stdout);
        Expect.Contains("\"outcome\": \"pass\"", result.Stdout);
    }

    [PrometheusFact]
    public async Task A_canary_with_ten_times_the_errors_fails_the_judge_and_is_rolled_back_at_once()
    {
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.WithErrors(0.01, 100)), (Bookinfo.CanaryWorkload, Traffic.WithErrors(0.10, 100)));
        using var repo = Bookinfo.Repo(Judged.Replace("6s", "60s", StringComparison.Ordinal), sync: "kind: delay\ndelay: 1s");

        var result = await repo.GraystepAsync(Bookinfo.RunV2(repo, rig.Address), Bookinfo.RunBound);

        Assert.True(result.ExitCode == 4, result.ToString());
        var rollback = repo.RolloutCommits()[^1];
        Assert.Equal("rollback", rollback.Action);
        Expect.Matches(@"^Reason: the sequential judge found v2 worse than v1: request-success-rate ratio \d+\.\d\d \[\d+\.\d\d, (\d+\.\d\d|inf)\]$", rollback.Body);
        var row = JudgeRow(rollback.Body, "request-success-rate");
        Assert.Equal("fail", row[^1]);
        Assert.Matches(@"^\d+/\d+ errors$", row[1]);
        Assert.InRange(double.Parse(row[3], System.Globalization.CultureInfo.InvariantCulture), 4, 25);

        // A judge fail is not a counted failed check: it rolls back on the first one.
        Expect.Contains("failedChecks: 0", repo.ReadFile(Bookinfo.StatusFile)!);
    }

    [PrometheusFact]
    public async Task An_inconclusive_judge_waits_maxDuration_then_onInconclusive_decides()
    {
        // No errors on either side: nothing to compare, so the judge can say neither pass nor fail.
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.Healthy(100)), (Bookinfo.CanaryWorkload, Traffic.Healthy(100)));
        using var repo = Bookinfo.Repo(Judged, sync: "kind: delay\ndelay: 1s");

        var clock = Stopwatch.StartNew();
        var result = await repo.GraystepAsync(Bookinfo.RunV2(repo, rig.Address), Bookinfo.RunBound);

        Assert.True(result.ExitCode == 4, result.ToString());
        var commits = repo.RolloutCommits();
        Assert.Equal(["initialize", "retire", "start", "step", "rollback"], commits.Select(c => c.Action));
        Expect.Matches(@"^Reason: the sequential judge was still inconclusive after maxDuration 6s \(request-success-rate ratio - \[0\.00, inf\]\); onInconclusive: rollback$", commits[^1].Body);
        Assert.Equal("inconclusive", JudgeRow(commits[^1].Body, "request-success-rate")[^1]);
        Expect.Contains("the sequential judge is inconclusive", result.Stdout);

        // It waited at least maxDuration on the weighted step, and inconclusive checks were never counted as failures.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(6), clock.Elapsed.ToString());
        Expect.Contains("failedChecks: 0", repo.ReadFile(Bookinfo.StatusFile)!);
    }

    /// <summary>
    /// Two MetricTemplates that count the app's own requests (here: the sidecar's, by workload); each selects the
    /// version with {{ target }}, so the judge runs them once for the canary and once for the stable version.
    /// </summary>
    private static readonly Dictionary<string, string> CounterTemplates = new()
    {
        ["judge-counters.yaml"] = """
            apiVersion: flagger.app/v1beta1
            kind: MetricTemplate
            metadata:
              name: server-errors
              namespace: bookinfo
            spec:
              provider:
                type: prometheus
              query: |
                sum(increase(istio_requests_total{destination_workload_namespace="{{ namespace }}",
                  destination_workload="{{ target }}", response_code=~"5.."}[{{ interval }}]))
            ---
            apiVersion: flagger.app/v1beta1
            kind: MetricTemplate
            metadata:
              name: all-requests
              namespace: bookinfo
            spec:
              provider:
                type: prometheus
              query: |
                sum(increase(istio_requests_total{destination_workload_namespace="{{ namespace }}",
                  destination_workload="{{ target }}"}[{{ interval }}]))
            """,
    };

    private const string TemplateJudged = """
        interval: 3s
        threshold: 2
        stepWeights: [50]
        judge: {kind: sequential, alpha: 0.01, minimumEffect: 2, maxDuration: 60s, onInconclusive: hold}
        metrics:
          - name: checkout-errors
            counters:
              events: {name: server-errors}
              total: {name: all-requests}
        """;

    [PrometheusFact]
    public async Task A_templated_metric_is_judged_per_version_and_a_shared_incident_is_promoted()
    {
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.WithErrors(0.10, 100)), (Bookinfo.CanaryWorkload, Traffic.WithErrors(0.10, 100)));
        using var repo = Bookinfo.Repo(TemplateJudged, sync: "kind: delay\ndelay: 1s", files: CounterTemplates);

        var result = await repo.GraystepAsync(Bookinfo.RunV2(repo, rig.Address), Bookinfo.RunBound);

        Assert.True(result.ExitCode == 0, result.ToString());
        var commits = repo.RolloutCommits();
        Assert.Equal("promote", commits[^1].Action);
        var row = JudgeRow(commits[^1].Body, "checkout-errors");
        Assert.Equal("pass", row[^1]);
        Assert.Matches(@"^\d+/\d+ events$", row[1]);
        Assert.Matches(@"^\d+/\d+ events$", row[2]);
    }

    [PrometheusFact]
    public async Task A_templated_metric_with_ten_times_the_errors_on_the_canary_fails_the_judge()
    {
        await using var rig = await MetricsRig.StartAsync(Bookinfo.Namespace, Bookinfo.Service,
            (Bookinfo.StableWorkload, Traffic.WithErrors(0.01, 100)), (Bookinfo.CanaryWorkload, Traffic.WithErrors(0.10, 100)));
        using var repo = Bookinfo.Repo(TemplateJudged, sync: "kind: delay\ndelay: 1s", files: CounterTemplates);

        var result = await repo.GraystepAsync(Bookinfo.RunV2(repo, rig.Address), Bookinfo.RunBound);

        Assert.True(result.ExitCode == 4, result.ToString());
        var rollback = repo.RolloutCommits()[^1];
        Assert.Equal("rollback", rollback.Action);
        Expect.Matches(@"^Reason: the sequential judge found v2 worse than v1: checkout-errors ratio \d+\.\d\d \[\d+\.\d\d, (\d+\.\d\d|inf)\]$", rollback.Body);
        var row = JudgeRow(rollback.Body, "checkout-errors");
        Assert.Equal("fail", row[^1]);
        Assert.InRange(double.Parse(row[3], System.Globalization.CultureInfo.InvariantCulture), 4, 25);
    }

    /// <summary>The judge block's row for <paramref name="metric"/>, split on runs of two or more spaces.</summary>
    private static string[] JudgeRow(string body, string metric)
    {
        var lines = body.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("Judge: sequential, alpha 0.01, minimum effect 2x", StringComparison.Ordinal));
        Assert.True(start >= 0, body);
        Assert.Matches("^METRIC {2,}CANARY {2,}STABLE {2,}RATIO {2,}INTERVAL {2,}OUTCOME$", lines[start + 1]);
        var row = lines.Skip(start + 2).TakeWhile(l => l.Length > 0).Single(l => l.StartsWith(metric + " ", StringComparison.Ordinal));
        return System.Text.RegularExpressions.Regex.Split(row, " {2,}");
    }
}
