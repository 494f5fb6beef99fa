using System.Globalization;

namespace Graystep.Core.Rollouts;

/// <summary>
/// A canary weight as replicas, for a provider that splits by pod share (both versions behind one Service, as a
/// kube-proxy replica-ratio canary does): out of the target's replicas, the canary gets the rounded share, never 0
/// when it should get traffic and never all of them before the promotion. The share the pods give is what is
/// reported, because it is what users get.
/// </summary>
public sealed record ReplicaSplit(int Canary, int Total)
{
    public int Stable => Total - Canary;

    /// <summary>The share of the pods, in percent: what kube-proxy sends to the canary.</summary>
    public int Weight => Total == 0 ? 0 : (int)Math.Round(100.0 * Canary / Total, MidpointRounding.AwayFromZero);

    public static ReplicaSplit For(int total, int weight)
    {
        if (weight <= 0 || total <= 0)
        {
            return new ReplicaSplit(0, Math.Max(total, 0));
        }

        if (weight >= 100)
        {
            return new ReplicaSplit(total, total);
        }

        var canary = (int)Math.Round(total * weight / 100.0, MidpointRounding.AwayFromZero);
        return new ReplicaSplit(Math.Clamp(canary, 1, Math.Max(total - 1, 1)), total);
    }

    /// <summary>"25% (1 of 4 replicas)".</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Weight}% ({Canary} of {Total} replicas)");
}
