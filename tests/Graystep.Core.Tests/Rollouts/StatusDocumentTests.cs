using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using Graystep.TestKit.Prometheus;
using Graystep.TestKit;

namespace Graystep.Core.Tests.Rollouts;

public sealed class StatusDocumentTests
{
    // The status file names the rollout; nothing else of the spec goes into it.
    private static readonly RolloutSpec Spec = AnalysisSpecs.Rollout(StandardProviders.Istio, "bookinfo", "reviews", metricsServer: null, metrics: []);

    private static RolloutStatus Failed(string reason) => new()
    {
        Phase = RolloutPhase.Failed,
        Stable = VersionRef.Of("v2", [new("reviews", "registry.example/reviews:2.0.0")]),
        StepIndex = 2,
        StepCount = 3,
        FailedChecks = 5,
        LastTransitionTime = new DateTimeOffset(2026, 12, 4, 15, 0, 0, TimeSpan.Zero),
        Reason = reason,
    };

    [Fact]
    public void A_reason_people_read_in_a_diff_is_written_as_it_is_and_reads_back_the_same()
    {
        const string reason = "analysis failed 5 times (threshold 5): request-success-rate 87.07 outside >= 99; run 'graystep status' <for more> & more → 完了";

        var text = StatusDocument.Write(Spec, Failed(reason));

        Assert.Contains("  reason: \"" + reason + "\"\n", text, StringComparison.Ordinal);
        Assert.Equal(Failed(reason), StatusDocument.Read("app/rendered/graystep-status.yaml", text));
    }

    [Fact]
    public void Quotes_backslashes_and_control_characters_stay_escaped_and_round_trip()
    {
        const string reason = "webhook said \"no\"\nC:\\path\tend\u0007";

        var text = StatusDocument.Write(Spec, Failed(reason));

        Assert.Contains("  reason: \"webhook said \\\"no\\\"\\nC:\\\\path\\tend\\u0007\"\n", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n'), l => l.StartsWith("  reason:", StringComparison.Ordinal));
        Assert.Equal(reason, StatusDocument.Read("app/rendered/graystep-status.yaml", text).Reason);
    }
}
