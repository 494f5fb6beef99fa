namespace Graystep.Analysis.Tests.Support;

/// <summary>
/// Test classes in one lane run one after another; lanes run side by side. Four lanes keep the whole project
/// near a minute of wall time without piling Prometheus servers and CLI processes onto a 2-core machine.
/// </summary>
public static class Lanes
{
    public const string One = "lane 1";
    public const string Two = "lane 2";
    public const string Three = "lane 3";

    /// <summary>The fake-clock run-loop tests: git only, no servers.</summary>
    public const string Four = "lane 4";
}
