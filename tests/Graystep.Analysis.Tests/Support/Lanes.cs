namespace Graystep.Analysis.Tests.Support;

/// <summary>
/// Test classes in one lane run one after another; lanes run side by side. Most of a whole-rollout test is
/// waiting for intervals, so five lanes keep the project near two minutes of wall time without piling more
/// Prometheus servers and CLI processes than that onto a 2-core machine.
/// </summary>
public static class Lanes
{
    public const string One = "lane 1";
    public const string Two = "lane 2";
    public const string Three = "lane 3";
    public const string Four = "lane 4";
    public const string Five = "lane 5";
}
