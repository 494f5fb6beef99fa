namespace Graystep.TestKit;

/// <summary>
/// Microsoft's <see cref="FakeTimeProvider"/> for code that must really wait (HTTP timeouts, retry back-off against a
/// real server) while the times it reports stay where the test puts them: <see cref="TimeProvider.GetUtcNow"/> is
/// fake, timers run on the system clock. Prefer a plain <see cref="FakeTimeProvider"/> and advance it where a test
/// can drive every wait.
/// </summary>
public sealed class FrozenClock(DateTimeOffset? start = null) : FakeTimeProvider(start ?? TestClock.Start)
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, dueTime, period);
}
