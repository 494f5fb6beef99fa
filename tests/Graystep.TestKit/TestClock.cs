namespace Graystep.TestKit;

/// <summary>Where fake clocks start when a test does not care: a fixed instant, so times in outputs are stable.</summary>
public static class TestClock
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
}
