using Graystep.Core.Spec;
namespace Graystep.TestKit;

/// <summary>Rollout specs for tests: bookinfo/reviews, an Istio canary, with the parts a test cares about swapped in.</summary>
public static class ReviewsSpecs
{
    public static RolloutSpec Reviews(SyncSpec? sync = null, IReadOnlyList<WebhookSpec>? webhooks = null, Strategy strategy = Strategy.Canary) => new()
    {
        File = "apps/reviews/rollout.yaml",
        Kind = SpecKind.Rollout,
        Name = "reviews",
        Namespace = "bookinfo",
        Provider = StandardProviders.Istio,
        TargetRef = new TargetRef("Deployment", "reviews"),
        Service = new ServiceSpec { Port = 9080 },
        Analysis = new AnalysisSpec
        {
            Strategy = strategy,
            StepWeights = strategy == Strategy.Canary ? [10, 20, 50] : [],
            Iterations = strategy == Strategy.Canary ? 0 : 5,
            Webhooks = webhooks ?? [],
        },
        Output = "rendered/",
        Git = new GitSpec(),
        Approvals = new ApprovalSpec(),
        Sync = sync ?? new SyncSpec(),
    };

    public static WebhookSpec Hook(string name, WebhookType type, Uri url, int retries = 0, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? metadata = null) => new()
    {
        Name = name,
        Type = type,
        Url = url,
        Retries = retries,
        Timeout = timeout ?? TimeSpan.FromSeconds(10),
        Metadata = metadata ?? new SortedDictionary<string, string>(StringComparer.Ordinal),
    };

    public static IReadOnlyDictionary<string, string> Map(params (string Key, string Value)[] pairs) =>
        new SortedDictionary<string, string>(pairs.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
}
