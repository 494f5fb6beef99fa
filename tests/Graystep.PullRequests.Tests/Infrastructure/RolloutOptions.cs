using System.Globalization;
using System.Text;

namespace Graystep.PullRequests.Tests.Infrastructure;

/// <summary>Bookinfo's reviews canary, made fast for tests: no metrics, a one-second interval, no sync wait.</summary>
internal sealed record RolloutOptions
{
    public bool PullRequests { get; init; } = true;

    public string MergeMethod { get; init; } = "squash";

    public bool ApprovePromotion { get; init; }

    public bool ApproveSteps { get; init; }

    public string StepWeights { get; init; } = "[50]";

    public int ProgressDeadlineSeconds { get; init; } = 600;

    public string Interval { get; init; } = "1s";

    /// <summary>Extra YAML under <c>analysis:</c>, indented by four spaces (metrics).</summary>
    public string? AnalysisExtra { get; init; }

    /// <summary>The <c>sync:</c> block's body, indented by four spaces.</summary>
    public string Sync { get; init; } = "    kind: none\n";

    /// <summary>A Flagger <c>rollback</c> webhook: a 2xx answer rolls the canary back at the next check.</summary>
    public string? RollbackHookUrl { get; init; }

    /// <summary>The rollback webhook's name as a YAML scalar (quote it to carry escapes).</summary>
    public string RollbackHookName { get; init; } = "stop-button";

    /// <summary>The webhook's Flagger type: <c>rollback</c>, or <c>confirm-rollout</c> (a 404 then keeps the gate closed).</summary>
    public string RollbackHookType { get; init; } = "rollback";

    public string Yaml()
    {
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"""
            apiVersion: graystep.io/v1alpha1
            kind: Rollout
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              provider: istio
              targetRef:
                kind: Deployment
                name: reviews
              service:
                port: 9080
                hosts: [reviews]
                gateways: [mesh]
              progressDeadlineSeconds: {ProgressDeadlineSeconds}
              analysis:
                interval: {Interval}
                threshold: 2
                stepWeights: {StepWeights}
                scaleDownDelay: 0s

            """);
        yaml.Append(AnalysisExtra);
        if (RollbackHookUrl is { } hook)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"""
                    webhooks:
                      - name: {RollbackHookName}
                        type: {RollbackHookType}
                        url: {hook}
                        timeout: 5s

                """);
        }

        yaml.Append(CultureInfo.InvariantCulture, $"""
              output: rendered/
              git:
                pullRequests: {Bool(PullRequests)}
                mergeMethod: {MergeMethod}
              approvals:
                promotion: {Bool(ApprovePromotion)}
                steps: {Bool(ApproveSteps)}
              sync:

            """);
        yaml.Append(Sync);
        return yaml.ToString();
    }

    private static string Bool(bool value) => value ? "true" : "false";
}
